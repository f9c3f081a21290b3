package netiftest

import (
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/goalived/goalived/netif"
)

// TestRouting: adding what is present and deleting what is absent change
// nothing; an IPv4 address inside another's subnet is secondary; a rule
// without preference added twice is there twice; every change reaches a
// watcher.
func TestRouting(t *testing.T) {
	h := New(nil)
	h.AddLink("eth0", nil, "192.0.2.1/24")
	w, err := h.Engine().Links.Watch()
	if err != nil {
		t.Fatal(err)
	}
	r := h.Engine().Routing
	vip := netif.Addr{Prefix: netip.MustParsePrefix("192.0.2.100/32"), Dev: "eth0"}
	sec := netif.Addr{Prefix: netip.MustParsePrefix("192.0.2.7/24"), Dev: "eth0", Label: "eth0:x"}
	rule := netif.Rule{From: netip.MustParsePrefix("198.51.100.0/24"), Table: 100}
	route := netif.Route{Dst: netip.MustParsePrefix("198.51.100.0/24"), Dev: "eth0", Protocol: netif.ProtoKeepalived}
	for range 2 {
		if err := r.Add(netif.Items{Addrs: []netif.Addr{vip, sec}, Routes: []netif.Route{route}, Rules: []netif.Rule{rule}}); err != nil {
			t.Fatal(err)
		}
	}
	want := "1: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500\n" +
		"    link/ether " + h.links[0].mac.String() + " brd ff:ff:ff:ff:ff:ff\n" +
		"    inet 192.0.2.1/24 scope global eth0\n" +
		"    inet 192.0.2.100/32 scope global eth0\n" +
		"    inet 192.0.2.7/24 scope global secondary eth0:x\n"
	if diff := cmp.Diff(want, h.IPAddr()); diff != "" {
		t.Errorf("ip addr (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff("198.51.100.0/24 dev eth0 proto keepalived\n", h.IPRoute()); diff != "" {
		t.Errorf("ip route (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff("0: from 198.51.100.0/24 lookup 100\n0: from 198.51.100.0/24 lookup 100\n", h.IPRule()); diff != "" {
		t.Errorf("ip rule (-want +got):\n%s", diff)
	}
	if err := r.Add(netif.Items{Addrs: []netif.Addr{{Prefix: vip.Prefix, Dev: "eth9"}}}); err == nil {
		t.Error("adding an address to a missing interface succeeded")
	}
	for range 2 {
		if err := r.Delete(netif.Items{Addrs: []netif.Addr{vip}, Routes: []netif.Route{route}, Rules: []netif.Rule{rule, rule}}); err != nil {
			t.Fatal(err)
		}
	}
	if h.HasAddr("eth0", "192.0.2.100/32") || h.IPRoute() != "" || h.IPRule() != "" {
		t.Errorf("left after delete:\n%s%s%s", h.IPAddr(), h.IPRoute(), h.IPRule())
	}
	w.Close()
	var got []string
	for ev := range w.Events() {
		got = append(got, ev.Kind.String()+" "+ev.Addr.String())
	}
	wantEv := []string{"addr-added 192.0.2.100/32", "addr-added 192.0.2.7/24", "addr-removed 192.0.2.100/32"}
	if diff := cmp.Diff(wantEv, got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}
