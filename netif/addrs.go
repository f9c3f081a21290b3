package netif

import (
	"errors"
	"fmt"
	"net"
	"net/netip"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// Addrs manages addresses and reads link state in one network namespace
// through rtnetlink. Its methods are safe for concurrent use.
type Addrs struct {
	h  *netlink.Handle
	ns netns.NsHandle // for subscriptions; None = the caller's namespace
	// own is the handle SetBufs opened for a sized command socket;
	// bufs the sizes it was given (the monitor's apply to Watch).
	own  *netlink.Handle
	bufs NetlinkBufs
}

// OpenAddrs returns an Addrs operating in namespace ns. netns.None()
// selects the process's own namespace: the requests of one call may run
// on other threads of the process (see onOwnStack), so all of them must
// be in that namespace, as the daemon's always are.
func OpenAddrs(ns netns.NsHandle) (*Addrs, error) {
	if !ns.IsOpen() {
		return &Addrs{h: &netlink.Handle{}, ns: ns}, nil
	}
	h, err := netlink.NewHandleAt(ns)
	if err != nil {
		return nil, fmt.Errorf("open netlink handle in %v: %w", ns, err)
	}
	return &Addrs{h: h, ns: ns}, nil
}

// Close releases the netlink sockets. It does not close ns.
func (a *Addrs) Close() { a.h.Close() }

// Ensure makes every address in want present, adding the missing ones
// with keepalived's defaults. Addresses already present are left as they
// are, so Ensure is idempotent. It tries every address and returns the
// joined errors of those that failed.
func (a *Addrs) Ensure(want []Addr) error {
	var errs []error
	for _, w := range want {
		if err := a.ensure(w); err != nil {
			errs = append(errs, fmt.Errorf("add vip %v: %w", w, err))
		}
	}
	return errors.Join(errs...)
}

func (a *Addrs) ensure(w Addr) error {
	link, err := a.linkByName(w.Dev)
	if err != nil {
		return err
	}
	na, err := w.toNetlink(link.Attrs().Index)
	if err != nil {
		return err
	}
	// No look-up first: the kernel answers EEXIST for an address that is
	// already there (same address and prefix length), and a dump of the
	// interface's addresses would sit on the path to the first
	// gratuitous ARP of a new master.
	if err := a.h.AddrAdd(link, na); err != nil && !errors.Is(err, unix.EEXIST) {
		return err
	}
	return nil
}

// Remove deletes the given addresses. Addresses (or devices) already gone
// are not errors, so Remove is idempotent.
func (a *Addrs) Remove(addrs []Addr) error {
	var errs []error
	for _, r := range addrs {
		if err := a.remove(r); err != nil {
			errs = append(errs, fmt.Errorf("delete vip %v: %w", r, err))
		}
	}
	return errors.Join(errs...)
}

func (a *Addrs) remove(r Addr) error {
	link, err := a.linkByName(r.Dev)
	if errors.Is(err, errNoLink) {
		return nil
	}
	if err != nil {
		return err
	}
	na, err := r.toNetlink(link.Attrs().Index)
	if err != nil {
		return err
	}
	// The kernel only deletes an address whose label equals a given one:
	// match on address and prefix alone, as Present does.
	na.Label = ""
	err = a.h.AddrDel(link, na)
	if errors.Is(err, unix.EADDRNOTAVAIL) || errors.Is(err, unix.ENOENT) {
		return nil
	}
	return err
}

// Present reports whether address p (same address and prefix length) is on
// its device.
func (a *Addrs) Present(p Addr) (bool, error) {
	if err := p.validate(); err != nil {
		return false, fmt.Errorf("check vip %v: %w", p, err)
	}
	link, err := a.h.LinkByName(p.Dev)
	if err != nil {
		return false, fmt.Errorf("check vip %v: %w", p, err)
	}
	ok, err := a.present(link, p)
	if err != nil {
		return false, fmt.Errorf("check vip %v: %w", p, err)
	}
	return ok, nil
}

func (a *Addrs) present(link netlink.Link, p Addr) (bool, error) {
	list, err := addrList(a.h, link, familyConst(p.Prefix.Addr()))
	if err != nil {
		return false, err
	}
	for _, k := range list {
		if p.matches(k) {
			return true, nil
		}
	}
	return false, nil
}

// dumpRetries bounds the retries of an interrupted address dump.
const dumpRetries = 10

// addrList lists link's addresses, dumping again when the kernel says the
// dump was interrupted by a concurrent change (NLM_F_DUMP_INTR): with many
// instances adding VIPs at once that is the normal case, and a partial
// list would make a present VIP look missing or, worse, a missing one
// look present.
func addrList(h *netlink.Handle, link netlink.Link, family int) ([]netlink.Addr, error) {
	var err error
	for range dumpRetries {
		var list []netlink.Addr
		list, err = h.AddrList(link, family)
		if !errors.Is(err, netlink.ErrDumpInterrupted) {
			return list, err
		}
	}
	return nil, err
}

func familyConst(ip netip.Addr) int {
	if ip.Is4() {
		return netlink.FAMILY_V4
	}
	return netlink.FAMILY_V6
}

// ErrNoAddress means an interface has no address to send from yet: no
// primary IPv4 address, or an IPv6 link-local address still in duplicate
// address detection.
var ErrNoAddress = errors.New("no usable address")

// Primary returns the address keepalived would send from on ifname: the
// first primary (non-secondary) IPv4 address for family 4, the first
// usable link-local address for family 6.
func (a *Addrs) Primary(ifname string, family int) (netip.Addr, error) {
	return primaryAddr(a.h, ifname, family)
}

func primaryAddr(h *netlink.Handle, ifname string, family int) (netip.Addr, error) {
	link, err := h.LinkByName(ifname)
	if err != nil {
		return netip.Addr{}, fmt.Errorf("find primary address of %s: %w", ifname, err)
	}
	fam := netlink.FAMILY_V4
	if family == 6 {
		fam = netlink.FAMILY_V6
	}
	list, err := addrList(h, link, fam)
	if err != nil {
		return netip.Addr{}, fmt.Errorf("find primary address of %s: %w", ifname, err)
	}
	if ip, ok := pickPrimary(list, family); ok {
		return ip, nil
	}
	return netip.Addr{}, fmt.Errorf("find primary address of %s: ipv%d: %w", ifname, family, ErrNoAddress)
}

// pickPrimary chooses the source address from a kernel address dump.
func pickPrimary(list []netlink.Addr, family int) (netip.Addr, bool) {
	for _, k := range list {
		ip, ok := netip.AddrFromSlice(k.IP)
		if !ok {
			continue
		}
		ip = ip.Unmap()
		switch {
		case family == 4 && ip.Is4() && k.Flags&unix.IFA_F_SECONDARY == 0:
			return ip, true
		case family == 6 && ip.Is6() && ip.IsLinkLocalUnicast() &&
			k.Flags&(unix.IFA_F_TENTATIVE|unix.IFA_F_DADFAILED) == 0:
			return ip, true
		}
	}
	return netip.Addr{}, false
}

// LinkState is what track_interface and the FAULT logic need of a link.
type LinkState struct {
	Index   int
	Up      bool // IFF_UP: administratively up
	Running bool // IFF_RUNNING: carrier and operational
	MAC     net.HardwareAddr
	MTU     int
}

// Link returns the state of ifname.
func (a *Addrs) Link(ifname string) (LinkState, error) {
	link, err := a.h.LinkByName(ifname)
	if err != nil {
		return LinkState{}, fmt.Errorf("read link %s: %w", ifname, err)
	}
	return linkState(link.Attrs()), nil
}

func linkState(at *netlink.LinkAttrs) LinkState {
	return LinkState{
		Index:   at.Index,
		Up:      at.RawFlags&unix.IFF_UP != 0,
		Running: at.RawFlags&unix.IFF_RUNNING != 0,
		MAC:     at.HardwareAddr,
		MTU:     at.MTU,
	}
}
