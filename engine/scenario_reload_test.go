package engine_test

import (
	"net/netip"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/goalived/goalived/engine"
	"github.com/goalived/goalived/vrrp"
	"github.com/goalived/goalived/vrrp/vrrptest"
)

// reloadBase is a master's configuration: VI_1 (VRID 51, priority 150,
// with a generic notify script) and VI_2 (VRID 52, priority 100).
func reloadBase(vi1Extra ...string) string {
	return instance("VI_1", 51, 150, "192.0.2.100/32", append([]string{notifyAll}, vi1Extra...)...) +
		instance("VI_2", 52, 100, "192.0.2.200/32", notifyAll)
}

// reloadPair starts the master a (reloadBase) and a backup b whose VI_1
// has priority 100; both settle.
func reloadPair(t *testing.T, seg *vrrptest.Segment) (a, b *node) {
	a = newNode(t, seg, "192.0.2.1/24", "192.0.2.3/24")
	b = newNode(t, seg, "192.0.2.2/24")
	a.start(reloadBase(), engine.Options{})
	b.start(instance("VI_1", 51, 100, "192.0.2.100/32"), engine.Options{})
	wait(5 * time.Second)
	a.wantState("VI_1", vrrp.StateMaster, "VI_2", vrrp.StateMaster)
	b.wantState("VI_1", vrrp.StateBackup)
	a.host.AddrChanges()
	return a, b
}

// TestReloadKept: reloads of an unchanged configuration touch nothing:
// no address leaves or comes, no notify runs, the states stay.
func TestReloadKept(t *testing.T) {
	onSegment(t, func(t *testing.T, seg *vrrptest.Segment) {
		a, b := reloadPair(t, seg)
		runs := len(a.host.Runs())
		for range 5 {
			res := a.reload(reloadBase())
			if diff := cmp.Diff(engine.ReloadResult{Kept: []string{"VI_1", "VI_2"}}, res); diff != "" {
				t.Fatalf("reload (-want +got):\n%s", diff)
			}
			wait(500 * time.Millisecond)
		}
		wait(3 * time.Second)
		if ch := a.host.AddrChanges(); len(ch) > 0 {
			t.Errorf("addresses changed during reloads: %q", ch)
		}
		if got := a.host.Runs()[runs:]; len(got) > 0 {
			t.Errorf("scripts ran during reloads: %v", got)
		}
		a.wantState("VI_1", vrrp.StateMaster, "VI_2", vrrp.StateMaster)
		b.wantState("VI_1", vrrp.StateBackup)
	})
}

// TestReloadUpdated: a VIP added to a master is installed and announced
// without the others leaving; a lowered priority is taken in place (the
// master stays master through the reload, without notify) and the
// backup then preempts it.
func TestReloadUpdated(t *testing.T) {
	onSegment(t, func(t *testing.T, seg *vrrptest.Segment) {
		a, b := reloadPair(t, seg)
		announced := len(a.host.Announcements())
		runs := len(a.host.Runs())

		res := a.reload(reloadBase("virtual_ipaddress {\n    192.0.2.101/32\n  }"))
		if diff := cmp.Diff(engine.ReloadResult{Updated: []string{"VI_1"}, Kept: []string{"VI_2"}}, res); diff != "" {
			t.Fatalf("reload (-want +got):\n%s", diff)
		}
		wait(time.Second)
		if diff := cmp.Diff([]string{"add 192.0.2.101/32 dev eth0"}, a.host.AddrChanges()); diff != "" {
			t.Errorf("address changes (-want +got):\n%s", diff)
		}
		// keepalived announces every address of the instance again.
		if got := announcedAddrs(a, announced); !got[netip.MustParseAddr("192.0.2.101")] || !got[netip.MustParseAddr("192.0.2.100")] {
			t.Errorf("announced after the reload: %v, want 192.0.2.100 and 192.0.2.101", got)
		}
		a.wantState("VI_1", vrrp.StateMaster)

		res = a.reload(strings.Replace(reloadBase(), "priority 150", "priority 50", 1))
		if diff := cmp.Diff(engine.ReloadResult{Updated: []string{"VI_1"}, Kept: []string{"VI_2"}}, res); diff != "" {
			t.Fatalf("reload (-want +got):\n%s", diff)
		}
		a.wantState("VI_1", vrrp.StateMaster)
		if got := a.host.Runs()[runs:]; len(got) > 0 {
			t.Errorf("scripts ran during the reloads: %v", got)
		}
		wait(5 * time.Second)
		b.wantState("VI_1", vrrp.StateMaster)
		a.wantState("VI_1", vrrp.StateBackup)
		a.wantAddr("192.0.2.100/32", false)
		a.wantAddr("192.0.2.101/32", false)
	})
}

// announcedAddrs are the addresses announced since the first skip ones.
func announcedAddrs(n *node, skip int) map[netip.Addr]bool {
	out := map[netip.Addr]bool{}
	for _, an := range n.host.Announcements()[skip:] {
		out[an.Addr] = true
	}
	return out
}

// TestReloadReplaced: a master whose VRID changes is a removed instance
// and a new one, as keepalived pairs them: the old one is notified FAULT
// and releases its VIP, the new one starts as at boot. A removed
// instance is notified FAULT, or DELETED with notify_deleted.
func TestReloadReplaced(t *testing.T) {
	onSegment(t, func(t *testing.T, seg *vrrptest.Segment) {
		a, _ := reloadPair(t, seg)
		runs := len(a.host.Runs())
		conf := instance("VI_1", 61, 150, "192.0.2.160/32", notifyAll)
		res := a.reload(conf)
		want := engine.ReloadResult{Added: []string{"VI_1"}, Removed: []string{"VI_1", "VI_2"}}
		if diff := cmp.Diff(want, res); diff != "" {
			t.Fatalf("reload (-want +got):\n%s", diff)
		}
		wait(5 * time.Second)
		a.wantState("VI_1", vrrp.StateMaster)
		a.wantAddr("192.0.2.100/32", false)
		a.wantAddr("192.0.2.200/32", false)
		a.wantAddr("192.0.2.160/32", true)
		// Each instance's notifications run in order; two instances'
		// may interleave.
		wantRuns := map[string][]string{
			"VI_1": {"/bin/notify.sh INSTANCE VI_1 FAULT 150", "/bin/notify.sh INSTANCE VI_1 BACKUP 150",
				"/bin/notify.sh INSTANCE VI_1 MASTER 150"},
			"VI_2": {"/bin/notify.sh INSTANCE VI_2 FAULT 100"},
		}
		if diff := cmp.Diff(wantRuns, runsByInstance(a, runs)); diff != "" {
			t.Errorf("notify runs (-want +got):\n%s", diff)
		}

		runs = len(a.host.Runs())
		a.reload(instance("VI_1", 61, 150, "192.0.2.160/32", notifyAll, "notify_deleted"))
		res = a.reload("")
		if diff := cmp.Diff(engine.ReloadResult{Removed: []string{"VI_1"}}, res); diff != "" {
			t.Fatalf("reload (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"/bin/notify.sh INSTANCE VI_1 DELETED 150"}, runLines(a, runs)); diff != "" {
			t.Errorf("notify runs (-want +got):\n%s", diff)
		}
		a.wantAddr("192.0.2.160/32", false)
	})
}

// runLines are the node's script runs since the first skip ones.
func runLines(n *node, skip int) []string {
	var out []string
	for _, r := range n.host.Runs()[skip:] {
		out = append(out, strings.Join(r.Argv, " "))
	}
	return out
}

// runsByInstance are the node's notify runs since the first skip ones,
// by the instance or group named in their arguments.
func runsByInstance(n *node, skip int) map[string][]string {
	out := map[string][]string{}
	for _, r := range n.host.Runs()[skip:] {
		if len(r.Argv) >= 4 {
			name := r.Argv[len(r.Argv)-3]
			out[name] = append(out[name], strings.Join(r.Argv, " "))
		}
	}
	return out
}

// TestReloadAdded: an instance added by a reload starts as at boot.
func TestReloadAdded(t *testing.T) {
	onSegment(t, func(t *testing.T, seg *vrrptest.Segment) {
		a := newNode(t, seg, "192.0.2.1/24")
		a.start(instance("VI_1", 51, 150, "192.0.2.100/32"), engine.Options{})
		wait(5 * time.Second)
		res := a.reload(instance("VI_1", 51, 150, "192.0.2.100/32") + instance("VI_3", 53, 150, "192.0.2.130/32"))
		if diff := cmp.Diff(engine.ReloadResult{Kept: []string{"VI_1"}, Added: []string{"VI_3"}}, res); diff != "" {
			t.Fatalf("reload (-want +got):\n%s", diff)
		}
		a.wantState("VI_3", vrrp.StateBackup)
		wait(5 * time.Second)
		a.wantState("VI_1", vrrp.StateMaster, "VI_3", vrrp.StateMaster)
		a.wantAddr("192.0.2.130/32", true)
	})
}

// TestReloadMovesSocket: a master whose mcast_src_ip changes keeps its
// state and sends from the new address, as keepalived reopens its
// sockets at a reload.
func TestReloadMovesSocket(t *testing.T) {
	onSegment(t, func(t *testing.T, seg *vrrptest.Segment) {
		a, b := reloadPair(t, seg)
		if m := b.status("VI_1").Master; m != netip.MustParseAddr("192.0.2.1") {
			t.Fatalf("backup sees master %v, want 192.0.2.1", m)
		}
		res := a.reload(reloadBase("mcast_src_ip 192.0.2.3"))
		if diff := cmp.Diff(engine.ReloadResult{Updated: []string{"VI_1"}, Kept: []string{"VI_2"}}, res); diff != "" {
			t.Fatalf("reload (-want +got):\n%s", diff)
		}
		wait(3 * time.Second)
		a.wantState("VI_1", vrrp.StateMaster)
		b.wantState("VI_1", vrrp.StateBackup)
		if m := b.status("VI_1").Master; m != netip.MustParseAddr("192.0.2.3") {
			t.Errorf("backup sees master %v after the reload, want 192.0.2.3", m)
		}
		if src := a.status("VI_1").Source; src != netip.MustParseAddr("192.0.2.3") {
			t.Errorf("master's source %v, want 192.0.2.3", src)
		}
		if ch := a.host.AddrChanges(); len(ch) > 0 {
			t.Errorf("addresses changed: %q", ch)
		}
	})
}

// TestReloadRestarted: a paired instance the protocol refuses in place
// is restarted; here its new configuration cannot start either, which
// the reload reports, and the others carry on.
func TestReloadRestarted(t *testing.T) {
	onSegment(t, func(t *testing.T, seg *vrrptest.Segment) {
		a, _ := reloadPair(t, seg)
		cfg := load(t, reloadBase())
		cfg.Instances[0].Priority = 0
		res, err := a.eng.Reload(cfg)
		if err == nil {
			t.Fatal("reload with a refused instance reported no error")
		}
		synctest.Wait()
		if diff := cmp.Diff(engine.ReloadResult{Restarted: []string{"VI_1"}, Kept: []string{"VI_2"}}, res); diff != "" {
			t.Fatalf("reload (-want +got):\n%s", diff)
		}
		a.wantAddr("192.0.2.100/32", false)
		a.wantState("VI_2", vrrp.StateMaster)
		if n := len(a.eng.Statuses()); n != 1 {
			t.Errorf("%d instances run, want 1", n)
		}
	})
}
