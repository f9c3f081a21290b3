package engine_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/goalived/goalived/engine"
	"github.com/goalived/goalived/vrrp"
	"github.com/goalived/goalived/vrrp/vrrptest"
)

// vmacActions keeps the actions on VMACs and the firewall.
func vmacActions(acts []string) []string { return actionsMatching(acts, "vmac", "firewall") }

// sockets renders the node's VRRP sockets as "ifname source", sorted.
func (n *node) sockets() []string {
	var out []string
	for _, s := range n.host.Sockets() {
		out = append(out, s.Ifname+" "+s.Source.String())
	}
	slices.Sort(out)
	return out
}

// TestVMAC: use_vmac makes vrrp.VRID with the virtual router MAC on the
// instance's interface before its socket opens, whatever its state; the
// adverts leave from it with the base's address, the VIPs and their
// gratuitous ARPs go on it, and it is deleted at stop with the table
// keepalived opens for its multicast rules.
func TestVMAC(t *testing.T) {
	onSegment(t, func(t *testing.T, seg *vrrptest.Segment) {
		a := newNode(t, seg, "192.0.2.1/24")
		b := newNode(t, seg, "192.0.2.2/24")
		a.start(instance("V4", 51, 150, "192.0.2.100/24", "use_vmac"), engine.Options{})
		b.start(instance("V4", 51, 100, "192.0.2.100/24", "use_vmac"), engine.Options{})
		wait(5 * time.Second)
		a.wantState("V4", vrrp.StateMaster)
		b.wantState("V4", vrrp.StateBackup)
		if d := cmp.Diff([]string{"vrrp.51 192.0.2.1"}, a.sockets()); d != "" {
			t.Errorf("a's sockets (-want +got):\n%s", d)
		}
		if !a.host.HasAddr("vrrp.51", "192.0.2.100/24") || a.host.HasAddr("eth0", "192.0.2.100/24") || b.host.HasAddr("vrrp.51", "192.0.2.100/24") {
			t.Errorf("VIP not on a's VMAC alone:\na:\n%sb:\n%s", a.host.IPAddr(), b.host.IPAddr())
		}
		if !strings.Contains(b.host.IPAddr(), "vrrp.51: <BROADCAST,MULTICAST,UP,LOWER_UP>") {
			t.Errorf("backup's VMAC not up:\n%s", b.host.IPAddr())
		}
		for _, an := range a.host.Announcements() {
			if an.Ifname != "vrrp.51" {
				t.Errorf("announcement on %s, want the VMAC", an.Ifname)
			}
		}
		if err := a.eng.Close(); err != nil {
			t.Fatal(err)
		}
		want := []string{
			"firewall open keepalived priority -1 counters false",
			"vmac add vrrp.51 link eth0 address 00:00:5e:00:01:33 v6=false",
			"vmac rules V4#1 vrrp.51->eth0 v4=true v6=false",
			"vmac del vrrp.51",
			"firewall close keepalived",
		}
		if d := cmp.Diff(want, vmacActions(a.host.Actions())); d != "" {
			t.Errorf("a's actions (-want +got):\n%s", d)
		}
		if strings.Contains(a.host.IPAddr(), "vrrp.51") {
			t.Errorf("VMAC left after stop:\n%s", a.host.IPAddr())
		}
	})
}

// TestVMACSockets: where adverts leave from. With vmac_xmit_base the
// socket stays on the base (and an IPv6 VMAC gets no link-local
// address); an IPv6 VMAC that sends gets the base's link-local address,
// or unicast_src_ip, or the EUI-64 address of the base's MAC.
func TestVMACSockets(t *testing.T) {
	tests := []struct {
		name    string
		addrs   []string
		conf    string
		want    []string
		wantLL  string // the VMAC's link-local address, "" for none
		vmac    string
		unicast bool
	}{
		{name: "ipv4", addrs: []string{"192.0.2.1/24"}, conf: instance("V4", 51, 150, "192.0.2.100/24", "use_vmac"),
			want: []string{"vrrp.51 192.0.2.1"}, vmac: "vrrp.51"},
		{name: "ipv4 named, xmit_base", addrs: []string{"192.0.2.1/24"}, conf: instance("V4", 51, 150, "192.0.2.100/24", "use_vmac vm1", "vmac_xmit_base"),
			want: []string{"eth0 192.0.2.1"}, vmac: "vm1"},
		{name: "ipv6", addrs: []string{"fe80::1/64"}, conf: instance("V6", 52, 150, "2001:db8::100/64", "use_vmac"),
			want: []string{"vrrp.52 fe80::1"}, wantLL: "fe80::1/64", vmac: "vrrp.52"},
		{name: "ipv6 xmit_base", addrs: []string{"fe80::1/64"}, conf: instance("V6", 52, 150, "2001:db8::100/64", "use_vmac", "vmac_xmit_base"),
			want: []string{"eth0 fe80::1"}, vmac: "vrrp.52"},
		{name: "ipv6 mcast_src_ip", addrs: []string{"fe80::1/64", "fe80::9/64"}, conf: instance("V6", 52, 150, "2001:db8::100/64", "use_vmac", "mcast_src_ip fe80::9"),
			want: []string{"vrrp.52 fe80::9"}, wantLL: "fe80::9/64", vmac: "vrrp.52"},
		{name: "vmac_prefix", addrs: []string{"192.0.2.1/24"}, conf: "global_defs {\nvmac_prefix vr\n}\n" + instance("V4", 51, 150, "192.0.2.100/24", "use_vmac"),
			want: []string{"vr.51 192.0.2.1"}, vmac: "vr.51"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			onSegment(t, func(t *testing.T, seg *vrrptest.Segment) {
				a := newNode(t, seg, tc.addrs...)
				a.start(tc.conf, engine.Options{})
				wait(5 * time.Second)
				if d := cmp.Diff(tc.want, a.sockets()); d != "" {
					t.Errorf("sockets (-want +got):\n%s", d)
				}
				ll := ""
				for _, p := range []string{"fe80::1/64", "fe80::9/64"} {
					if a.host.HasAddr(tc.vmac, p) {
						ll = p
					}
				}
				if ll != tc.wantLL {
					t.Errorf("%s's link-local address %q, want %q\n%s", tc.vmac, ll, tc.wantLL, a.host.IPAddr())
				}
				for _, st := range a.eng.Statuses() {
					if st.State != vrrp.StateMaster {
						t.Errorf("%s is %v", st.Name, st.State)
					}
					for _, v := range st.VIPs {
						if !a.host.HasAddr(tc.vmac, v.String()) {
							t.Errorf("VIP %v not on %s:\n%s", v, tc.vmac, a.host.IPAddr())
						}
					}
				}
			})
		})
	}
}

// TestVMACLinkEvents: the instance follows its VMAC as its own
// interface: down from outside is FAULT until it is up again (goalived,
// like keepalived, does not bring it up), deleted from outside it is made
// again at once and the instance is master on it again; the base going
// down takes the VMAC's carrier with it.
func TestVMACLinkEvents(t *testing.T) {
	onSegment(t, func(t *testing.T, seg *vrrptest.Segment) {
		a := newNode(t, seg, "192.0.2.1/24")
		a.start(instance("V4", 51, 150, "192.0.2.100/24", "use_vmac"), engine.Options{})
		wait(5 * time.Second)
		a.wantState("V4", vrrp.StateMaster)

		a.flap("vrrp.51", "V4")

		a.host.Actions()
		a.host.DeleteLink("vrrp.51")
		wait(5 * time.Second)
		a.wantState("V4", vrrp.StateMaster)
		if !a.host.HasAddr("vrrp.51", "192.0.2.100/24") {
			t.Errorf("VIP not back on the new VMAC:\n%s\nlog:\n%s", a.host.IPAddr(), a.log)
		}
		want := []string{"vmac add vrrp.51 link eth0 address 00:00:5e:00:01:33 v6=false", "vmac rules V4#1 vrrp.51->eth0 v4=true v6=false"}
		if d := cmp.Diff(want, vmacActions(a.host.Actions())); d != "" {
			t.Errorf("actions after the delete (-want +got):\n%s", d)
		}
		if d := cmp.Diff([]string{"vrrp.51 192.0.2.1"}, a.sockets()); d != "" {
			t.Errorf("sockets (-want +got):\n%s", d)
		}

		a.host.SetLink("eth0", false)
		if !strings.Contains(a.host.IPAddr(), "vrrp.51: <NO-CARRIER,BROADCAST,MULTICAST,UP>") {
			t.Errorf("VMAC carrier with eth0 down:\n%s", a.host.IPAddr())
		}
		a.host.SetLink("eth0", true)
		a.flap("eth0", "V4")
	})
}

// TestVMACDontTrackPrimary: with dont_track_primary the instance ignores
// its VMAC's state as it ignores its interface's.
func TestVMACDontTrackPrimary(t *testing.T) {
	onSegment(t, func(t *testing.T, seg *vrrptest.Segment) {
		a := newNode(t, seg, "192.0.2.1/24")
		a.start(instance("V4", 51, 150, "192.0.2.100/24", "use_vmac", "dont_track_primary"), engine.Options{})
		wait(5 * time.Second)
		a.host.SetLink("vrrp.51", false)
		wait(2 * time.Second)
		a.wantState("V4", vrrp.StateMaster)
	})
}

// TestVMACReload: a reload that drops use_vmac from a master replaces
// the instance (keepalived 2.2.7: priority 0, VIPs removed, VMAC deleted,
// a new instance on the base); one that keeps it keeps the VMAC and the
// state.
func TestVMACReload(t *testing.T) {
	onSegment(t, func(t *testing.T, seg *vrrptest.Segment) {
		a := newNode(t, seg, "192.0.2.1/24")
		a.start(instance("V4", 51, 150, "192.0.2.100/24", "use_vmac"), engine.Options{})
		wait(5 * time.Second)
		a.host.Actions()
		res := a.reload(instance("V4", 51, 150, "192.0.2.100/24\n 192.0.2.101/24", "use_vmac"))
		if d := cmp.Diff(engine.ReloadResult{Updated: []string{"V4"}}, res); d != "" {
			t.Errorf("reload (-want +got):\n%s", d)
		}
		wait(time.Second)
		if !a.host.HasAddr("vrrp.51", "192.0.2.101/24") {
			t.Errorf("new VIP not on the VMAC:\n%s", a.host.IPAddr())
		}
		if got := vmacActions(a.host.Actions()); len(got) > 0 {
			t.Errorf("VMAC touched by a reload that keeps it: %q", got)
		}

		res = a.reload(instance("V4", 51, 150, "192.0.2.100/24"))
		if d := cmp.Diff(engine.ReloadResult{Restarted: []string{"V4"}}, res); d != "" {
			t.Errorf("reload (-want +got):\n%s", d)
		}
		wait(5 * time.Second)
		a.wantState("V4", vrrp.StateMaster)
		if strings.Contains(a.host.IPAddr(), "vrrp.51") || !a.host.HasAddr("eth0", "192.0.2.100/24") {
			t.Errorf("after use_vmac left:\n%s", a.host.IPAddr())
		}
		if d := cmp.Diff([]string{"vmac del vrrp.51", "vmac rules off V4#1"}, vmacActions(a.host.Actions())); d != "" {
			t.Errorf("actions (-want +got):\n%s", d)
		}
	})
}

// TestVMACNames: an unnamed VMAC takes vrrp.VRID unless another instance
// or an interface with another MAC has that name; one with the virtual
// MAC (left by a daemon that was killed) is reused. Address VMACs
// (use_vmac_addr, a VIP line's use_vmac) go on the address's interface,
// one per interface and family, named with vmac_addr_prefix.
func TestVMACNames(t *testing.T) {
	onSegment(t, func(t *testing.T, seg *vrrptest.Segment) {
		a := newNode(t, seg, "192.0.2.1/24")
		a.host.AddLink("eth1", seg, "198.51.100.1/24")
		a.host.AddLink("vrrp.52", nil) // a stranger
		conf := "global_defs {\nvmac_addr_prefix va\n}\n" +
			instance("A", 51, 150, "192.0.2.100/24", "use_vmac") +
			strings.Replace(instance("B", 51, 150, "198.51.100.100/24", "use_vmac"), "interface eth0", "interface eth1", 1) +
			instance("C", 52, 150, "192.0.2.52/24\n 198.51.100.52/24 dev eth1\n 198.51.100.53/24 dev eth1", "use_vmac", "use_vmac_addr")
		a.start(conf, engine.Options{})
		wait(5 * time.Second)
		var got []string
		for _, act := range vmacActions(a.host.Actions()) {
			if strings.HasPrefix(act, "vmac add") {
				got = append(got, act)
			}
		}
		want := []string{
			"vmac add vrrp.51 link eth0 address 00:00:5e:00:01:33 v6=false",
			"vmac add vrrp1.51 link eth1 address 00:00:5e:00:01:33 v6=false",
			"vmac add vrrp1.52 link eth0 address 00:00:5e:00:01:34 v6=false",
			"vmac add va.52 link eth1 address 00:00:5e:00:01:34 v6=false",
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("VMACs (-want +got):\n%s", d)
		}
		for dev, prefix := range map[string]string{"vrrp1.52": "192.0.2.52/24", "va.52": "198.51.100.52/24"} {
			if !a.host.HasAddr(dev, prefix) {
				t.Errorf("%s not on %s:\n%s", prefix, dev, a.host.IPAddr())
			}
		}
		if !a.host.HasAddr("va.52", "198.51.100.53/24") {
			t.Errorf("second address not on the shared address VMAC:\n%s", a.host.IPAddr())
		}
	})
}

// TestVMACReuse: a VMAC of the right name and MAC left by a daemon that
// was killed is reused, not replaced.
func TestVMACReuse(t *testing.T) {
	onSegment(t, func(t *testing.T, seg *vrrptest.Segment) {
		a := newNode(t, seg, "192.0.2.1/24")
		a.start(instance("V4", 51, 150, "192.0.2.100/24", "use_vmac"), engine.Options{})
		wait(5 * time.Second)
		a.host.Actions()
		// A second engine on the same host while the first one's VMAC is
		// there stands for the restart after a SIGKILL.
		b := &node{t: t, host: a.host, log: &syncBuffer{}}
		b.start(instance("V4", 51, 150, "192.0.2.100/24", "use_vmac"), engine.Options{})
		if d := cmp.Diff([]string{"vmac keep vrrp.51"}, slices.DeleteFunc(vmacActions(a.host.Actions()), func(s string) bool {
			return !strings.HasPrefix(s, "vmac keep") && !strings.HasPrefix(s, "vmac add")
		})); d != "" {
			t.Errorf("actions (-want +got):\n%s", d)
		}
		b.eng.Close()
	})
}

// TestVMACMetrics: the metrics name a VMAC instance's interface by its
// VMAC, as keepalived's JSON dump does for keepalived-exporter.
func TestVMACMetrics(t *testing.T) {
	onSegment(t, func(t *testing.T, seg *vrrptest.Segment) {
		a := newNode(t, seg, "192.0.2.1/24")
		a.start(instance("V4", 51, 150, "192.0.2.100/24", "use_vmac")+instance("P", 52, 150, "192.0.2.101/24"), engine.Options{})
		var got []string
		insts, _ := a.eng.Metrics()
		for _, m := range insts {
			got = append(got, m.Name+" "+m.Interface)
		}
		if d := cmp.Diff([]string{"V4 vrrp.51", "P eth0"}, got); d != "" {
			t.Errorf("interfaces (-want +got):\n%s", d)
		}
	})
}
