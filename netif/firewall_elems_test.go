package netif

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFirewallStateNeedsAndElements(t *testing.T) {
	ll := netip.MustParseAddr("fe80::100")
	s := fwState{
		blocked: map[string][]Blocked{
			"V4": {{Addr: netip.MustParseAddr("192.0.2.100")}},
			"V6": {{Addr: netip.MustParseAddr("2001:db8::100")}, {Addr: ll, Dev: "eth0", Ifindex: 2, ByName: true}, {Addr: ll, Dev: "lo", Ifindex: 1}},
		},
		vmacs: map[string][]VMACLink{"vrrp.51": {{Ifindex: 5, BaseIfindex: 2, IPv4: true, IPv6: true}}},
	}
	v4, v6 := s.needs()
	if diff := cmp.Diff([2]fwFeatures{{vmac: true, vips: true}, {vmac: true, vips: true, llName: true, llIndex: true}}, [2]fwFeatures{v4, v6}, cmp.AllowUnexported(fwFeatures{})); diff != "" {
		t.Errorf("features (-want +got):\n%s", diff)
	}
	name := "eth0" + string(make([]byte, 12))
	want6 := []fwElem{
		{set: setVIPs, key: string(netip.MustParseAddr("2001:db8::100").AsSlice())},
		{set: setLLIndex, key: string(ll.AsSlice()) + "\x01\x00\x00\x00"},
		{set: setLLName, key: string(ll.AsSlice()) + name},
		{set: setVMACMap, key: "\x05\x00\x00\x00", val: "\x02\x00\x00\x00"},
		{set: setVMACSet, key: "\x05\x00\x00\x00"},
	}
	if diff := cmp.Diff(sortedElems(want6), s.elements(true), cmp.AllowUnexported(fwElem{})); diff != "" {
		t.Errorf("ipv6 elements (-want +got):\n%s", diff)
	}
	want4 := []fwElem{{set: setVIPs, key: "\xc0\x00\x02\x64"}, {set: setVMACMap, key: "\x05\x00\x00\x00", val: "\x02\x00\x00\x00"}}
	if diff := cmp.Diff(sortedElems(want4), s.elements(false), cmp.AllowUnexported(fwElem{})); diff != "" {
		t.Errorf("ipv4 elements (-want +got):\n%s", diff)
	}
}

func sortedElems(es []fwElem) []fwElem {
	out := slices.Clone(es)
	slices.SortFunc(out, compareElem)
	return out
}

func TestDiffElems(t *testing.T) {
	a, b, c := fwElem{set: "vips", key: "a"}, fwElem{set: "vips", key: "b"}, fwElem{set: "vips", key: "c"}
	add, del := diffElems([]fwElem{a, b}, []fwElem{b, c})
	if diff := cmp.Diff([2][]fwElem{{c}, {a}}, [2][]fwElem{add, del}, cmp.AllowUnexported(fwElem{})); diff != "" {
		t.Errorf("add, del (-want +got):\n%s", diff)
	}
}
