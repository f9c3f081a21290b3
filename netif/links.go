package netif

import (
	"fmt"
	"net"
	"net/netip"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// LinkInfo is one link and its addresses, the facts `ip addr` shows that
// keepalived's data dump lists for every interface it knows.
type LinkInfo struct {
	Name  string
	Index int
	MTU   int
	MAC   net.HardwareAddr
	Flags net.Flags
	// Encap is the link type as iproute2 names it after "link/": "ether",
	// "loopback", "none"...
	Encap string
	Addrs []AddrInfo // IPv4 first, then IPv6, each in the kernel's order
}

// AddrInfo is one address of a link.
type AddrInfo struct {
	Prefix netip.Prefix
	// Secondary is an IPv4 address that is not the first of its subnet
	// (IFA_F_SECONDARY): never a primary address to send from.
	Secondary bool
	// Tentative is an IPv6 address still in (or failed) duplicate address
	// detection: it cannot be a source yet.
	Tentative bool
}

// Links lists every link of the namespace with its addresses.
func (a *Addrs) Links() ([]LinkInfo, error) {
	var out []LinkInfo
	err := onOwnStack(func() (err error) {
		out, err = a.links()
		return err
	})
	return out, err
}

func (a *Addrs) links() ([]LinkInfo, error) {
	links, err := a.h.LinkList()
	if err != nil {
		return nil, fmt.Errorf("list links: %w", err)
	}
	out := make([]LinkInfo, 0, len(links))
	at := make(map[int]int, len(links)) // link index -> its place in out
	for _, l := range links {
		at[l.Attrs().Index] = len(out)
		out = append(out, linkInfo(l.Attrs()))
	}
	// One dump of the namespace's addresses per family: the kernel walks
	// every address of every link for each dump, so a dump per link cost
	// a reload of 1000 VIPs on 4 interfaces 20 ms where two take 2.
	for _, fam := range []int{netlink.FAMILY_V4, netlink.FAMILY_V6} {
		list, err := addrList(a.h, nil, fam)
		if err != nil {
			return nil, fmt.Errorf("list addresses: %w", err)
		}
		for _, k := range list {
			i, ok := at[k.LinkIndex]
			ip, valid := netip.AddrFromSlice(k.IP)
			if !ok || !valid {
				continue // a link that came after the link dump
			}
			ones, _ := k.Mask.Size()
			out[i].Addrs = append(out[i].Addrs, AddrInfo{
				Prefix:    netip.PrefixFrom(ip.Unmap(), ones),
				Secondary: k.Flags&unix.IFA_F_SECONDARY != 0,
				Tentative: k.Flags&(unix.IFA_F_TENTATIVE|unix.IFA_F_DADFAILED) != 0,
			})
		}
	}
	return out, nil
}

func linkInfo(at *netlink.LinkAttrs) LinkInfo {
	return LinkInfo{Name: at.Name, Index: at.Index, MTU: at.MTU, MAC: at.HardwareAddr,
		Flags: linkFlags(at.RawFlags), Encap: at.EncapType}
}

// linkFlags converts the kernel's IFF_* bits to net.Flags.
func linkFlags(raw uint32) net.Flags {
	var f net.Flags
	for _, m := range []struct {
		bit  uint32
		flag net.Flags
	}{
		{unix.IFF_UP, net.FlagUp}, {unix.IFF_BROADCAST, net.FlagBroadcast},
		{unix.IFF_LOOPBACK, net.FlagLoopback}, {unix.IFF_POINTOPOINT, net.FlagPointToPoint},
		{unix.IFF_MULTICAST, net.FlagMulticast}, {unix.IFF_RUNNING, net.FlagRunning},
	} {
		if raw&m.bit != 0 {
			f |= m.flag
		}
	}
	return f
}
