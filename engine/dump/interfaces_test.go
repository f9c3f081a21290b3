package dump

import (
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/goalived/goalived/config"
)

// TestLinkView: the interface keeps its first primary IPv4 address that
// is not a virtual one and its first link-local IPv6 address, as
// keepalived learns them.
func TestLinkView(t *testing.T) {
	a := func(s string, secondary bool) LinkAddr {
		return LinkAddr{Addr: netip.MustParseAddr(s), Secondary: secondary}
	}
	vips := map[netip.Addr]bool{netip.MustParseAddr("192.0.2.100"): true}
	for _, c := range []struct {
		name   string
		addrs  []LinkAddr
		v4, v6 string
	}{
		{name: "no addresses"},
		{name: "plain", addrs: []LinkAddr{a("192.0.2.11", false), a("fe80::1", false)}, v4: "192.0.2.11", v6: "fe80::1"},
		{name: "virtual address first", addrs: []LinkAddr{a("192.0.2.100", false), a("192.0.2.11", false)}, v4: "192.0.2.11"},
		{name: "secondary skipped", addrs: []LinkAddr{a("192.0.2.12", true), a("192.0.2.11", false)}, v4: "192.0.2.11"},
		{name: "only secondaries", addrs: []LinkAddr{a("192.0.2.12", true)}},
		{name: "global IPv6 skipped", addrs: []LinkAddr{a("2001:db8::1", false), a("fe80::2", false), a("fe80::3", false)}, v6: "fe80::2"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := linkView(Link{Name: "eth0", HWType: "ETHERNET", Addrs: c.addrs}, vips)
			want := []string{"invalid IP", "invalid IP"}
			if c.v4 != "" {
				want[0] = c.v4
			}
			if c.v6 != "" {
				want[1] = c.v6
			}
			if diff := cmp.Diff(want, []string{got.IPv4.String(), got.IPv6.String()}); diff != "" {
				t.Errorf("addresses (-want +got):\n%s", diff)
			}
			if len(got.BcastMAC) != 6 {
				t.Errorf("an Ethernet link has no broadcast MAC: %v", got.BcastMAC)
			}
		})
	}
}

// TestAttachTrackingItems: the interfaces an instance's addresses, routes
// and rules name list it with weight 0 after its own and track_interface
// entries, as keepalived 2.2.7's dump shows them (observed: VI_1 to VI_4);
// a weight-0 entry keeps a sync group's weight out.
func TestAttachTrackingItems(t *testing.T) {
	vip := func(dev string, noTrack bool) []config.VIP { return []config.VIP{{Dev: dev, NoTrack: noTrack}} }
	cfg := &config.Config{
		Instances: []*config.Instance{
			{Name: "VI_1", Interface: "eth0", VIPs: vip("eth1", false), Trackers: &config.Trackers{TrackInterfaces: []config.Track{{Name: "eth1", Weight: -10}}}},
			{Name: "VI_2", Interface: "eth0", DontTrackPrimary: true, VIPs: vip("", false), Items: &config.Items{Routes: []config.Route{{Dev: "eth0"}}}},
			{Name: "VI_3", Interface: "eth0", VIPs: vip("eth2", true), Items: &config.Items{Rules: []config.Rule{{IIF: "eth3"}}}},
			{Name: "VI_4", Interface: "eth0", DontTrackPrimary: true, VIPs: vip("eth0", false), Items: &config.Items{ExcludedVIPs: vip("eth2", false)}},
			{Name: "VI_5", Interface: "eth0", VIPs: vip("eth1", false)},
			{Name: "VI_6", Interface: "eth0"},
		},
		SyncGroups: []*config.SyncGroup{{Name: "G", Members: []string{"VI_5", "VI_6"}, TrackInterfaces: []config.Track{{Name: "eth1", Weight: 5}}}},
	}
	ifcs := []iface{{Link: Link{Name: "eth0"}}, {Link: Link{Name: "eth1"}}, {Link: Link{Name: "eth2"}}, {Link: Link{Name: "eth3"}}}
	attachTracking(ifcs, cfg)
	got := map[string][]Tracker{}
	for _, ifc := range ifcs {
		got[ifc.Name] = ifc.Tracking
	}
	want := map[string][]Tracker{
		"eth0": {{Name: "VI_1"}, {Name: "VI_2"}, {Name: "VI_3"}, {Name: "VI_4", Weight: notVRRPTracked}, {Name: "VI_5"}, {Name: "VI_6"}},
		"eth1": {{Name: "VI_1"}, {Name: "VI_5"}, {Name: "VI_6", Weight: 5}},
		"eth2": {{Name: "VI_4"}},
		"eth3": {{Name: "VI_3"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("tracking instances (-want +got):\n%s", diff)
	}
}
