package netif

import (
	"fmt"
	"net/netip"
	"os"
	"syscall"

	"github.com/vishvananda/netlink/nl"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// routeSub is one rtnetlink socket subscribed to link and address
// changes, read through the netpoller into a buffer on the heap.
//
// The library's own subscriptions (netlink.LinkSubscribe, AddrSubscribe)
// run a goroutine each that receives into a 64 KiB array on its stack:
// two 128 KiB stacks for the daemon's whole life, a quarter of its
// goroutine stacks at 1000 instances, where every KiB is measured against
// keepalived. One socket for both, and a buffer that lives as long as it.
type routeSub struct {
	f   *os.File
	rc  syscall.RawConn
	buf []byte
}

// routeSubBuf holds one read: the kernel sends an event per message and
// never more than a page or two in one datagram, so 32 KiB is ample; a
// larger datagram is truncated and reported, not misread.
const routeSubBuf = 32 << 10

// subscribeRoute opens the socket in ns (None: the caller's namespace)
// with the monitor's receive buffer.
func subscribeRoute(ns netns.NsHandle, bufs NetlinkBufs) (*routeSub, error) {
	groups := []uint{unix.RTNLGRP_LINK, unix.RTNLGRP_IPV4_IFADDR, unix.RTNLGRP_IPV6_IFADDR}
	var s *nl.NetlinkSocket
	var err error
	if ns.IsOpen() {
		s, err = nl.SubscribeAt(ns, netns.None(), unix.NETLINK_ROUTE, groups...)
	} else {
		s, err = nl.Subscribe(unix.NETLINK_ROUTE, groups...)
	}
	if err != nil {
		return nil, err
	}
	// The library's socket is read only through its Receive; a duplicate
	// of its descriptor (non-blocking like it) is ours to poll.
	fd, err := unix.FcntlInt(uintptr(s.GetFd()), unix.F_DUPFD_CLOEXEC, 0)
	s.Close()
	if err != nil {
		return nil, fmt.Errorf("duplicate the netlink socket: %w", err)
	}
	if bufs.Monitor != 0 {
		opt := unix.SO_RCVBUF
		if bufs.MonitorForce {
			opt = unix.SO_RCVBUFFORCE
		}
		if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, opt, bufs.Monitor); err != nil {
			unix.Close(fd)
			return nil, fmt.Errorf("set the monitor's receive buffer to %d: %w", bufs.Monitor, err)
		}
	}
	f := os.NewFile(uintptr(fd), "rtnetlink-monitor")
	rc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return nil, err
	}
	return &routeSub{f: f, rc: rc, buf: make([]byte, routeSubBuf)}, nil
}

// close unblocks a pending read, which then returns os.ErrClosed.
func (s *routeSub) close() { s.f.Close() }

// read waits for the next datagram from the kernel and returns its
// messages. Datagrams from other senders are skipped: only the kernel
// speaks for its groups (the library checks the same).
func (s *routeSub) read() ([]syscall.NetlinkMessage, error) {
	for {
		var n int
		var from unix.Sockaddr
		var rerr error
		err := s.rc.Read(func(fd uintptr) bool {
			// MSG_TRUNC: n is the datagram's whole length, more than
			// the buffer when it was cut.
			n, _, _, from, rerr = unix.Recvmsg(int(fd), s.buf, nil, unix.MSG_TRUNC)
			return rerr != unix.EAGAIN
		})
		if err != nil {
			return nil, err
		}
		if rerr != nil {
			return nil, rerr
		}
		if sa, ok := from.(*unix.SockaddrNetlink); !ok || sa.Pid != 0 {
			continue
		}
		if n > len(s.buf) {
			return nil, fmt.Errorf("netlink datagram of %d bytes exceeds the %d-byte buffer", n, len(s.buf))
		}
		return syscall.ParseNetlinkMessage(s.buf[:n])
	}
}

// linkMsg and addrMsg are the fields of RTM_NEWLINK/DELLINK and
// RTM_NEWADDR/DELADDR that the watcher reports.
type linkMsg struct {
	index int
	name  string
	flags uint32
}

type addrMsg struct {
	index int
	addr  netip.Prefix
}

// parseLinkMsg reads an ifinfomsg and its IFLA_IFNAME.
func parseLinkMsg(b []byte) (linkMsg, error) {
	if len(b) < unix.SizeofIfInfomsg {
		return linkMsg{}, fmt.Errorf("link message of %d bytes, want at least %d", len(b), unix.SizeofIfInfomsg)
	}
	info := nl.DeserializeIfInfomsg(b)
	m := linkMsg{index: int(info.Index), flags: info.Flags}
	err := routeAttrs(b[unix.SizeofIfInfomsg:], func(typ uint16, v []byte) {
		if typ == unix.IFLA_IFNAME {
			m.name = cString(v)
		}
	})
	if err != nil {
		return linkMsg{}, fmt.Errorf("link message: %w", err)
	}
	return m, nil
}

// parseAddrMsg reads an ifaddrmsg and its address as the library does:
// IFA_LOCAL where an IPv4 point-to-point address has a different peer
// in IFA_ADDRESS, IFA_ADDRESS otherwise.
func parseAddrMsg(b []byte) (addrMsg, error) {
	if len(b) < unix.SizeofIfAddrmsg {
		return addrMsg{}, fmt.Errorf("address message of %d bytes, want at least %d", len(b), unix.SizeofIfAddrmsg)
	}
	info := nl.DeserializeIfAddrmsg(b)
	var local, dst netip.Addr
	err := routeAttrs(b[unix.SizeofIfAddrmsg:], func(typ uint16, v []byte) {
		ip, ok := netip.AddrFromSlice(v)
		switch {
		case !ok:
		case typ == unix.IFA_LOCAL:
			local = ip
		case typ == unix.IFA_ADDRESS:
			dst = ip
		}
	})
	if err != nil {
		return addrMsg{}, fmt.Errorf("address message: %w", err)
	}
	ip := dst
	if local.IsValid() {
		ip = local
	}
	m := addrMsg{index: int(info.Index)}
	if ip.IsValid() {
		bits := int(info.Prefixlen)
		if bits > ip.BitLen() {
			return addrMsg{}, fmt.Errorf("address %v with prefix length %d", ip, bits)
		}
		m.addr = netip.PrefixFrom(ip, bits)
	}
	return m, nil
}

// routeAttrs calls f with each attribute of b. The library's parser
// (nl.ParseRouteAttr) panics on an attribute shorter than its header.
func routeAttrs(b []byte, f func(typ uint16, v []byte)) error {
	for len(b) > 0 {
		if len(b) < unix.SizeofRtAttr {
			return fmt.Errorf("attribute header cut at %d bytes", len(b))
		}
		n := int(nl.NativeEndian().Uint16(b))
		if n < unix.SizeofRtAttr || n > len(b) {
			return fmt.Errorf("attribute of length %d in %d bytes", n, len(b))
		}
		f(nl.NativeEndian().Uint16(b[2:])&nlaTypeMask, b[unix.SizeofRtAttr:n])
		b = b[min(rtaAlign(n), len(b)):]
	}
	return nil
}

// nlaTypeMask leaves out the nested and byte-order flags of a type.
const nlaTypeMask = 0x3fff

func rtaAlign(n int) int { return (n + unix.RTA_ALIGNTO - 1) &^ (unix.RTA_ALIGNTO - 1) }

// cString is b up to its first NUL.
func cString(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}
