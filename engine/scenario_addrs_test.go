package engine_test

import (
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/goalived/goalived/engine"
	"github.com/goalived/goalived/vrrp"
	"github.com/goalived/goalived/vrrp/vrrptest"
)

// TestVIPRestore: a VIP deleted behind a master's back is put back at
// once and announced; one marked no_track is left alone, as keepalived
// leaves it.
func TestVIPRestore(t *testing.T) {
	onSegment(t, func(t *testing.T, seg *vrrptest.Segment) {
		a := newNode(t, seg, "192.0.2.1/24")
		a.start(instance("VI_1", 51, 150, "192.0.2.100/32\n    192.0.2.101/32 no_track"), engine.Options{})
		wait(5 * time.Second)
		a.wantState("VI_1", vrrp.StateMaster)
		announced := len(a.host.Announcements())
		a.host.DeleteAddr("eth0", "192.0.2.101/32")
		wait(time.Second)
		a.wantAddr("192.0.2.101/32", false)
		if got := announcedAddrs(a, announced); len(got) > 0 {
			t.Errorf("announced after a no_track VIP was deleted: %v", got)
		}
		a.host.DeleteAddr("eth0", "192.0.2.100/32")
		synctest.Wait()
		a.wantAddr("192.0.2.100/32", true)
		if got := announcedAddrs(a, announced); len(got) == 0 {
			t.Error("the restored VIP was not announced")
		}
		a.wantState("VI_1", vrrp.StateMaster)
	})
}

// TestVIPInstallRetried: a VIP on an interface that does not exist yet
// cannot be installed when the instance becomes master; it is tried
// again every second while the instance stays master, and announced once
// in. The VIP has no_track: otherwise its missing interface keeps the
// instance in FAULT, as keepalived 2.2.7 tracks a VIP's interface.
func TestVIPInstallRetried(t *testing.T) {
	onSegment(t, func(t *testing.T, seg *vrrptest.Segment) {
		a := newNode(t, seg, "192.0.2.1/24")
		a.start(instance("VI_1", 51, 150, "192.0.2.100/32 dev vr0 no_track"), engine.Options{})
		wait(5 * time.Second)
		a.wantState("VI_1", vrrp.StateMaster)
		a.host.AddLink("vr0", nil)
		wait(1500 * time.Millisecond)
		if !a.host.HasAddr("vr0", "192.0.2.100/32") {
			t.Fatalf("VIP not installed after the device appeared:\n%s\nlog:\n%s", a.host.IPAddr(), a.log)
		}
		if !strings.Contains(a.log.String(), `msg="(VI_1) setting VIPs. done on retry"`) {
			t.Errorf("the retried install was not logged:\n%s", a.log)
		}
	})
}

// staticConf has the given static items, and an instance.
func staticConf(items string) string {
	return instance("VI_1", 51, 150, "192.0.2.100/32") + items
}

// TestStatic: static addresses, routes and rules are installed at start
// whatever the instances do, follow the configuration at a reload (what
// stays is not added twice: a rule without preference would show twice)
// and are removed at stop.
func TestStatic(t *testing.T) {
	onSegment(t, func(t *testing.T, seg *vrrptest.Segment) {
		a := newNode(t, seg, "192.0.2.1/24")
		a.host.SetRouteTable("vrrp", 100)
		a.start(staticConf("static_ipaddress {\n  192.0.2.250/32 dev eth0\n  192.0.2.251/32 dev eth0 label eth0:s\n}\n"+
			"static_routes {\n  198.51.100.0/24 via 192.0.2.254 table vrrp\n  blackhole 203.0.113.0/24\n}\n"+
			"static_rules {\n  from 198.51.100.0/24 table vrrp\n}\n"), engine.Options{})
		wait(5 * time.Second)
		wantAddr := "1: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500\n" +
			"    link/ether " + macOf(a) + " brd ff:ff:ff:ff:ff:ff\n" +
			"    inet 192.0.2.1/24 scope global eth0\n" +
			"    inet 192.0.2.250/32 scope global eth0\n" +
			"    inet 192.0.2.251/32 scope global eth0:s\n" +
			"    inet 192.0.2.100/32 scope global eth0\n"
		if diff := cmp.Diff(wantAddr, a.host.IPAddr()); diff != "" {
			t.Errorf("ip addr (-want +got):\n%s", diff)
		}
		wantRoute := "198.51.100.0/24 via 192.0.2.254 table 100 proto keepalived\n" +
			"blackhole 203.0.113.0/24 proto keepalived\n"
		if diff := cmp.Diff(wantRoute, a.host.IPRoute()); diff != "" {
			t.Errorf("ip route (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff("16384: from 198.51.100.0/24 lookup 100\n", a.host.IPRule()); diff != "" {
			t.Errorf("ip rule (-want +got):\n%s", diff)
		}

		a.reload(staticConf("static_ipaddress {\n  192.0.2.251/32 dev eth0 label eth0:s\n}\n" +
			"static_rules {\n  from 198.51.100.0/24 table vrrp\n  to 198.51.100.7 table 7\n}\n"))
		if a.host.HasAddr("eth0", "192.0.2.250/32") || !a.host.HasAddr("eth0", "192.0.2.251/32") {
			t.Errorf("static addresses after the reload:\n%s", a.host.IPAddr())
		}
		if got := a.host.IPRoute(); got != "" {
			t.Errorf("static routes left after the reload:\n%s", got)
		}
		wantRule := "16384: from 198.51.100.0/24 lookup 100\n16383: from all to 198.51.100.7/32 lookup 7\n"
		if diff := cmp.Diff(wantRule, a.host.IPRule()); diff != "" {
			t.Errorf("ip rule after the reload (-want +got):\n%s", diff)
		}
		a.wantState("VI_1", vrrp.StateMaster)

		// Static items that cannot be converted leave the running ones;
		// the next reload starts from what is installed.
		if _, err := a.eng.Reload(load(t, staticConf("static_routes {\n  198.51.100.0/24 via 192.0.2.254 table nosuch\n}\n"))); err == nil {
			t.Error("a reload with an unknown table reported no error")
		}
		if diff := cmp.Diff(wantRule, a.host.IPRule()); diff != "" {
			t.Errorf("ip rule after a failed reload (-want +got):\n%s", diff)
		}
		a.reload(staticConf("static_rules {\n  from 198.51.100.0/24 table vrrp\n}\n"))
		if diff := cmp.Diff("16384: from 198.51.100.0/24 lookup 100\n", a.host.IPRule()); diff != "" {
			t.Errorf("ip rule after the next reload (-want +got):\n%s", diff)
		}

		a.eng.Close()
		if got := a.host.IPRule() + a.host.IPRoute(); got != "" {
			t.Errorf("static items left after stop:\n%s", got)
		}
		a.wantAddr("192.0.2.251/32", false)
	})
}

// macOf is the MAC of the node's eth0.
func macOf(n *node) string {
	ls, err := n.host.Engine().Links.Link("eth0")
	if err != nil {
		n.t.Fatal(err)
	}
	return ls.MAC.String()
}

// TestVirtualRoutes: an instance's virtual routes and rules follow its
// addresses: present while master, gone once it yields.
func TestVirtualRoutes(t *testing.T) {
	onSegment(t, func(t *testing.T, seg *vrrptest.Segment) {
		a := newNode(t, seg, "192.0.2.1/24")
		b := newNode(t, seg, "192.0.2.2/24")
		conf := func(prio int) string {
			return instance("VI_1", 51, prio, "192.0.2.100/32", "virtual_routes {\n    198.51.100.0/24 via 192.0.2.254 metric 5\n  }",
				"virtual_rules {\n    from 192.0.2.100 table 100 priority 100\n  }")
		}
		a.start(conf(150), engine.Options{})
		wait(5 * time.Second)
		want := "198.51.100.0/24 via 192.0.2.254 proto keepalived metric 5\n"
		if diff := cmp.Diff(want, a.host.IPRoute()); diff != "" {
			t.Errorf("ip route (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff("100: from 192.0.2.100/32 lookup 100\n", a.host.IPRule()); diff != "" {
			t.Errorf("ip rule (-want +got):\n%s", diff)
		}
		b.start(conf(200), engine.Options{})
		wait(5 * time.Second)
		a.wantState("VI_1", vrrp.StateBackup)
		if got := a.host.IPRoute() + a.host.IPRule(); got != "" {
			t.Errorf("the backup kept routes or rules:\n%s", got)
		}
	})
}
