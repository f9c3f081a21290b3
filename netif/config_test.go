package netif

import (
	"encoding/binary"
	"net/netip"
	"strings"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"
)

var addrCmp = cmp.Comparer(func(a, b netip.Addr) bool { return a == b })

func TestConfigNormalize(t *testing.T) {
	a := netip.MustParseAddr
	for _, tc := range []struct {
		name string
		in   Config
		want Config
	}{
		{"v4 defaults", Config{Ifname: "eth0"},
			Config{Ifname: "eth0", Family: 4, Group: GroupV4, Proto: 112}},
		{"v6 from family", Config{Ifname: "eth0", Family: 6},
			Config{Ifname: "eth0", Family: 6, Group: GroupV6, Proto: 112}},
		{"v6 from source", Config{Ifname: "eth0", UnicastSrc: a("2001:db8::1"), Unicast: true},
			Config{Ifname: "eth0", Family: 6, Group: GroupV6, Proto: 112, UnicastSrc: a("2001:db8::1"), Unicast: true}},
		{"v4-mapped source unmapped", Config{Ifname: "eth0", UnicastSrc: a("::ffff:192.0.2.1")},
			Config{Ifname: "eth0", Family: 4, Group: GroupV4, Proto: 112, UnicastSrc: a("192.0.2.1")}},
		{"zone dropped", Config{Ifname: "eth0", UnicastSrc: a("fe80::1%eth0")},
			Config{Ifname: "eth0", Family: 6, Group: GroupV6, Proto: 112, UnicastSrc: a("fe80::1")}},
		{"custom group and ah", Config{Ifname: "eth1", Group: a("224.0.0.19"), Proto: 51},
			Config{Ifname: "eth1", Family: 4, Group: a("224.0.0.19"), Proto: 51}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.in.normalize()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got, addrCmp); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestConfigNormalizeErrors(t *testing.T) {
	a := netip.MustParseAddr
	for _, tc := range []struct {
		name string
		in   Config
		want string
	}{
		{"no interface", Config{}, "no interface name"},
		{"family 5", Config{Ifname: "eth0", Family: 5}, "family 5"},
		{"proto 300", Config{Ifname: "eth0", Proto: 300}, "ip protocol 300"},
		{"ah on v6", Config{Ifname: "eth0", Family: 6, Proto: 51}, "ah on ipv6"},
		{"unicast group", Config{Ifname: "eth0", Group: a("192.0.2.1")}, "not an ipv4 multicast"},
		{"v6 group on v4", Config{Ifname: "eth0", Family: 4, Group: a("ff02::12")}, "not an ipv4 multicast"},
		{"v4 source on v6", Config{Ifname: "eth0", Family: 6, UnicastSrc: a("192.0.2.1")}, "not an ipv6 unicast"},
		{"multicast source", Config{Ifname: "eth0", UnicastSrc: a("224.0.0.18")}, "not an ipv4 unicast"},
		{"unspecified source", Config{Ifname: "eth0", UnicastSrc: a("0.0.0.0")}, "not an ipv4 unicast"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.in.normalize()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestControlRoundTrip(t *testing.T) {
	src := netip.MustParseAddr("fe80::1")
	oob := pktinfo6(src, 7)
	hop := make([]byte, unix.CmsgSpace(4))
	h := (*unix.Cmsghdr)(unsafePointer(hop))
	h.Level, h.Type = unix.IPPROTO_IPV6, unix.IPV6_HOPLIMIT
	h.SetLen(unix.CmsgLen(4))
	binary.NativeEndian.PutUint32(hop[unix.CmsgLen(0):], 254)
	got, err := parseControl(append(oob, hop...))
	if err != nil {
		t.Fatal(err)
	}
	want := control{ifindex: 7, dst: src, hopLimit: 254, haveHopLimit: true}
	if diff := cmp.Diff(want, got, addrCmp, cmp.AllowUnexported(control{})); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestControlShort(t *testing.T) {
	b := make([]byte, unix.CmsgSpace(4))
	h := (*unix.Cmsghdr)(unsafePointer(b))
	h.Level, h.Type = unix.IPPROTO_IPV6, unix.IPV6_PKTINFO
	h.SetLen(unix.CmsgLen(4))
	if _, err := parseControl(b); err == nil || !strings.Contains(err.Error(), "short IPV6_PKTINFO") {
		t.Errorf("error %v, want short IPV6_PKTINFO", err)
	}
}

func unsafePointer(b []byte) unsafe.Pointer { return unsafe.Pointer(&b[0]) }
