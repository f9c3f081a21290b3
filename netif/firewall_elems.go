package netif

import (
	"cmp"
	"net/netip"
	"slices"

	"github.com/google/nftables"
	"github.com/google/nftables/binaryutil"
)

// Blocked is a virtual address whose traffic the host must not accept
// while it holds it (RFC 5798 Accept_Mode False: `no_accept`, or
// `vrrp_strict` for an instance that is not the address owner).
type Blocked struct {
	Addr netip.Addr
	// Dev and Ifindex name the interface of an IPv6 link-local address,
	// which is blocked on that interface only.
	Dev     string
	Ifindex int
	// ByName puts a link-local address in keepalived's
	// vips_link_local_name set (matched by interface name) instead of
	// vips_link_local (by index). keepalived 2.2.7 does so when the
	// instance has dont_track_primary, nftables_ifindex is not set, and
	// the address is on the instance's own interface or is no_track.
	ByName bool
}

// VMACLink is a VMAC (macvlan) whose multicast reports the Firewall sends
// out of its base interface instead, for each family whose rules apply
// (keepalived: the instance's family, plus the other one when it has
// excluded VIPs of that family; IPv4 not with disable_local_igmp).
type VMACLink struct {
	Ifindex     int
	BaseIfindex int
	IPv4, IPv6  bool
}

// fwState is what the Firewall was asked for, by owner (an instance
// name, a VMAC name).
type fwState struct {
	blocked map[string][]Blocked
	vmacs   map[string][]VMACLink
}

// fwElem is one set element, keyed for comparison.
type fwElem struct {
	set      string
	key, val string
}

// needs returns the features each family's table must have for s.
func (s fwState) needs() (v4, v6 fwFeatures) {
	for _, bs := range s.blocked {
		for _, b := range bs {
			switch {
			case b.Addr.Is4():
				v4.vips = true
			case !b.Addr.IsLinkLocalUnicast():
				v6.vips = true
			case b.ByName:
				v6.llName = true
			default:
				v6.llIndex = true
			}
		}
	}
	for _, ls := range s.vmacs {
		for _, l := range ls {
			v4.vmac = v4.vmac || l.IPv4
			v6.vmac = v6.vmac || l.IPv6
		}
	}
	return v4, v6
}

// elements returns the set elements of one family, sorted.
func (s fwState) elements(v6 bool) []fwElem {
	var out []fwElem
	for _, bs := range s.blocked {
		for _, b := range bs {
			if b.Addr.Is4() == v6 {
				continue
			}
			out = append(out, blockedElem(b))
		}
	}
	for _, ls := range s.vmacs {
		for _, l := range ls {
			if v6 && l.IPv6 {
				out = append(out, fwElem{set: setVMACMap, key: ifindexKey(l.Ifindex), val: ifindexKey(l.BaseIfindex)},
					fwElem{set: setVMACSet, key: ifindexKey(l.Ifindex)})
			}
			if !v6 && l.IPv4 {
				out = append(out, fwElem{set: setVMACMap, key: ifindexKey(l.Ifindex), val: ifindexKey(l.BaseIfindex)})
			}
		}
	}
	slices.SortFunc(out, func(a, b fwElem) int {
		return cmp.Or(cmp.Compare(a.set, b.set), cmp.Compare(a.key, b.key), cmp.Compare(a.val, b.val))
	})
	return slices.Compact(out)
}

// blockedElem encodes an address as keepalived does: the address; for a
// link-local one the address followed by the interface index (host byte
// order) or by its name padded to 16 bytes.
func blockedElem(b Blocked) fwElem {
	a := b.Addr.Unmap().WithZone("")
	key := string(a.AsSlice())
	switch {
	case a.Is4() || !a.IsLinkLocalUnicast():
		return fwElem{set: setVIPs, key: key}
	case b.ByName:
		name := make([]byte, 16)
		copy(name, b.Dev)
		return fwElem{set: setLLName, key: key + string(name)}
	default:
		return fwElem{set: setLLIndex, key: key + ifindexKey(b.Ifindex)}
	}
}

func ifindexKey(i int) string { return string(binaryutil.NativeEndian.PutUint32(uint32(i))) }

// diffElems returns the elements of want missing from have (add) and of
// have missing from want (del); both inputs are sorted.
func diffElems(have, want []fwElem) (add, del []fwElem) {
	for _, e := range want {
		if _, ok := slices.BinarySearchFunc(have, e, compareElem); !ok {
			add = append(add, e)
		}
	}
	for _, e := range have {
		if _, ok := slices.BinarySearchFunc(want, e, compareElem); !ok {
			del = append(del, e)
		}
	}
	return add, del
}

func compareElem(a, b fwElem) int {
	return cmp.Or(cmp.Compare(a.set, b.set), cmp.Compare(a.key, b.key), cmp.Compare(a.val, b.val))
}

// bySet groups elements by set name, as nftables set elements.
func bySet(es []fwElem) map[string][]nftables.SetElement {
	out := map[string][]nftables.SetElement{}
	for _, e := range es {
		se := nftables.SetElement{Key: []byte(e.key)}
		if e.val != "" {
			se.Val = []byte(e.val)
		}
		out[e.set] = append(out[e.set], se)
	}
	return out
}
