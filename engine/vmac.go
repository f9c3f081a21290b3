package engine

import (
	"bytes"
	"cmp"
	"fmt"
	"net"
	"net/netip"
	"sync"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/netif"
)

// use_vmac (RFC 5798's virtual router MAC): keepalived 2.2.7 puts the
// instance on a macvlan of its interface carrying 00:00:5e:00:01:VRID
// (IPv6: 00:00:5e:00:02:VRID). The VIPs of its family on its interface
// go on the VMAC, and its adverts leave from it (from the base interface
// with vmac_xmit_base), so that clients and switches never need a
// gratuitous ARP to follow a failover. An address whose line says
// use_vmac, or any address on another interface or of the other family
// with use_vmac_addr, gets a VMAC of its own on its interface.
//
// The VMACs are made at start whatever the instance's state and stay up;
// the instance tracks them as its own interface (down from outside:
// FAULT); one deleted from outside is made again at once; a reload that
// drops use_vmac deletes it, and so does the stop. netif.VMACs does the
// kernel side (mode private, addrgenmode none, keepalived's sysctls).

// instVMACs are the VMACs of one instance.
type instVMACs struct {
	own      *netif.VMAC // use_vmac: the instance's interface
	xmitBase bool        // vmac_xmit_base: adverts leave from the base
	addrs    []netif.VMAC
	// otherFamily: the instance has excluded VIPs of the other family
	// (keepalived's EVIP_OTHER_FAMILY): its VMAC keeps IPv6 and its
	// multicast rules cover both families.
	otherFamily bool
	tracked     []string // the VMACs whose link state the instance follows

	mu    sync.Mutex     // guards index
	index map[string]int // interface index by name, once ensured
}

// allVIPs are the instance's addresses in the order of its owned set.
func allVIPs(pin *config.Instance) []config.VIP {
	return append(append([]config.VIP(nil), pin.VIPs...), pin.ExcludedVIPs()...)
}

// planVMACs names and describes pin's VMACs; nil when it has none. links
// are the host's interfaces now; held reports a name another instance's
// VMAC has. An unnamed VMAC takes PREFIX.VRID unless that name belongs
// to another instance or to an interface with another MAC (a VMAC left
// by a daemon that was killed has ours, and is reused as keepalived
// reuses it).
func planVMACs(pin *config.Instance, g *config.GlobalDefs, links []netif.LinkInfo, held func(string) bool) *instVMACs {
	vips := allVIPs(pin)
	needed := pin.VMAC != nil
	for _, v := range vips {
		needed = needed || v.UseVMAC
	}
	if !needed {
		return nil
	}
	vm := &instVMACs{index: map[string]int{}}
	for _, v := range pin.ExcludedVIPs() {
		vm.otherFamily = vm.otherFamily || v.Prefix.Addr().Is6() != (family(pin) == 6)
	}
	n := vmacNamer{vm: vm, links: links, held: held, vrid: uint8(pin.VRID)}
	if pin.VMAC != nil {
		vm.planOwn(pin, g, n)
	}
	vm.planAddrs(pin, g, n, vips)
	return vm
}

// vmacNamer names the VMACs of one instance.
type vmacNamer struct {
	vm    *instVMACs
	links []netif.LinkInfo
	held  func(string) bool
	vrid  uint8
}

// name is PREFIX.VRID or the next free variant (netif.VMACName): a name
// is taken by another instance's or this one's VMAC, or by an interface
// whose MAC is not mac.
func (n vmacNamer) name(prefix string, v6 bool, mac net.HardwareAddr) string {
	return netif.VMACName(prefix, n.vrid, v6, func(name string) bool {
		if n.held(name) || n.vm.named(name) {
			return true
		}
		li, ok := linkNamed(n.links, name)
		return ok && !bytes.Equal(li.MAC, mac)
	})
}

// planOwn describes the instance's own VMAC (use_vmac).
func (vm *instVMACs) planOwn(pin *config.Instance, g *config.GlobalDefs, n vmacNamer) {
	c, v6 := pin.VMAC, family(pin) == 6
	own := netif.VMAC{Name: c.Name, Base: pin.Interface, MAC: vmacMAC(c.MAC, n.vrid, v6), V6: v6, KeepIPv6: vm.otherFamily}
	if own.Name == "" {
		own.Name = n.name(g.VMACPrefix, v6, own.MAC)
	}
	if v6 && !c.XmitBase {
		own.LinkLocal = vmacLinkLocal(pin, n.links)
	}
	vm.own, vm.xmitBase = &own, c.XmitBase
	if !pin.DontTrackPrimary {
		vm.tracked = append(vm.tracked, own.Name)
	}
}

// planAddrs describes the VMACs of addresses that have one of their own,
// one per interface and family, with the instance's configured MAC.
func (vm *instVMACs) planAddrs(pin *config.Instance, g *config.GlobalDefs, n vmacNamer, vips []config.VIP) {
	configuredMAC := ""
	if pin.VMAC != nil {
		configuredMAC = pin.VMAC.MAC
	}
	prefix := cmp.Or(g.VMACAddrPrefix, g.VMACPrefix)
	for _, v := range vips {
		if !v.UseVMAC {
			continue
		}
		base, a6 := cmp.Or(v.Dev, pin.Interface), v.Prefix.Addr().Is6()
		name := vm.addrVMAC(base, a6)
		if name == "" {
			av := netif.VMAC{Base: base, MAC: vmacMAC(configuredMAC, n.vrid, a6), V6: a6}
			av.Name = n.name(prefix, a6, av.MAC)
			if a6 {
				av.LinkLocal = linkLocalOf(n.links, base)
			}
			vm.addrs = append(vm.addrs, av)
			name = av.Name
		}
		if !v.NoTrack && !vm.isTracked(name) {
			vm.tracked = append(vm.tracked, name)
		}
	}
}

// vmacMAC is the configured MAC, else RFC 5798's virtual router MAC.
func vmacMAC(configured string, vrid uint8, v6 bool) net.HardwareAddr {
	if m, err := net.ParseMAC(configured); err == nil {
		return m
	}
	return netif.VirtualMAC(vrid, v6)
}

// vmacLinkLocal is the address an IPv6 VMAC that sends the adverts gets,
// as keepalived 2.2.7 chooses it: the instance's configured source, else
// the base interface's link-local address, else the EUI-64 address of
// the base's MAC.
func vmacLinkLocal(pin *config.Instance, links []netif.LinkInfo) netip.Addr {
	for _, a := range []netip.Addr{pin.UnicastSrcIP(), pin.McastSrcIP()} {
		if a.Is6() {
			return a
		}
	}
	if a := linkLocalOf(links, pin.Interface); a.IsValid() {
		return a
	}
	if li, ok := linkNamed(links, pin.Interface); ok && len(li.MAC) == 6 {
		return eui64(li.MAC)
	}
	return netip.Addr{}
}

// eui64 is the link-local address the kernel derives from a MAC.
func eui64(mac net.HardwareAddr) netip.Addr {
	return netip.AddrFrom16([16]byte{0: 0xfe, 1: 0x80, 8: mac[0] ^ 2, 9: mac[1], 10: mac[2], 11: 0xff, 12: 0xfe,
		13: mac[3], 14: mac[4], 15: mac[5]})
}

func linkNamed(links []netif.LinkInfo, name string) (netif.LinkInfo, bool) {
	for _, li := range links {
		if li.Name == name {
			return li, true
		}
	}
	return netif.LinkInfo{}, false
}

// linkLocalOf is the first IPv6 link-local address of an interface.
func linkLocalOf(links []netif.LinkInfo, name string) netip.Addr {
	li, _ := linkNamed(links, name)
	for _, a := range li.Addrs {
		if a.Prefix.Addr().Is6() && a.Prefix.Addr().IsLinkLocalUnicast() {
			return a.Prefix.Addr()
		}
	}
	return netip.Addr{}
}

// primary4 is an interface's primary IPv4 address: an IPv4 VMAC has
// none, and keepalived sends its adverts from the base's.
func primary4(links []netif.LinkInfo, name string) netip.Addr {
	li, _ := linkNamed(links, name)
	for _, a := range li.Addrs {
		if a.Prefix.Addr().Is4() && !a.Secondary {
			return a.Prefix.Addr()
		}
	}
	return netip.Addr{}
}

// all are the VMACs, the instance's own first.
func (vm *instVMACs) all() []netif.VMAC {
	if vm == nil {
		return nil
	}
	var out []netif.VMAC
	if vm.own != nil {
		out = append(out, *vm.own)
	}
	return append(out, vm.addrs...)
}

// named reports whether one of the VMACs is called name.
func (vm *instVMACs) named(name string) bool {
	for _, v := range vm.all() {
		if v.Name == name {
			return true
		}
	}
	return false
}

// addrVMAC is the name of the address VMAC on base for a family, if any.
func (vm *instVMACs) addrVMAC(base string, v6 bool) string {
	for _, v := range vm.addrs {
		if v.Base == base && v.V6 == v6 {
			return v.Name
		}
	}
	return ""
}

func (vm *instVMACs) isTracked(name string) bool {
	for _, n := range vm.tracked {
		if n == name {
			return true
		}
	}
	return false
}

// rewrite puts set's addresses on their VMACs: those of the instance's
// family on its interface on its own VMAC, those with a VMAC of their own
// on it. set is what instanceNet made of pin.
func (vm *instVMACs) rewrite(pin *config.Instance, set ownedSet) ownedSet {
	if vm == nil {
		return set
	}
	addrs := append([]netif.Addr(nil), set.addrs...)
	for i, v := range allVIPs(pin) {
		if i >= len(addrs) {
			break
		}
		a6 := v.Prefix.Addr().Is6()
		switch {
		case vm.own != nil && (v.Dev == "" || v.Dev == pin.Interface) && a6 == vm.own.V6:
			addrs[i].Dev = vm.own.Name
		case v.UseVMAC:
			addrs[i].Dev = vm.addrVMAC(addrs[i].Dev, a6)
		}
	}
	set.addrs = addrs
	return set
}

// ifname is the instance's interface for its VIPs: its VMAC, or its
// configured interface.
func (vm *instVMACs) ifname(pin *config.Instance) string {
	if vm == nil || vm.own == nil {
		return pin.Interface
	}
	return vm.own.Name
}

// sockKey moves the socket to the VMAC unless vmac_xmit_base: its adverts
// then leave with the virtual MAC, from the base's IPv4 address or the
// VMAC's link-local one.
func (vm *instVMACs) sockKey(k sockKey, links []netif.LinkInfo, base string) sockKey {
	if vm == nil || vm.own == nil || vm.xmitBase {
		return k
	}
	k.ifname = vm.own.Name
	if !k.src.IsValid() {
		if vm.own.V6 {
			k.src = vm.own.LinkLocal
		} else {
			k.src = primary4(links, base)
		}
	}
	return k
}

func (vm *instVMACs) setIndex(name string, idx int) {
	vm.mu.Lock()
	vm.index[name] = idx
	vm.mu.Unlock()
}

func (vm *instVMACs) indexOf(name string) int {
	vm.mu.Lock()
	defer vm.mu.Unlock()
	return vm.index[name]
}

// vmacKey is what a reload compares of the VMACs: a change replaces the
// instance (keepalived 2.2.7 pairs no old instance with a new one whose
// use_vmac or use_vmac_addr changed, and deletes the old VMAC).
func vmacKey(pin *config.Instance) string {
	vm := planVMACs(pin, &config.GlobalDefs{}, nil, func(string) bool { return false })
	if vm == nil {
		return ""
	}
	return fmt.Sprint(vm.all(), vm.xmitBase, vm.otherFamily, vm.tracked)
}
