package netif

import (
	"errors"
	"fmt"
	"net/netip"
)

// ProtoVRRP is the IP protocol number of VRRP; ProtoAH that of IPsec AH,
// which keepalived uses for VRRPv2 "auth_type AH".
const (
	ProtoVRRP = 112
	ProtoAH   = 51
)

// Default multicast groups (RFC 5798 5.1.1.2, 5.1.2.2).
var (
	GroupV4 = netip.MustParseAddr("224.0.0.18")
	GroupV6 = netip.MustParseAddr("ff02::12")
)

// Config describes one VRRP socket: one interface, one address family and
// either multicast or unicast, like one of keepalived's socket pairs.
type Config struct {
	// Ifname is the interface to send and receive on (required).
	Ifname string
	// Family is 4 or 6. Zero takes the family of Group or UnicastSrc,
	// else 4.
	Family int
	// Group is the multicast group (mcast_dst_ip); default 224.0.0.18 or
	// ff02::12. Ignored in unicast mode.
	Group netip.Addr
	// UnicastSrc is the source address (unicast_src_ip / mcast_src_ip).
	// Default: the interface's primary IPv4 address, or its IPv6
	// link-local address. In unicast mode the receive side is bound to it.
	UnicastSrc netip.Addr
	// Unicast selects unicast mode: no group membership, receive only
	// packets addressed to the source address.
	Unicast bool
	// UnicastTTL is the TTL / hop limit of unicast adverts (unicast_ttl):
	// 0 means 255; -1 means the kernel's default hop limit, which is what
	// keepalived sends over IPv6 unicast without unicast_ttl. Multicast
	// adverts always go with 255 (RFC 5798 5.1.1.3).
	UnicastTTL int
	// RcvBuf sets SO_RCVBUF when positive (kernel_rx_buf_size).
	RcvBuf int
	// Proto is the IP protocol, default ProtoVRRP. With ProtoAH the
	// caller must build the AH header itself (IPv4 only).
	Proto int
}

var errConfig = errors.New("invalid socket config")

// normalize validates c and fills in defaults, except the source address,
// which needs the kernel.
func (c Config) normalize() (Config, error) {
	if c.Ifname == "" {
		return c, fmt.Errorf("%w: no interface name", errConfig)
	}
	c.Group, c.UnicastSrc = c.Group.Unmap(), c.UnicastSrc.Unmap()
	if c.Family == 0 {
		c.Family = 4
		if c.Group.Is6() || c.UnicastSrc.Is6() {
			c.Family = 6
		}
	}
	if c.Family != 4 && c.Family != 6 {
		return c, fmt.Errorf("%w: family %d on %s, want 4 or 6", errConfig, c.Family, c.Ifname)
	}
	if c.Proto == 0 {
		c.Proto = ProtoVRRP
	}
	if c.Proto < 1 || c.Proto > 254 {
		return c, fmt.Errorf("%w: ip protocol %d on %s", errConfig, c.Proto, c.Ifname)
	}
	if c.Proto == ProtoAH && c.Family == 6 {
		return c, fmt.Errorf("%w: ah on ipv6 (%s)", errConfig, c.Ifname)
	}
	if !c.Group.IsValid() {
		c.Group = GroupV4
		if c.Family == 6 {
			c.Group = GroupV6
		}
	}
	if !c.Group.IsMulticast() || familyOf(c.Group) != c.Family {
		return c, fmt.Errorf("%w: group %v is not an ipv%d multicast address (%s)", errConfig, c.Group, c.Family, c.Ifname)
	}
	if c.UnicastSrc.IsValid() {
		if familyOf(c.UnicastSrc) != c.Family || c.UnicastSrc.IsMulticast() || c.UnicastSrc.IsUnspecified() {
			return c, fmt.Errorf("%w: source %v is not an ipv%d unicast address (%s)", errConfig, c.UnicastSrc, c.Family, c.Ifname)
		}
		c.UnicastSrc = c.UnicastSrc.WithZone("")
	}
	if c.UnicastTTL < -1 || c.UnicastTTL > 255 {
		return c, fmt.Errorf("%w: unicast ttl %d out of range", errConfig, c.UnicastTTL)
	}
	if c.RcvBuf < 0 {
		return c, fmt.Errorf("%w: negative receive buffer", errConfig)
	}
	return c, nil
}

func familyOf(a netip.Addr) int {
	if a.Is4() {
		return 4
	}
	if a.Is6() {
		return 6
	}
	return 0
}
