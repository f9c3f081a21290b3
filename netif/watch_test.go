package netif

import (
	"net/netip"
	"testing"
)

func TestEventKindString(t *testing.T) {
	for k, want := range map[EventKind]string{
		LinkChanged: "link-changed", LinkDeleted: "link-deleted", AddrAdded: "addr-added",
		AddrRemoved: "addr-removed", WatchFailed: "watch-failed", 0: "EventKind(0)", 99: "EventKind(99)",
	} {
		if got := k.String(); got != want {
			t.Errorf("EventKind(%d).String() = %q, want %q", int(k), got, want)
		}
	}
}

// FuzzParseControl feeds arbitrary ancillary data (which must never
// panic) and checks that IPV6_PKTINFO built for any address and index
// parses back to them.
func FuzzParseControl(f *testing.F) {
	f.Add(pktinfo6(netip.AddrFrom16([16]byte{0xfe, 0x80, 15: 1}), 3), uint32(3))
	f.Add([]byte{}, uint32(0))
	f.Add(make([]byte, 17), uint32(1<<31))
	f.Fuzz(func(t *testing.T, b []byte, index uint32) {
		parseControl(b)
		var a [16]byte
		copy(a[:], b)
		ip := netip.AddrFrom16(a)
		c, err := parseControl(pktinfo6(ip, int(index)))
		if err != nil || c.dst != ip || c.ifindex != int(index) {
			t.Fatalf("pktinfo6(%v, %d) parsed as %+v, %v", ip, index, c, err)
		}
	})
}
