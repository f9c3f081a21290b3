package engine_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/goalived/goalived/engine"
	"github.com/goalived/goalived/vrrp"
	"github.com/goalived/goalived/vrrp/vrrptest"
)

// wire records the adverts a third host sees on the segment.
type wire struct {
	mu      sync.Mutex
	adverts []advert
}

type advert struct {
	at   time.Time
	src  netip.Addr
	vrid uint8
	prio uint8
}

func listen(seg *vrrptest.Segment) *wire {
	w := &wire{}
	seg.Attach(netip.MustParseAddr("192.0.2.9"), func(p vrrp.Packet) {
		a, err := vrrp.Unmarshal(p.Payload, p.Src, p.Dst, vrrp.CodecOptions{})
		if err != nil {
			return
		}
		w.mu.Lock()
		w.adverts = append(w.adverts, advert{at: time.Now(), src: p.Src, vrid: a.VRID, prio: a.Priority})
		w.mu.Unlock()
	})
	return w
}

// gaps returns, per VRID, the intervals between src's adverts after
// from, and the adverts at priority 0.
func (w *wire) gaps(src string, from time.Time) (map[uint8][]time.Duration, []advert) {
	w.mu.Lock()
	defer w.mu.Unlock()
	last := map[uint8]time.Time{}
	gaps := map[uint8][]time.Duration{}
	var zero []advert
	for _, a := range w.adverts {
		if a.src.String() != src || a.at.Before(from) {
			continue
		}
		if a.prio == 0 {
			zero = append(zero, a)
		}
		if l, ok := last[a.vrid]; ok {
			gaps[a.vrid] = append(gaps[a.vrid], a.at.Sub(l))
		}
		last[a.vrid] = a.at
	}
	return gaps, zero
}

// handoverConf is n VRRPv3 instances at advert_int 0.1 with a VIP each, a
// check and a notify script, and a static address.
func handoverConf(prio int, names ...string) string {
	var b strings.Builder
	b.WriteString("vrrp_script chk {\n  script /bin/check.sh\n  interval 1\n  rise 2\n  fall 2\n}\n")
	b.WriteString("static_ipaddress {\n  192.0.2.250/32 dev eth0\n}\n")
	for _, name := range names {
		var vrid int
		fmt.Sscanf(name, "VI_%d", &vrid)
		b.WriteString(instance(name, 50+vrid, prio, fmt.Sprintf("192.0.2.%d/32", 100+vrid), "version 3", "advert_int 0.1",
			notifyAll, "track_script {\n    chk\n  }"))
	}
	return b.String()
}

// handOver freezes from's engine and resumes a new engine of conf on the
// same host from its state (through JSON, as between processes), as a
// hot upgrade does; pause is the time the handover takes.
func handOver(t *testing.T, from *node, conf string, pause time.Duration) *engine.Engine {
	t.Helper()
	next := engine.New(load(t, conf), from.host.Engine(), engine.Options{
		Logger: slog.New(slog.NewTextHandler(from.log, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	t.Cleanup(func() { next.Close() })
	if err := next.Prepare(); err != nil {
		t.Fatal(err)
	}
	keys := map[engine.InstanceKey]bool{}
	for _, k := range engine.Keys(load(t, conf)) {
		keys[k] = true
	}
	st, err := from.eng.Freeze(context.Background(), func(k engine.InstanceKey) bool { return keys[k] })
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	var got engine.State
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	wait(pause)
	if err := next.Resume(&got, st.At); err != nil {
		t.Fatalf("resume: %v\nlog:\n%s", err, from.log)
	}
	if err := from.eng.Retire(); err != nil {
		t.Errorf("retire: %v", err)
	}
	from.eng = next
	return next
}

// TestHandover hands a master of three VRRPv3 instances at advert_int 0.1
// to a new engine three times: the VIPs and the static address never
// leave the host, no priority 0 is sent, every advert keeps its 100 ms
// spacing but for the time the handover takes, the backup never leaves
// BACKUP, and no notify script runs on either side; the check's rise/fall
// position and the instances' status carry over.
func TestHandover(t *testing.T) {
	onSegment(t, func(t *testing.T, seg *vrrptest.Segment) {
		a := newNode(t, seg, "192.0.2.1/24")
		b := newNode(t, seg, "192.0.2.2/24")
		names := []string{"VI_1", "VI_2", "VI_3"}
		a.start(handoverConf(150, names...), engine.Options{})
		b.start(handoverConf(100, names...), engine.Options{})
		wait(3 * time.Second)
		for _, n := range names {
			a.wantState(n, vrrp.StateMaster)
			b.wantState(n, vrrp.StateBackup)
		}
		w := listen(seg)
		from := time.Now()
		since := a.status("VI_1").Since
		a.host.AddrChanges()
		notifiesA, notifiesB := len(a.host.RunLines("/bin/notify.sh")), len(b.host.RunLines("/bin/notify.sh"))
		checks := len(a.host.RunLines("/bin/check.sh"))
		for range 3 {
			wait(1234 * time.Millisecond) // somewhere between two adverts and two checks
			handOver(t, a, handoverConf(150, names...), 5*time.Millisecond)
		}
		wait(2 * time.Second)
		for _, n := range names {
			a.wantState(n, vrrp.StateMaster)
			b.wantState(n, vrrp.StateBackup)
			a.wantAddr(fmt.Sprintf("192.0.2.%d/32", 100+int(n[3]-'0')), true)
		}
		a.wantAddr("192.0.2.250/32", true)
		if ch := a.host.AddrChanges(); len(ch) != 0 {
			t.Errorf("addresses changed during the handovers: %v", ch)
		}
		if got := a.status("VI_1").Since; !got.Equal(since) {
			t.Errorf("VI_1 master since %v after the handovers, want %v", got, since)
		}
		if n := len(a.host.RunLines("/bin/notify.sh")); n != notifiesA {
			t.Errorf("notify scripts ran on the master: %v", a.host.RunLines("/bin/notify.sh")[notifiesA:])
		}
		if n := len(b.host.RunLines("/bin/notify.sh")); n != notifiesB {
			t.Errorf("notify scripts ran on the backup: %v", b.host.RunLines("/bin/notify.sh")[notifiesB:])
		}
		// One check a second before and after: the handovers neither
		// skipped a run nor added one.
		if n := len(a.host.RunLines("/bin/check.sh")) - checks; n != 5 && n != 6 {
			t.Errorf("%d check runs in 5.7 s", n)
		}
		gaps, zero := w.gaps("192.0.2.1", from)
		if len(zero) > 0 {
			t.Errorf("priority 0 adverts: %v", zero)
		}
		for vrid, gs := range gaps {
			for _, g := range gs {
				if g < 100*time.Millisecond || g > 105*time.Millisecond {
					t.Errorf("VRID %d: %v between two adverts (all: %v)", vrid, g, gs)
					break
				}
			}
			if len(gs) < 50 {
				t.Errorf("VRID %d: %d adverts in 5.7 s", vrid, len(gs))
			}
		}
	})
}

// TestHandoverAppliesConfig hands over to an engine of a changed
// configuration, which applies as a reload would: VI_1 takes its new
// VIP in place (still master, nothing notified), VI_2, which the new
// configuration dropped, stops as a reload removes it (priority 0, so the
// backup takes over at once; FAULT notified), VI_4 starts afresh.
func TestHandoverAppliesConfig(t *testing.T) {
	onSegment(t, func(t *testing.T, seg *vrrptest.Segment) {
		a := newNode(t, seg, "192.0.2.1/24")
		b := newNode(t, seg, "192.0.2.2/24")
		a.start(handoverConf(150, "VI_1", "VI_2"), engine.Options{})
		b.start(handoverConf(100, "VI_1", "VI_2", "VI_4"), engine.Options{})
		wait(3 * time.Second)
		notifies := len(a.host.RunLines("/bin/notify.sh"))
		next := strings.Replace(handoverConf(150, "VI_1", "VI_4"), "192.0.2.101/32", "192.0.2.101/32\n    192.0.2.201/32", 1)
		handOver(t, a, next, 5*time.Millisecond)
		wait(3 * time.Second)
		a.wantState("VI_1", vrrp.StateMaster, "VI_4", vrrp.StateMaster)
		b.wantState("VI_1", vrrp.StateBackup, "VI_2", vrrp.StateMaster, "VI_4", vrrp.StateBackup)
		holds("192.0.2.101/32", a, b)
		holds("192.0.2.201/32", a, b)
		holds("192.0.2.102/32", b, a)
		// The two engines run side by side until the old one retires: VI_4
		// may start before VI_2 stops.
		want := []string{"/bin/notify.sh INSTANCE VI_2 FAULT 150", "/bin/notify.sh INSTANCE VI_4 BACKUP 150",
			"/bin/notify.sh INSTANCE VI_4 MASTER 150"}
		got := a.host.RunLines("/bin/notify.sh")[notifies:]
		slices.Sort(got)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("notify runs on the master (-want +got):\n%s", diff)
		}
	})
}

// TestHandoverThaw: a handover that fails after the freeze leaves the
// old engine to carry on from its own state: still master, its VIPs in
// place, nothing notified, the backup never takes over, and the adverts
// resume (the one due during the failed attempt goes out late, at once).
func TestHandoverThaw(t *testing.T) {
	onSegment(t, func(t *testing.T, seg *vrrptest.Segment) {
		a := newNode(t, seg, "192.0.2.1/24")
		b := newNode(t, seg, "192.0.2.2/24")
		a.start(handoverConf(150, "VI_1", "VI_2"), engine.Options{})
		b.start(handoverConf(100, "VI_1", "VI_2"), engine.Options{})
		wait(3 * time.Second)
		notifies := len(a.host.RunLines("/bin/notify.sh")) + len(b.host.RunLines("/bin/notify.sh"))
		w := listen(seg)
		from := time.Now()
		a.host.AddrChanges()
		if _, err := a.eng.Freeze(context.Background(), nil); err != nil {
			t.Fatal(err)
		}
		if _, err := a.eng.Reload(load(t, handoverConf(150, "VI_1"))); err == nil {
			t.Error("a frozen engine reloaded")
		}
		wait(150 * time.Millisecond) // the new process failed meanwhile
		if err := a.eng.Thaw(); err != nil {
			t.Fatal(err)
		}
		wait(2 * time.Second)
		a.wantState("VI_1", vrrp.StateMaster, "VI_2", vrrp.StateMaster)
		b.wantState("VI_1", vrrp.StateBackup, "VI_2", vrrp.StateBackup)
		if ch := a.host.AddrChanges(); len(ch) != 0 {
			t.Errorf("addresses changed: %v", ch)
		}
		if n := len(a.host.RunLines("/bin/notify.sh")) + len(b.host.RunLines("/bin/notify.sh")); n != notifies {
			t.Errorf("%d notify scripts ran", n-notifies)
		}
		gaps, zero := w.gaps("192.0.2.1", from)
		if len(zero) > 0 {
			t.Errorf("priority 0 adverts: %v", zero)
		}
		for vrid, gs := range gaps {
			longest := slices.Max(gs)
			if longest > 250*time.Millisecond {
				t.Errorf("VRID %d: longest gap %v", vrid, longest)
			}
		}
		if err := a.eng.Thaw(); err == nil {
			t.Error("a running engine thawed")
		}
	})
}
