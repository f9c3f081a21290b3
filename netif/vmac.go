package netif

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"sync"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// VirtualMAC returns the virtual router MAC of RFC 5798 7.3:
// 00:00:5e:00:01:VRID for IPv4, 00:00:5e:00:02:VRID for IPv6.
func VirtualMAC(vrid uint8, v6 bool) net.HardwareAddr {
	fam := byte(1)
	if v6 {
		fam = 2
	}
	return net.HardwareAddr{0, 0, 0x5e, 0, fam, vrid}
}

// VMACName returns the name keepalived 2.2.7 gives a VMAC that use_vmac
// does not name: PREFIX.VRID (vmac_prefix, "vrrp" by default). If taken
// reports that name in use, IPv6 tries PREFIX6.VRID and then, as IPv4
// does, PREFIX1.VRID, PREFIX2.VRID, ... (IPv6 skipping 6). Names are cut
// to the kernel's 15 characters by shortening the prefix.
func VMACName(prefix string, vrid uint8, v6 bool, taken func(string) bool) string {
	if prefix == "" {
		prefix = "vrrp"
	}
	name := func(num int) string {
		suffix := "." + strconv.Itoa(int(vrid))
		if num > 0 {
			suffix = strconv.Itoa(num) + suffix
		}
		p := prefix
		if len(p)+len(suffix) > unix.IFNAMSIZ-1 {
			p = p[:max(0, unix.IFNAMSIZ-1-len(suffix))]
		}
		return p + suffix
	}
	num := 0
	for n := name(num); ; n = name(num) {
		if taken == nil || !taken(n) {
			return n
		}
		switch {
		case v6 && num == 0:
			num = 6
		case v6 && num == 6:
			num = 1
		default:
			num++
			if v6 && num == 6 {
				num++
			}
		}
	}
}

// VMAC is one macvlan interface keepalived would create for use_vmac (on
// the instance's interface), the use_vmac option of a VIP line, or
// use_vmac_addr (on the VIP's interface).
type VMAC struct {
	Name string           // the interface, e.g. "vrrp.51"
	Base string           // the interface it sits on
	MAC  net.HardwareAddr // VirtualMAC(vrid, v6) unless use_vmac gives one
	// V6 is the family of the instance (or of the VIP it carries). An
	// IPv4 VMAC gets keepalived's IPv4 sysctls and, unless KeepIPv6,
	// IPv6 turned off; an IPv6 one keeps IPv6 and none of those.
	V6       bool
	KeepIPv6 bool
	// LinkLocal, when valid, is put on an IPv6 VMAC as fe80::/64 with
	// nodad and preferred_lft 0, as keepalived does for an instance that
	// sends its adverts from the VMAC (no vmac_xmit_base): the instance's
	// IPv6 unicast_src_ip if set, else the base's link-local address, else
	// the EUI-64 address of the base's MAC.
	LinkLocal netip.Addr
}

// VMACs creates, keeps and deletes VMAC interfaces, with the sysctls
// keepalived sets for them. It uses netlink and /proc/sys in the network
// namespace of the thread that calls it (the daemon's own).
//
// keepalived 2.2.7, observed in a namespace: the VMAC is a macvlan in
// private mode on the base interface, with addrgenmode none, set up at
// start whatever the instance's state, and left up; its carrier follows
// the base's. The VIPs go on it and it is the instance's interface:
// adverts leave from it with the virtual MAC (source address the base's,
// since the VMAC has no IPv4 address of its own) unless vmac_xmit_base,
// and gratuitous ARPs/NAs always carry the virtual MAC. Set down from
// outside, the instance goes to FAULT until it is up again; deleted from
// outside, keepalived creates it again at once. It is deleted at stop and
// when a reload drops use_vmac; after a SIGKILL it stays and a matching
// one (same base, MAC and mode) is reused at the next start.
type VMACs struct {
	mu      sync.Mutex // guards the fields below
	h       *netlink.Handle
	sysctls *vmacSysctls
	ours    map[string]VMAC
	closed  bool
}

// OpenVMACs returns a VMACs bound to the calling thread's namespace.
func OpenVMACs() (*VMACs, error) {
	h, err := netlink.NewHandle(unix.NETLINK_ROUTE)
	if err != nil {
		return nil, fmt.Errorf("open vmacs: %w", err)
	}
	return &VMACs{h: h, sysctls: newVMACSysctls("/proc/sys"), ours: map[string]VMAC{}}, nil
}

var errVMACsClosed = errors.New("vmacs closed")

// Ensure creates v (or reuses a matching macvlan of that name, fixing its
// MAC or mode), configures it and brings it up, and returns its ifindex.
// It is idempotent: the engine calls it at start, after a reload, and
// when the VMAC was deleted from outside. A non-macvlan interface of that
// name is an error, as in keepalived.
func (m *VMACs) Ensure(v VMAC) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return 0, fmt.Errorf("ensure vmac %s: %w", v.Name, errVMACsClosed)
	}
	link, err := m.linkLocked(v)
	if err != nil {
		return 0, fmt.Errorf("ensure vmac %s on %s: %w", v.Name, v.Base, err)
	}
	if err := m.configureLocked(v, link); err != nil {
		return 0, fmt.Errorf("ensure vmac %s on %s: %w", v.Name, v.Base, err)
	}
	return link.Attrs().Index, nil
}

// linkLocked returns the macvlan of v, created or repaired.
func (m *VMACs) linkLocked(v VMAC) (netlink.Link, error) {
	base, err := m.h.LinkByName(v.Base)
	if err != nil {
		return nil, fmt.Errorf("base interface: %w", err)
	}
	if l, err := m.h.LinkByName(v.Name); err == nil {
		mv, ok := l.(*netlink.Macvlan)
		switch {
		case !ok:
			return nil, fmt.Errorf("conflicts with an existing %s interface", l.Type())
		case mv.ParentIndex == base.Attrs().Index && mv.Mode == netlink.MACVLAN_MODE_PRIVATE:
			if slices.Equal(mv.HardwareAddr, v.MAC) {
				return l, nil
			}
			if err := m.h.LinkSetHardwareAddr(l, v.MAC); err != nil {
				return nil, fmt.Errorf("set mac %s: %w", v.MAC, err)
			}
			return m.h.LinkByName(v.Name)
		default: // another base or mode: keepalived deletes it
			if err := m.h.LinkDel(l); err != nil {
				return nil, fmt.Errorf("delete conflicting macvlan: %w", err)
			}
		}
	}
	mv := &netlink.Macvlan{
		LinkAttrs: netlink.LinkAttrs{Name: v.Name, ParentIndex: base.Attrs().Index, HardwareAddr: v.MAC},
		Mode:      netlink.MACVLAN_MODE_PRIVATE,
	}
	if err := m.h.LinkAdd(mv); err != nil {
		return nil, fmt.Errorf("create macvlan: %w", err)
	}
	return m.h.LinkByName(v.Name)
}

// configureLocked applies v's sysctls, brings it up and adds its
// link-local address. The sysctls come first: addr_gen_mode must be none
// before the link goes up, or the kernel adds an EUI-64 address of the
// virtual MAC.
func (m *VMACs) configureLocked(v VMAC, link netlink.Link) error {
	_, known := m.ours[v.Name]
	if !v.V6 {
		// rp_filter first: clearing all.rp_filter raises every
		// interface's value, the new VMAC's included, before the VMAC
		// gets its own 0.
		if err := m.sysctls.clearRPFilter(); err != nil {
			return err
		}
		if err := m.sysctls.vmac(v.Name); err != nil {
			return err
		}
		if !known {
			if err := m.sysctls.acquireBase(v.Base); err != nil {
				return err
			}
		}
	}
	m.ours[v.Name] = v
	if err := m.sysctls.ipv6(v.Name, v.V6 || v.KeepIPv6); err != nil {
		return err
	}
	if err := m.h.LinkSetUp(link); err != nil {
		return fmt.Errorf("set up: %w", err)
	}
	if !v.V6 || !v.LinkLocal.IsValid() {
		return nil
	}
	a := &netlink.Addr{
		IPNet:       &net.IPNet{IP: v.LinkLocal.AsSlice(), Mask: net.CIDRMask(64, 128)},
		Flags:       unix.IFA_F_NODAD,
		ValidLft:    math.MaxUint32,
		PreferedLft: 0,
	}
	if err := m.h.AddrReplace(link, a); err != nil {
		return fmt.Errorf("add link-local %v: %w", v.LinkLocal, err)
	}
	return nil
}

// Remove deletes the VMAC name if this VMACs made it (a reload dropped
// use_vmac) and puts its base's ARP settings back once the base has no
// VMAC left. An interface already gone is not an error.
func (m *VMACs) Remove(name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.removeLocked(name)
}

func (m *VMACs) removeLocked(name string) error {
	v, ok := m.ours[name]
	if !ok {
		return nil
	}
	delete(m.ours, name)
	var errs []error
	if l, err := m.h.LinkByName(name); err == nil {
		if err := m.h.LinkDel(l); err != nil {
			errs = append(errs, fmt.Errorf("delete vmac %s: %w", name, err))
		}
	}
	if !v.V6 {
		errs = append(errs, m.sysctls.releaseBase(v.Base))
	}
	return errors.Join(errs...)
}

// Close deletes every VMAC it made, restores the sysctls it changed and
// closes the netlink handle. It is idempotent.
func (m *VMACs) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil
	}
	m.closed = true
	var errs []error
	for _, name := range slices.Sorted(maps.Keys(m.ours)) {
		errs = append(errs, m.removeLocked(name))
	}
	errs = append(errs, m.sysctls.restoreRPFilter())
	m.h.Close()
	return errors.Join(errs...)
}
