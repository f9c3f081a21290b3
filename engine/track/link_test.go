package track_test

import (
	"errors"
	"fmt"
	"net/netip"
	"syscall"
	"testing"
	"testing/synctest"

	"github.com/google/go-cmp/cmp"

	"github.com/goalived/goalived/engine/track"
	"github.com/goalived/goalived/engine/track/tracktest"
)

// TestTrackInterface: track_interface weights (positive while up,
// negative while down, reverse, 0 is FAULT while down), the instance's own
// interface (weight 0 unless dont_track_primary), a deleted or missing
// link is down.
func TestTrackInterface(t *testing.T) {
	const tracks = `    track_interface {
        eth1 weight 10
        eth2 weight -20
        eth3
        eth4 weight 10 reverse
        eth9
    }`
	type step struct {
		name string
		do   func(l *tracktest.Links)
		want got
	}
	up := func(name string, up bool) func(*tracktest.Links) {
		return func(l *tracktest.Links) { l.SetLink(name, up) }
	}
	tests := []struct {
		name, extra string
		steps       []step
	}{
		{"weights and the own interface", "", []step{
			{"eth1 down", up("eth1", false), got{90, true}},
			{"eth9 appears", up("eth9", true), got{90, false}},
			{"eth2 down", up("eth2", false), got{70, false}},
			{"eth3 down", up("eth3", false), got{70, true}},
			{"eth3 up", up("eth3", true), got{70, false}},
			{"eth0 down", up("eth0", false), got{70, true}},
			{"eth0 up", up("eth0", true), got{70, false}},
			{"eth0 deleted", func(l *tracktest.Links) { l.DeleteLink("eth0") }, got{70, true}},
			{"eth0 back", up("eth0", true), got{70, false}},
			{"eth4 down", up("eth4", false), got{80, false}},
			{"eth1 and eth2 up", func(l *tracktest.Links) { l.SetLink("eth1", true); l.SetLink("eth2", true) }, got{110, false}},
			{"an untracked link", up("eth7", false), got{110, false}},
		}},
		{"dont_track_primary", "    dont_track_primary\n", []step{
			{"eth0 down", up("eth0", false), got{100, true}}, // eth9 is still missing
			{"eth9 appears", up("eth9", true), got{100, false}},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				r := newRig(t, instance("VI_1", 1, 100, tc.extra+tracks))
				for _, name := range []string{"eth1", "eth2", "eth3", "eth4"} {
					r.sys.Links.SetLink(name, true)
				}
				r.start()
				r.want("start: eth9 is missing", map[string]got{"VI_1": {100, true}})
				for _, s := range tc.steps {
					s.do(r.sys.Links)
					r.want(s.name, map[string]got{"VI_1": s.want})
				}
				if tc.name == "weights and the own interface" {
					want := []string{"Netlink reports eth1 down", "Netlink reports eth9 up", "Netlink reports eth2 down",
						"Netlink reports eth3 down", "Netlink reports eth3 up", "Netlink reports eth0 down",
						"Netlink reports eth0 up", "Interface eth0 deleted", "Netlink reports eth0 up",
						"Netlink reports eth4 down", "Netlink reports eth1 up", "Netlink reports eth2 up"}
					if diff := cmp.Diff(want, r.messages("eth")); diff != "" {
						t.Errorf("keepalived's lines (-want +got):\n%s", diff)
					}
				}
			})
		})
	}
}

// TestLinkWatchFailed: a broken link watch (a netlink overrun: events
// lost) is logged as keepalived logs an overrun, and tracking goes on with
// a new watch and the links read again: a link that went down while no
// watch ran faults its instance, and later changes are followed.
func TestLinkWatchFailed(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, instance("VI_1", 1, 100, "")).start()
		r.sys.Links.Break(fmt.Errorf("receive: %w", syscall.ENOBUFS))
		// Sent to the broken watch only: lost, as in an overrun.
		r.sys.Links.SetLink("eth0", false)
		r.want("after the failure", map[string]got{"VI_1": {100, true}})
		if !r.logged("Netlink: Receive buffer overrun on monitor socket - (No buffer space available)") {
			t.Errorf("no overrun line:\n%s", r.logs)
		}
		if n := r.sys.Links.Watches(); n != 1 {
			t.Errorf("%d link watches open, want the new one", n)
		}
		r.sys.Links.SetLink("eth0", true)
		r.want("up again", map[string]got{"VI_1": {100, false}})
		r.sys.Links.Break(errors.New("watch socket closed"))
		r.sys.Links.SetLink("eth0", false)
		r.want("after a second failure", map[string]got{"VI_1": {100, true}})
		if !r.logged("link watch failed", "watch socket closed") {
			t.Errorf("no log of the second failure:\n%s", r.logs)
		}
	})
}

// TestLinkWatchNotRemade: when no new watch can be made, tracking keeps
// the last link states and says so.
func TestLinkWatchNotRemade(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, instance("VI_1", 1, 100, "")).start()
		r.sys.Links.FailWatch(errors.New("too many open files"))
		r.sys.Links.Break(errors.New("no buffer space"))
		r.sys.Links.SetLink("eth0", false)
		r.want("after the failure", map[string]got{"VI_1": {100, false}})
		if !r.logged("interface tracking stopped", "too many open files") {
			t.Errorf("no log of the failure:\n%s", r.logs)
		}
	})
}

// TestStartWithoutLinkWatch: Start fails when links cannot be watched,
// and Close still releases what it started.
func TestStartWithoutLinkWatch(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, fileConf("    weight 1", ""))
		r.sys.Links.FailWatch(errors.New("permission denied"))
		tr := track.New(r.cfg, r.options(nil, false))
		if err := tr.Start(r.list); err == nil {
			t.Fatal("Start succeeded without a link watch")
		}
		tr.Close()
		tr.Close()
		if n := r.sys.Files.Watches(); n != 0 {
			t.Errorf("%d file watches left open", n)
		}
	})
}

// TestClose: Close ends the checks and every watch, and is idempotent.
func TestClose(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		conf := `vrrp_script chk {
    script "/usr/bin/check"
}
track_file f {
    file /run/f
}
` + procConf + instance("VI_1", 1, 100, "    track_script {\n        chk\n    }\n    track_file {\n        f\n    }\n    track_process {\n        kdc\n    }")
		r := newRig(t, conf).start()
		if r.sys.Links.Watches() != 1 || r.sys.Files.Watches() != 1 {
			t.Fatalf("watches: %d link, %d file, want 1 each", r.sys.Links.Watches(), r.sys.Files.Watches())
		}
		r.tr.Close()
		r.tr.Close()
		if r.sys.Links.Watches() != 0 || r.sys.Files.Watches() != 0 || !r.sys.Checks.Check("chk").Closed() {
			t.Errorf("after Close: %d link watches, %d file watches, check closed %v", r.sys.Links.Watches(),
				r.sys.Files.Watches(), r.sys.Checks.Check("chk").Closed())
		}
		if r.sys.Checks.Check("chk").Run(true) {
			t.Error("the check still runs after Close")
		}
	})
}

// TestTrackSrcIP: track_src_ip faults the instance while its source
// address is not on its interface; every removed address goes to the
// host (which restores VIPs).
func TestTrackSrcIP(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		src := netip.MustParseAddr("192.0.2.10")
		r := newRig(t, instance("VI_1", 1, 100, "    unicast_src_ip 192.0.2.10\n    unicast_peer {\n        192.0.2.11\n    }\n    track_src_ip")+
			instance("VI_2", 2, 100, ""))
		r.start()
		r.want("start: the address is missing", map[string]got{"VI_1": {100, true}, "VI_2": {100, false}})
		r.sys.Links.AddAddr("eth0", src)
		r.want("added", map[string]got{"VI_1": {100, false}, "VI_2": {100, false}})
		r.sys.Links.AddAddr("eth0", netip.MustParseAddr("192.0.2.99"))
		r.sys.Links.RemoveAddr("eth0", src)
		r.want("removed", map[string]got{"VI_1": {100, true}, "VI_2": {100, false}})
		var removed []netip.Prefix
		for _, ev := range r.host.Removed() {
			removed = append(removed, ev.Addr)
		}
		if diff := cmp.Diff([]netip.Prefix{netip.MustParsePrefix("192.0.2.10/32")}, removed, cmp.Comparer(func(a, b netip.Prefix) bool { return a == b })); diff != "" {
			t.Errorf("removals passed to the host (-want +got):\n%s", diff)
		}
		if !r.logged("tracked source address 192.0.2.10 now present: false", "address=192.0.2.10", "present=false") {
			t.Errorf("no log of the change:\n%s", r.logs)
		}
	})
}

// TestTrackSrcIPPresentAtStart: an address already there at start.
func TestTrackSrcIPPresentAtStart(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, instance("VI_1", 1, 100, "    mcast_src_ip 192.0.2.10\n    track_src_ip"))
		r.sys.Links.AddAddr("eth0", netip.MustParseAddr("192.0.2.10"))
		r.start()
		r.want("start", map[string]got{"VI_1": {100, false}})
	})
}

// TestTrackGroup: the instances of a track_group track the interfaces of
// its static items with weight 0; addresses and routes with no_track
// track nothing.
func TestTrackGroup(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		conf := `track_group TG {
    group {
        VI_1
    }
}
static_ipaddress {
    198.51.100.7/24 dev w0 track_group TG
    198.51.100.8/24 dev w3 track_group TG no_track
}
static_routes {
    198.51.100.128/25 dev w1 track_group TG no_track
}
static_rules {
    from 198.51.100.0/24 iif w2 table 100 track_group TG
}
` + instance("VI_1", 1, 100, "") + instance("VI_2", 2, 100, "")
		r := newRig(t, conf)
		r.sys.Links.SetLink("w0", true)
		r.sys.Links.SetLink("w1", true)
		r.sys.Links.SetLink("w2", true)
		r.sys.Links.SetLink("w3", true)
		r.start()
		r.want("start", map[string]got{"VI_1": {100, false}, "VI_2": {100, false}})
		r.sys.Links.SetLink("w1", false)
		r.want("w1 down", map[string]got{"VI_1": {100, false}, "VI_2": {100, false}})
		r.sys.Links.SetLink("w3", false)
		r.want("w3 down", map[string]got{"VI_1": {100, false}, "VI_2": {100, false}})
		r.sys.Links.SetLink("w0", false)
		r.want("w0 down", map[string]got{"VI_1": {100, true}, "VI_2": {100, false}})
		r.sys.Links.SetLink("w0", true)
		r.want("w0 up", map[string]got{"VI_1": {100, false}, "VI_2": {100, false}})
		r.sys.Links.SetLink("w2", false)
		r.want("w2 down", map[string]got{"VI_1": {100, true}, "VI_2": {100, false}})
		want := []string{"Static address has both track_group and no_track set - not tracking",
			"Static route has both track_group and no_track set - not tracking"}
		if diff := cmp.Diff(want, r.messages("no_track")); diff != "" {
			t.Errorf("keepalived's lines (-want +got):\n%s", diff)
		}
		if !r.logged(`msg="Netlink reports w0 down"`, "interface=w0", "up=false") {
			t.Errorf("no log of the change:\n%s", r.logs)
		}
	})
}

// TestDynamicInterfaces: an instance whose socket waits for its
// interface is in FAULT; the host reopens it at start and at the link and
// address events of that interface, and tracking re-evaluates what moved.
func TestDynamicInterfaces(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		conf := "global_defs {\n    dynamic_interfaces\n}\n" + instance("VI_1", 1, 100, "    dont_track_primary")
		r := newRig(t, conf)
		vi := r.insts["VI_1"]
		vi.SetSocket(false)
		var asked []string
		r.host.OnReopen(func(ifname string) []track.Instance {
			asked = append(asked, ifname)
			if _, err := r.sys.Links.Link(ifname); err != nil {
				return nil
			}
			vi.SetSocket(true)
			return []track.Instance{vi}
		})
		r.sys.Links.DeleteLink("eth0")
		r.start()
		r.want("start without eth0", map[string]got{"VI_1": {100, true}})
		r.sys.Links.SetLink("eth0", true)
		r.want("eth0 created", map[string]got{"VI_1": {100, false}})
		r.sys.Links.AddAddr("eth0", netip.MustParseAddr("192.0.2.1"))
		synctest.Wait()
		if diff := cmp.Diff([]string{"eth0", "eth0", "eth0"}, asked); diff != "" {
			t.Errorf("reopen calls (-want +got):\n%s", diff)
		}
	})
}

// TestTrackVMACs: the VMACs the engine names for an instance are
// tracked as its own interface (down is FAULT), and every deleted link is
// passed on to the engine (which makes a VMAC deleted from outside
// again).
func TestTrackVMACs(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, instance("VI_1", 1, 100, ""))
		r.sys.Links.SetLink("vrrp.1", true)
		opts := r.options(nil, false)
		opts.VMACs = map[string][]string{"VI_1": {"vrrp.1"}}
		r.tr = track.New(r.cfg, opts)
		t.Cleanup(r.tr.Close)
		if err := r.tr.Start(r.list); err != nil {
			t.Fatal(err)
		}
		r.want("start", map[string]got{"VI_1": {100, false}})
		r.sys.Links.SetLink("vrrp.1", false)
		r.want("vmac down", map[string]got{"VI_1": {100, true}})
		r.sys.Links.SetLink("vrrp.1", true)
		r.want("vmac up", map[string]got{"VI_1": {100, false}})
		r.sys.Links.DeleteLink("vrrp.1")
		r.want("vmac deleted", map[string]got{"VI_1": {100, true}})
		if d := cmp.Diff([]string{"vrrp.1"}, r.host.DeletedLinks()); d != "" {
			t.Errorf("deleted links passed on (-want +got):\n%s", d)
		}
	})
}
