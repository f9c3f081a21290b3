package netif

import (
	"net"
	"net/netip"
)

// InterfaceHasAddr reports whether a is one of ifname's addresses (any
// prefix length), in the namespace of the calling thread; false when the
// interface does not exist.
func InterfaceHasAddr(ifname string, a netip.Addr) bool {
	ifc, err := net.InterfaceByName(ifname)
	if err != nil {
		return false
	}
	addrs, err := ifc.Addrs()
	if err != nil {
		return false
	}
	for _, x := range addrs {
		if p, err := netip.ParsePrefix(x.String()); err == nil && p.Addr() == a {
			return true
		}
	}
	return false
}
