package nslab

import (
	"fmt"
	"net/netip"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
)

// HasAddr reports whether the host with the given role has a on any of
// its interfaces. It asks the kernel through a netlink socket opened in
// the host's namespace, so it is cheap enough to poll every few ms. It
// holds the lab's lock, so that Close never closes the socket under it.
func (l *Lab) HasAddr(role string, a netip.Addr) (bool, error) {
	host, err := l.Host(role)
	if err != nil {
		return false, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	h, err := l.handleLocked(host)
	if err != nil {
		return false, err
	}
	addrs, err := h.AddrList(nil, netlink.FAMILY_ALL)
	if err != nil {
		return false, fmt.Errorf("list addresses in %s: %w", role, err)
	}
	for _, x := range addrs {
		if got, ok := netip.AddrFromSlice(x.IP); ok && got.Unmap() == a {
			return true, nil
		}
	}
	return false, nil
}

// Handle returns the cached netlink handle of a host's namespace; the
// lab closes it, so its user stops using it before Close.
func (l *Lab) Handle(role string) (*netlink.Handle, error) {
	host, err := l.Host(role)
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.handleLocked(host)
}

func (l *Lab) handleLocked(host Host) (*netlink.Handle, error) {
	if l.closed {
		return nil, fmt.Errorf("netlink handle in %s: lab closed", host.Name)
	}
	if h, ok := l.handles[host.Role]; ok {
		return h, nil
	}
	ns, err := netns.GetFromName(host.Name)
	if err != nil {
		return nil, fmt.Errorf("open namespace %s: %w", host.Name, err)
	}
	defer ns.Close()
	h, err := netlink.NewHandleAt(ns)
	if err != nil {
		return nil, fmt.Errorf("netlink handle in %s: %w", host.Name, err)
	}
	if l.handles == nil {
		l.handles = map[string]*netlink.Handle{}
	}
	l.handles[host.Role] = h
	return h, nil
}
