package netif

import (
	"errors"
	"fmt"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// errNoLink is a request for an interface that does not exist.
var errNoLink = errors.New("link not found")

// linkByName resolves ifname for an address request, which needs the
// interface's index and name only. In the calling thread's namespace (the
// daemon's) an ioctl gives the index: a netlink link request parses every
// attribute of the link, 11 KiB of garbage per VIP when 1000 instances
// became master together. A handle of another namespace asks netlink.
func (a *Addrs) linkByName(ifname string) (netlink.Link, error) {
	if a.ns.IsOpen() {
		l, err := a.h.LinkByName(ifname)
		if errors.As(err, new(netlink.LinkNotFoundError)) {
			return nil, fmt.Errorf("%s: %w", ifname, errNoLink)
		}
		return l, err
	}
	idx, err := ifIndex(ifname)
	if err != nil {
		return nil, err
	}
	return &netlink.Device{LinkAttrs: netlink.LinkAttrs{Name: ifname, Index: idx}}, nil
}

// ifIndex is ifname's index in the calling thread's namespace.
func ifIndex(ifname string) (int, error) {
	ifr, err := ifreqIoctl(ifname, unix.SIOCGIFINDEX)
	if err != nil {
		if errors.Is(err, unix.ENODEV) || errors.Is(err, unix.EINVAL) {
			return 0, fmt.Errorf("%s: %w", ifname, errNoLink)
		}
		return 0, fmt.Errorf("interface index of %s: %w", ifname, err)
	}
	return int(ifr.Uint32()), nil
}

// ifreqIoctl makes the interface request req about ifname on a socket
// of the calling thread's namespace and returns the kernel's answer;
// EINVAL for a name longer than an interface name can be.
func ifreqIoctl(ifname string, req uint) (*unix.Ifreq, error) {
	ifr, err := unix.NewIfreq(ifname)
	if err != nil {
		return nil, unix.EINVAL
	}
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	defer unix.Close(fd)
	if err := unix.IoctlIfreq(fd, req, ifr); err != nil {
		return nil, err
	}
	return ifr, nil
}
