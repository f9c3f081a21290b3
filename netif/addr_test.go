package netif

import (
	"math"
	"net"
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

func ipnet(s string) *net.IPNet {
	p := netip.MustParsePrefix(s)
	return prefixToIPNet(p)
}

func TestAddrToNetlink(t *testing.T) {
	p := netip.MustParsePrefix
	for _, tc := range []struct {
		name string
		in   Addr
		want netlink.Addr
	}{
		{"ipv4 default: no broadcast", Addr{Prefix: p("192.0.2.100/24"), Dev: "eth0"},
			netlink.Addr{IPNet: ipnet("192.0.2.100/24"), Broadcast: net.IPv4zero, LinkIndex: 2}},
		{"ipv4 label scope brd", Addr{Prefix: p("192.0.2.100/32"), Dev: "eth0", Label: "eth0:vip", Scope: 253,
			Broadcast: netip.MustParseAddr("192.0.2.255")},
			netlink.Addr{IPNet: ipnet("192.0.2.100/32"), Label: "eth0:vip", Scope: 253,
				Broadcast: net.ParseIP("192.0.2.255").To4(), LinkIndex: 2}},
		{"ipv4 peer", Addr{Prefix: p("192.0.2.100/32"), Dev: "eth0", Peer: p("192.0.2.1/32")},
			netlink.Addr{IPNet: ipnet("192.0.2.100/32"), Peer: ipnet("192.0.2.1/32"), Broadcast: net.IPv4zero, LinkIndex: 2}},
		{"ipv6 /128: nodad, deprecated", Addr{Prefix: p("2001:db8::100/128"), Dev: "eth0"},
			netlink.Addr{IPNet: ipnet("2001:db8::100/128"), Flags: unix.IFA_F_NODAD,
				ValidLft: math.MaxUint32, LinkIndex: 2}},
		{"ipv6 /128 preferred forever", Addr{Prefix: p("2001:db8::100/128"), Dev: "eth0", PreferredForever: true},
			netlink.Addr{IPNet: ipnet("2001:db8::100/128"), Flags: unix.IFA_F_NODAD, LinkIndex: 2}},
		{"ipv6 /64 with dad, flags", Addr{Prefix: p("2001:db8::100/64"), Dev: "eth0", DAD: true, NoPrefixRoute: true, Home: true},
			netlink.Addr{IPNet: ipnet("2001:db8::100/64"), Flags: unix.IFA_F_NOPREFIXROUTE | unix.IFA_F_HOMEADDRESS, LinkIndex: 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.in.toNetlink(2)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, *got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestAddrValidate(t *testing.T) {
	p := netip.MustParsePrefix
	for _, tc := range []struct {
		name string
		in   Addr
		want string
	}{
		{"zero", Addr{}, "invalid prefix"},
		{"no dev", Addr{Prefix: p("192.0.2.1/32")}, "no device"},
		{"multicast", Addr{Prefix: p("224.0.0.18/32"), Dev: "eth0"}, "not a plain unicast"},
		{"mapped", Addr{Prefix: p("::ffff:192.0.2.1/128"), Dev: "eth0"}, "not a plain unicast"},
		{"v6 label", Addr{Prefix: p("2001:db8::1/128"), Dev: "eth0", Label: "eth0:a"}, "label \"eth0:a\" on an ipv6"},
		{"long label", Addr{Prefix: p("192.0.2.1/32"), Dev: "eth0", Label: "eth0:0123456789ab"}, "longer than 15"},
		{"v6 scope", Addr{Prefix: p("2001:db8::1/128"), Dev: "eth0", Scope: 253}, "scope 253 on an ipv6"},
		{"scope range", Addr{Prefix: p("192.0.2.1/32"), Dev: "eth0", Scope: 256}, "scope 256 out of range"},
		{"v6 brd", Addr{Prefix: p("2001:db8::1/128"), Dev: "eth0", Broadcast: netip.MustParseAddr("192.0.2.255")}, "broadcast"},
		{"peer family", Addr{Prefix: p("192.0.2.1/32"), Dev: "eth0", Peer: p("2001:db8::1/128")}, "peer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.in.toNetlink(1)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestAddrMatches(t *testing.T) {
	p := netip.MustParsePrefix
	k := netlink.Addr{IPNet: ipnet("192.0.2.100/24")}
	kp := netlink.Addr{IPNet: ipnet("192.0.2.100/30"), Peer: ipnet("192.0.2.1/30")}
	for _, tc := range []struct {
		name string
		a    Addr
		k    netlink.Addr
		want bool
	}{
		{"same", Addr{Prefix: p("192.0.2.100/24")}, k, true},
		{"other length", Addr{Prefix: p("192.0.2.100/32")}, k, false},
		{"other address", Addr{Prefix: p("192.0.2.101/24")}, k, false},
		{"peer length", Addr{Prefix: p("192.0.2.100/32"), Peer: p("192.0.2.1/30")}, kp, true},
	} {
		if got := tc.a.matches(tc.k); got != tc.want {
			t.Errorf("%s: matches = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestPickPrimary(t *testing.T) {
	list := []netlink.Addr{
		{IPNet: ipnet("fe80::2/64"), Flags: unix.IFA_F_TENTATIVE},
		{IPNet: ipnet("192.0.2.50/24"), Flags: unix.IFA_F_SECONDARY},
		{IPNet: ipnet("2001:db8::1/64")},
		{IPNet: ipnet("192.0.2.11/24")},
		{IPNet: ipnet("fe80::1/64")},
	}
	for _, tc := range []struct {
		family int
		list   []netlink.Addr
		want   string
	}{
		{4, list, "192.0.2.11"},
		{6, list, "fe80::1"},
		{4, list[:3], ""},
		{6, list[:4], ""},
	} {
		got, ok := pickPrimary(tc.list, tc.family)
		if (tc.want == "" && ok) || (tc.want != "" && got != netip.MustParseAddr(tc.want)) {
			t.Errorf("pickPrimary(%d addrs, %d) = %v, %v; want %q", len(tc.list), tc.family, got, ok, tc.want)
		}
	}
}
