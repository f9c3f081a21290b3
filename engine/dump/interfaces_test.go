package dump

import (
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
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
