package engine

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/netif"
)

// mtuLinks answers Link with an MTU of 9000 for eth0 only (the other
// methods are not called).
type mtuLinks struct{ otherLinks }

type otherLinks = Links

func (mtuLinks) Link(name string) (netif.LinkState, error) {
	if name != "eth0" {
		return netif.LinkState{}, fmt.Errorf("read link %s: link not found", name)
	}
	return netif.LinkState{MTU: 9000}, nil
}

// TestRcvBufShare: what one instance adds to its socket's receive
// buffer under each vrrp_rx_bufs_policy, kernel_rx_buf_size first, and
// keepalived's advert lengths (IPv4 header, VRRPv2 authentication, AH).
func TestRcvBufShare(t *testing.T) {
	vips := []config.VIP{{Prefix: netip.MustParsePrefix("192.0.2.1/32")}, {Prefix: netip.MustParsePrefix("192.0.2.2/32")}}
	v6 := []config.VIP{{Prefix: netip.MustParsePrefix("2001:db8::1/128")}}
	tests := []struct {
		name string
		in   config.Instance
		g    config.GlobalDefs
		want int
	}{
		{"default: kernel's", config.Instance{Interface: "eth0"}, config.GlobalDefs{}, 0},
		{"kernel_rx_buf_size wins", config.Instance{Interface: "eth0", Extra: &config.InstanceExtra{KernelRxBufSize: 777}},
			config.GlobalDefs{RxBufsPolicy: config.RxBufsMTU}, 777},
		{"size", config.Instance{}, config.GlobalDefs{RxBufsPolicy: config.RxBufsSize, RxBufsBytes: 4096}, 4096},
		{"mtu x 3", config.Instance{Interface: "eth0"}, config.GlobalDefs{RxBufsPolicy: config.RxBufsMTU}, 27000},
		{"mtu of a missing interface", config.Instance{Interface: "eth9"}, config.GlobalDefs{RxBufsPolicy: config.RxBufsMTU}, 0},
		{"advert v3", config.Instance{Version: 3, VIPs: vips}, config.GlobalDefs{RxBufsPolicy: config.RxBufsAdvert}, 3 * (20 + 8 + 8)},
		{"advert v2", config.Instance{Version: 2, VIPs: vips}, config.GlobalDefs{RxBufsPolicy: config.RxBufsAdvert}, 3 * (20 + 8 + 8 + 8)},
		{"advert v2 AH", config.Instance{Version: 2, VIPs: vips, Auth: &config.Auth{Type: "AH"}},
			config.GlobalDefs{RxBufsPolicy: config.RxBufsAdvert}, 3 * (20 + 8 + 8 + 8 + 24)},
		{"advert v6", config.Instance{Version: 3, Family: config.IPv6, VIPs: append(v6, vips...)},
			config.GlobalDefs{RxBufsPolicy: config.RxBufsAdvert}, 3 * (8 + 16)},
	}
	for _, tc := range tests {
		mtu := &mtuCache{links: mtuLinks{}, mtus: map[string]int{}}
		if got := rcvBufShare(&tc.in, &tc.g, mtu); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
}
