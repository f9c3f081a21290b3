package netif

import (
	"fmt"
	"math"
	"net"
	"net/netip"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// Addr is one virtual address as keepalived's virtual_ipaddress line
// describes it. The zero values of the options are keepalived's defaults.
type Addr struct {
	// Prefix is the address and its length (keepalived default /32, /128:
	// the caller fills the length in).
	Prefix netip.Prefix
	Dev    string
	// Label is the IPv4 label (ip addr ... label eth0:vip); IPv4 only.
	Label string
	// Scope is the rtnetlink scope (0 global, 200 site, 253 link, 254
	// host, 255 nowhere); IPv4 only.
	Scope int
	// Broadcast is added only when valid ("brd"); keepalived adds none by
	// default, unlike "ip addr add".
	Broadcast netip.Addr
	// Peer makes a point-to-point address (IFA_ADDRESS = peer).
	Peer netip.Prefix
	// DAD asks for duplicate address detection on an IPv6 address.
	// keepalived adds IPv6 VIPs with IFA_F_NODAD unless "-nodad" is
	// written, which (despite its name) turns DAD on: DAD is that case.
	DAD bool
	// PreferredForever keeps a /128 IPv6 address preferred; by default
	// keepalived gives it preferred_lft 0 so it is never picked as source.
	PreferredForever bool
	NoPrefixRoute    bool // IFA_F_NOPREFIXROUTE
	Home             bool // IFA_F_HOMEADDRESS
}

// String formats a like an ip-addr argument list, for error messages.
func (a Addr) String() string {
	s := a.Prefix.String()
	if a.Dev != "" {
		s += " dev " + a.Dev
	}
	if a.Label != "" {
		s += " label " + a.Label
	}
	return s
}

// maxLabel is IFNAMSIZ-1: the kernel's ifa_label size.
const maxLabel = 15

// validate reports what is wrong with a as a virtual address.
func (a Addr) validate() error {
	if !a.Prefix.IsValid() {
		return fmt.Errorf("invalid prefix %q", a.Prefix)
	}
	ip := a.Prefix.Addr()
	if ip.Zone() != "" || ip.Is4In6() || ip.IsUnspecified() || ip.IsMulticast() {
		return fmt.Errorf("%v is not a plain unicast address", ip)
	}
	if a.Dev == "" {
		return fmt.Errorf("no device")
	}
	v4 := ip.Is4()
	switch {
	case !v4 && a.Label != "":
		return fmt.Errorf("label %q on an ipv6 address", a.Label)
	case len(a.Label) > maxLabel:
		return fmt.Errorf("label %q longer than %d bytes", a.Label, maxLabel)
	case !v4 && a.Scope != 0:
		return fmt.Errorf("scope %d on an ipv6 address", a.Scope)
	case a.Scope < 0 || a.Scope > 255:
		return fmt.Errorf("scope %d out of range", a.Scope)
	case a.Broadcast.IsValid() && (!v4 || !a.Broadcast.Is4()):
		return fmt.Errorf("broadcast %v for %v", a.Broadcast, ip)
	case a.Peer.IsValid() && a.Peer.Addr().Is4() != v4:
		return fmt.Errorf("peer %v for %v", a.Peer, ip)
	}
	return nil
}

// toNetlink converts a to the request vishvananda/netlink sends, applying
// keepalived's defaults (vrrp_ipaddress.c netlink_ipaddress()).
func (a Addr) toNetlink(linkIndex int) (*netlink.Addr, error) {
	if err := a.validate(); err != nil {
		return nil, err
	}
	ip := a.Prefix.Addr()
	na := &netlink.Addr{IPNet: prefixToIPNet(a.Prefix), LinkIndex: linkIndex, Scope: a.Scope, Label: a.Label}
	if ip.Is4() {
		// netlink would invent a broadcast for short prefixes; keepalived
		// sets none unless asked, and IPv4zero tells netlink "none".
		na.Broadcast = net.IPv4zero
		if a.Broadcast.IsValid() {
			na.Broadcast = a.Broadcast.AsSlice()
		}
	}
	if a.Peer.IsValid() {
		na.Peer = prefixToIPNet(a.Peer)
	}
	if ip.Is6() && !a.DAD {
		na.Flags |= unix.IFA_F_NODAD
	}
	if a.NoPrefixRoute {
		na.Flags |= unix.IFA_F_NOPREFIXROUTE
	}
	if a.Home {
		na.Flags |= unix.IFA_F_HOMEADDRESS
	}
	if ip.Is6() && a.Prefix.Bits() == 128 && !a.PreferredForever {
		na.ValidLft = math.MaxUint32 // forever
		na.PreferedLft = 0           // deprecated at once
	}
	return na, nil
}

func prefixToIPNet(p netip.Prefix) *net.IPNet {
	return &net.IPNet{IP: p.Addr().AsSlice(), Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen())}
}

// matches reports whether the kernel address k is a: same local address
// and same prefix length (the peer's length for point-to-point addresses,
// as the kernel stores it).
func (a Addr) matches(k netlink.Addr) bool {
	ip, ok := netip.AddrFromSlice(k.IP)
	if !ok || ip.Unmap() != a.Prefix.Addr() {
		return false
	}
	ones, _ := k.Mask.Size()
	want := a.Prefix.Bits()
	if a.Peer.IsValid() {
		want = a.Peer.Bits()
	}
	return ones == want
}
