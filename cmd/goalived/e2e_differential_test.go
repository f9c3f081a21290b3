package main

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestIntegrationNotifySequenceMatchesKeepalived runs one scenario on a
// lone router twice, once with keepalived 2.2.7 and once with goalived,
// and compares the generic notify script's calls line by line: start
// (BACKUP then MASTER), cable cut (FAULT), cable back (BACKUP, MASTER),
// SIGTERM (STOP).
func TestIntegrationNotifySequenceMatchesKeepalived(t *testing.T) {
	t.Parallel()
	keepalivedBinary(t)
	l := newTestlab(t, 1)
	logs := map[string][]string{}
	for k, kind := range []string{keepalivedKind, goalivedKind} {
		t.Run(kind, func(t *testing.T) {
			c := vrrpConf{State: "BACKUP", Priority: 120, VRID: 151 + k, Version: 3, AdvertInt: "0.2",
				VIP: "192.0.2.25" + string(rune('2'+k)), Notify: "{{DIR}}/notify.sh"}
			vip := c.vip(t)
			n := l.start(t, 0, kind, c)
			l.waitHolder(t, vip, 0, c.masterDown(t, 120)+startMargin)
			n.waitNotify(t, "INSTANCE VI_1 MASTER 120", 10*time.Second)

			t.Cleanup(func() { l.setPort(t, 0, true) })
			l.setPort(t, 0, false)
			n.waitNotify(t, "INSTANCE VI_1 FAULT 120", 10*time.Second)
			l.waitHolder(t, vip, -1, time.Second)
			l.setPort(t, 0, true)
			l.waitHolder(t, vip, 0, c.masterDown(t, 120)+crashMargin)
			n.waitNotify(t, "INSTANCE VI_1 MASTER 120", 10*time.Second)

			n.term(t)
			n.waitExit(t)
			l.waitHolder(t, vip, -1, 0)
			n.waitNotifyPrefix(t, "INSTANCE VI_1 STOP", 10*time.Second)
			logs[kind] = n.notifies()
			t.Logf("%s notify calls: %q", kind, logs[kind])
		})
	}
	if len(logs) == 2 {
		if d := cmp.Diff(logs[keepalivedKind], logs[goalivedKind]); d != "" {
			t.Errorf("notify calls differ (-keepalived +goalived):\n%s", d)
		}
	}
}

// TestIntegrationTieDoesNotPreempt: a backup accepts an advert of equal
// priority without comparing addresses (reference 3.8), so a router with
// the same priority and a higher address that starts after the master
// must not take the VIP. Mixed pairs, both orders.
func TestIntegrationTieDoesNotPreempt(t *testing.T) {
	t.Parallel()
	keepalivedBinary(t)
	l := newTestlab(t, 2)
	for k, kinds := range [][2]string{{keepalivedKind, goalivedKind}, {goalivedKind, keepalivedKind}, {goalivedKind, goalivedKind}} {
		t.Run(kinds[0]+"-first-"+kinds[1]+"-second", func(t *testing.T) {
			base := vrrpConf{State: "BACKUP", VRID: 161 + k, Version: 3, AdvertInt: "0.2", VIP: "192.0.2.23" + string(rune('1'+k))}
			confs := l.confs(t, base, false, []int{0, 1}, []int{100, 100})
			vip := base.vip(t)
			l.start(t, 0, kinds[0], confs[0])
			l.waitHolder(t, vip, 0, base.masterDown(t, 100)+startMargin)
			second := l.start(t, 1, kinds[1], confs[1])
			if second.kind == goalivedKind {
				second.waitState(t, "BACKUP", startMargin)
			}
			l.steadyHolder(t, vip, 0, 2*base.masterDown(t, 100)+time.Second)
		})
	}
}

// TestIntegrationBackupAdoptsMasterInterval: in VRRPv3 a backup runs its
// down timer on the master's advertised interval, not its own (RFC 5798
// 6.4.2, reference 3.9). With the master at 0.5 s and the backup
// configured at 1 s, a cut master is replaced after 3 x 0.5 s + skew,
// about half the backup's own Master_Down_Interval. Mixed pairs both
// ways: goalived encodes the interval keepalived adopts, and adopts the
// one keepalived sends.
func TestIntegrationBackupAdoptsMasterInterval(t *testing.T) {
	t.Parallel()
	keepalivedBinary(t)
	l := newTestlab(t, 2)
	for k, kinds := range [][2]string{{keepalivedKind, goalivedKind}, {goalivedKind, keepalivedKind}} {
		t.Run(kinds[0]+"-master", func(t *testing.T) {
			base := vrrpConf{State: "BACKUP", VRID: 171 + k, Version: 3, AdvertInt: "0.5", VIP: "192.0.2.23" + string(rune('4'+k))}
			confs := l.confs(t, base, false, []int{0, 1}, []int{150, 100})
			backup := confs[1]
			backup.AdvertInt = "1"
			vip := base.vip(t)
			l.start(t, 0, kinds[0], confs[0])
			l.startBackup(t, kinds[1], backup, vip, base.masterDown(t, 150)+startMargin)
			l.waitHolder(t, vip, 0, 2*backup.masterDown(t, 100)+startMargin)
			l.steadyHolder(t, vip, 0, backup.masterDown(t, 100))

			t.Cleanup(func() { l.setPort(t, 0, true) })
			cut := time.Now()
			l.setPort(t, 0, false)
			waitFor(t, backup.masterDown(t, 100)+crashMargin, func() bool { return l.hasAddr(t, 1, vip) },
				func() string { return "the backup to take over after the master's cable cut" })
			took := time.Since(cut)
			adopted := base.masterDown(t, 100)
			t.Logf("takeover after %v (adopted Master_Down_Interval %v, own %v)", took, adopted, backup.masterDown(t, 100))
			if took > adopted+takeoverMargin {
				t.Errorf("%s backup took over %v after the cut: it did not adopt the master's 0.5 s interval (would be <= %v)",
					kinds[1], took, adopted+takeoverMargin)
			}
		})
	}
}

// TestIntegrationPreemptDelay: a higher-priority router with
// preempt_delay 2 that starts while a lower-priority master runs accepts
// the master for 2 s and only then lets its down timer run out (reference
// 3.8). The same scenario with keepalived as the delayed router gives the
// reference timing.
func TestIntegrationPreemptDelay(t *testing.T) {
	t.Parallel()
	keepalivedBinary(t)
	l := newTestlab(t, 2)
	const delay = 2 * time.Second
	for k, kinds := range [][2]string{{keepalivedKind, goalivedKind}, {goalivedKind, keepalivedKind}} {
		t.Run(kinds[0]+"-delayed/"+kinds[1]+"-master", func(t *testing.T) {
			base := vrrpConf{State: "BACKUP", VRID: 181 + k, Version: 3, AdvertInt: "0.2", VIP: "192.0.2.23" + string(rune('6'+k))}
			confs := l.confs(t, base, false, []int{0, 1}, []int{150, 100})
			delayed := confs[0]
			delayed.PreemptDelay = "2"
			vip := base.vip(t)
			l.start(t, 1, kinds[1], confs[1])
			l.waitHolder(t, vip, 1, base.masterDown(t, 100)+startMargin)
			began := time.Now()
			l.start(t, 0, kinds[0], delayed)
			l.waitHolder(t, vip, 0, delay+base.masterDown(t, 150)+startMargin)
			took := time.Since(began)
			t.Logf("%s with preempt_delay 2 took over %v after its start", kinds[0], took)
			if took < delay {
				t.Errorf("%s took over %v after its start, before its preempt_delay of %v", kinds[0], took, delay)
			}
			l.steadyHolder(t, vip, 0, base.masterDown(t, 100))
		})
	}
}
