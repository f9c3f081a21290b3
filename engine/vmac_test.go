package engine

import (
	"net"
	"net/netip"
	"testing"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/netif"
)

// TestVMACLinkLocal: the link-local address of an IPv6 VMAC that sends
// the adverts, as keepalived 2.2.7 chooses it.
func TestVMACLinkLocal(t *testing.T) {
	mac, _ := net.ParseMAC("02:11:22:33:44:55")
	withLL := []netif.LinkInfo{{Name: "eth0", MAC: mac, Addrs: []netif.AddrInfo{
		{Prefix: netip.MustParsePrefix("2001:db8::1/64")}, {Prefix: netip.MustParsePrefix("fe80::7/64")}}}}
	withoutLL := []netif.LinkInfo{{Name: "eth0", MAC: mac}}
	for _, tc := range []struct {
		name  string
		pin   config.Instance
		links []netif.LinkInfo
		want  string
	}{
		{"unicast_src_ip", config.Instance{Interface: "eth0", Unicasting: &config.Unicasting{UnicastSrcIP: netip.MustParseAddr("fe80::9")}}, withLL, "fe80::9"},
		{"mcast_src_ip", config.Instance{Interface: "eth0", Unicasting: &config.Unicasting{McastSrcIP: netip.MustParseAddr("fe80::8")}}, withLL, "fe80::8"},
		{"the base's", config.Instance{Interface: "eth0"}, withLL, "fe80::7"},
		{"eui-64 of the base's mac", config.Instance{Interface: "eth0"}, withoutLL, "fe80::11:22ff:fe33:4455"},
		{"no base", config.Instance{Interface: "eth9"}, withLL, "invalid IP"},
	} {
		if got := vmacLinkLocal(&tc.pin, tc.links).String(); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}
