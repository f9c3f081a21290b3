package main

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestIntegrationStartupMatchesKeepalived runs start-up corner cases
// (reference 3.7, 3.8) once with keepalived 2.2.7 and once with goalived
// in the same role and compares what can be observed: who holds the VIP
// and the notify script's calls.
func TestIntegrationStartupMatchesKeepalived(t *testing.T) {
	t.Parallel()
	keepalivedBinary(t)
	l := newTestlab(t, 2)
	scenarios := []struct {
		name string
		run  func(t *testing.T, kind string, vrid int) trace
	}{
		// An address owner goes straight to MASTER: its first notify is
		// MASTER, without the BACKUP every other instance starts with.
		{"owner", func(t *testing.T, kind string, vrid int) trace {
			c := vrrpConf{State: "MASTER", Priority: 255, VRID: vrid, Version: 3, AdvertInt: "0.2", VIP: vipFor(vrid), Notify: "{{DIR}}/notify.sh"}
			n := l.start(t, 0, kind, c)
			l.waitHolder(t, c.vip(t), 0, startMargin)
			n.waitNotify(t, "INSTANCE VI_1 MASTER 255", 10*time.Second)
			return l.trace(t, c, n)
		}},
		// The interface is down at start: FAULT first, then BACKUP and
		// MASTER once the link comes up.
		{"link-down-at-start", func(t *testing.T, kind string, vrid int) trace {
			c := vrrpConf{State: "BACKUP", Priority: 100, VRID: vrid, Version: 3, AdvertInt: "0.2", VIP: vipFor(vrid), Notify: "{{DIR}}/notify.sh"}
			t.Cleanup(func() { l.setPort(t, 0, true) })
			l.setPort(t, 0, false)
			n := l.start(t, 0, kind, c)
			n.waitNotify(t, "INSTANCE VI_1 FAULT 100", startMargin)
			l.setPort(t, 0, true)
			l.waitHolder(t, c.vip(t), 0, c.masterDown(t, 100)+startMargin)
			n.waitNotify(t, "INSTANCE VI_1 MASTER 100", 10*time.Second)
			return l.trace(t, c, n)
		}},
		// state MASTER clears nopreempt (with a warning): a restarted
		// preferred router still takes the VIP back from a running master.
		{"state-master-clears-nopreempt", func(t *testing.T, kind string, vrid int) trace {
			base := vrrpConf{State: "BACKUP", VRID: vrid, Version: 3, AdvertInt: "0.2", VIP: vipFor(vrid), Notify: "{{DIR}}/notify.sh"}
			confs := l.confs(t, base, false, []int{0, 1}, []int{150, 100})
			l.start(t, 1, goalivedKind, confs[1])
			l.waitHolder(t, base.vip(t), 1, base.masterDown(t, 100)+startMargin)
			a := confs[0]
			a.State, a.Nopreempt = "MASTER", true
			n := l.start(t, 0, kind, a)
			// Either it takes over within its down timer or it never does.
			deadline := time.Now().Add(base.masterDown(t, 150) + startMargin)
			for time.Now().Before(deadline) && !l.hasAddr(t, 0, base.vip(t)) {
				time.Sleep(20 * time.Millisecond)
			}
			if l.hasAddr(t, 0, base.vip(t)) {
				// The old master releases when it hears the new one.
				l.waitHolder(t, base.vip(t), 0, time.Second)
				// Notify scripts run asynchronously: the MASTER one
				// before the STOP one of the trace.
				n.waitNotify(t, "INSTANCE VI_1 MASTER 150", 10*time.Second)
			}
			return l.trace(t, a, n)
		}},
	}
	for k, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			got := map[string]trace{}
			for j, kind := range []string{keepalivedKind, goalivedKind} {
				t.Run(kind, func(t *testing.T) { got[kind] = sc.run(t, kind, 221+2*k+j) })
			}
			t.Logf("keepalived: %+v", got[keepalivedKind])
			if d := cmp.Diff(got[keepalivedKind], got[goalivedKind]); len(got) == 2 && d != "" {
				t.Errorf("goalived differs from keepalived (-keepalived +goalived):\n%s", d)
			}
		})
	}
}

// trace is what a start-up scenario shows.
type trace struct {
	Holders []int
	Notify  []string
}

// trace stops n (SIGTERM) after recording the VIP's holders, and returns
// them with n's notify calls, the STOP included.
func (l *testlab) trace(t *testing.T, c vrrpConf, n *node) trace {
	t.Helper()
	tr := trace{Holders: l.holders(t, c.vip(t))}
	n.term(t)
	n.waitExit(t)
	n.waitNotifyPrefix(t, "INSTANCE VI_1 STOP", 10*time.Second)
	tr.Notify = n.notifies()
	return tr
}

// vipFor gives each VRID of these tests its own IPv4 VIP.
func vipFor(vrid int) string { return fmt.Sprintf("198.51.100.%d", vrid) }
