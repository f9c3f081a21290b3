package netif

import (
	"net/netip"
	"testing"

	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"
)

func linkBytes(index int32, flags uint32, attrs ...*nl.RtAttr) []byte {
	m := nl.NewIfInfomsg(unix.AF_UNSPEC)
	m.Index, m.Flags = index, flags
	b := m.Serialize()
	for _, a := range attrs {
		b = append(b, a.Serialize()...)
	}
	return b
}

func addrBytes(family int, index uint32, bits uint8, attrs ...*nl.RtAttr) []byte {
	m := nl.NewIfAddrmsg(family)
	m.Index, m.Prefixlen = index, bits
	b := m.Serialize()
	for _, a := range attrs {
		b = append(b, a.Serialize()...)
	}
	return b
}

func TestParseLinkMsg(t *testing.T) {
	got, err := parseLinkMsg(linkBytes(7, unix.IFF_UP|unix.IFF_RUNNING,
		nl.NewRtAttr(unix.IFLA_MTU, nl.Uint32Attr(1500)), nl.NewRtAttr(unix.IFLA_IFNAME, nl.ZeroTerminated("eth0"))))
	if err != nil || got != (linkMsg{index: 7, name: "eth0", flags: unix.IFF_UP | unix.IFF_RUNNING}) {
		t.Errorf("parseLinkMsg = %+v, %v", got, err)
	}
	for _, b := range [][]byte{nil, make([]byte, unix.SizeofIfInfomsg-1), append(linkBytes(1, 0), 0xff, 0xff, 0, 0)} {
		if _, err := parseLinkMsg(b); err == nil {
			t.Errorf("parseLinkMsg(% x): no error", b)
		}
	}
}

func TestParseAddrMsg(t *testing.T) {
	v4 := func(s string) []byte { a := netip.MustParseAddr(s).As4(); return a[:] }
	v6 := func(s string) []byte { a := netip.MustParseAddr(s).As16(); return a[:] }
	for _, tc := range []struct {
		name string
		b    []byte
		want addrMsg
	}{
		{"ipv4 local = address", addrBytes(unix.AF_INET, 3, 24,
			nl.NewRtAttr(unix.IFA_ADDRESS, v4("192.0.2.1")), nl.NewRtAttr(unix.IFA_LOCAL, v4("192.0.2.1"))),
			addrMsg{3, netip.MustParsePrefix("192.0.2.1/24")}},
		// Point-to-point: IFA_ADDRESS is the peer, IFA_LOCAL ours.
		{"ipv4 peer", addrBytes(unix.AF_INET, 3, 32,
			nl.NewRtAttr(unix.IFA_ADDRESS, v4("198.51.100.9")), nl.NewRtAttr(unix.IFA_LOCAL, v4("192.0.2.1"))),
			addrMsg{3, netip.MustParsePrefix("192.0.2.1/32")}},
		{"ipv6", addrBytes(unix.AF_INET6, 4, 64, nl.NewRtAttr(unix.IFA_ADDRESS, v6("2001:db8::1"))),
			addrMsg{4, netip.MustParsePrefix("2001:db8::1/64")}},
		{"no address", addrBytes(unix.AF_INET, 5, 0), addrMsg{index: 5}},
	} {
		got, err := parseAddrMsg(tc.b)
		if err != nil || got != tc.want {
			t.Errorf("%s: parseAddrMsg = %+v, %v; want %+v", tc.name, got, err, tc.want)
		}
	}
	bad := [][]byte{
		nil,
		make([]byte, unix.SizeofIfAddrmsg-1),
		addrBytes(unix.AF_INET, 1, 33, nl.NewRtAttr(unix.IFA_ADDRESS, v4("192.0.2.1"))),
		append(addrBytes(unix.AF_INET, 1, 24), 0x40, 0, 1, 0),
	}
	for _, b := range bad {
		if _, err := parseAddrMsg(b); err == nil {
			t.Errorf("parseAddrMsg(% x): no error", b)
		}
	}
}

// A message from the kernel is trusted, but a short or garbled one must
// give an error, never a panic.
func FuzzParseRouteMsg(f *testing.F) {
	f.Add(linkBytes(2, unix.IFF_UP, nl.NewRtAttr(unix.IFLA_IFNAME, nl.ZeroTerminated("eth0"))))
	f.Add(addrBytes(unix.AF_INET6, 2, 64, nl.NewRtAttr(unix.IFA_ADDRESS, make([]byte, 16))))
	f.Fuzz(func(t *testing.T, b []byte) {
		parseLinkMsg(b)
		parseAddrMsg(b)
	})
}
