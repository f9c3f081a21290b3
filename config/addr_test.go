package config

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestItemInterfaces: the interfaces keepalived 2.2.7 tracks for an
// instance's addresses, routes and rules (vrrp_complete_instance's
// add_vrrp_to_interface calls with TRACK_ADDR, TRACK_ROUTE, TRACK_RULE).
func TestItemInterfaces(t *testing.T) {
	vip := func(dev string) VIP { return VIP{Dev: dev} }
	tests := []struct {
		name string
		in   Instance
		want []string
	}{
		{name: "none", in: Instance{Interface: "eth0", VIPs: []VIP{vip(""), vip("eth0")}}},
		{name: "addresses on other interfaces, once each",
			in:   Instance{Interface: "eth0", VIPs: []VIP{vip("eth2"), vip("eth1")}, Items: &Items{ExcludedVIPs: []VIP{vip("eth1"), vip("eth3")}}},
			want: []string{"eth2", "eth1", "eth3"}},
		{name: "no_track and an address VMAC add nothing",
			in: Instance{Interface: "eth0", VIPs: []VIP{{Dev: "eth1", NoTrack: true}, {Dev: "eth2", UseVMAC: true}},
				Items: &Items{Routes: []Route{{Dev: "eth3", NoTrack: true}}, Rules: []Rule{{IIF: "eth4", OIF: "eth5", NoTrack: true}}}}},
		{name: "an address on the own interface adds nothing, even under dont_track_primary",
			in: Instance{Interface: "eth0", DontTrackPrimary: true, VIPs: []VIP{vip("eth0")}}},
		{name: "routes and rules, the own interface too",
			in:   Instance{Interface: "eth0", DontTrackPrimary: true, VIPs: []VIP{vip("eth3")}, Items: &Items{Routes: []Route{{Dev: "eth0"}, {}}, Rules: []Rule{{IIF: "eth1", OIF: "eth2"}, {OIF: "eth3"}}}},
			want: []string{"eth3", "eth0", "eth1", "eth2"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, tc.in.ItemInterfaces()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
