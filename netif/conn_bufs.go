package netif

import (
	"net/netip"
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"
)

// reader holds what ReadPacket needs for recvmsg, made once per Conn, so
// that a packet read allocates nothing: the message header, the source
// address and control buffers, and the function the netpoller calls.
// unix.Recvmsg would allocate the source address, the control message
// list and the closure's variables for every packet.
type reader struct {
	mu     sync.Mutex // one ReadPacket at a time; guards the fields below
	msg    unix.Msghdr
	iov    unix.Iovec
	name   unix.RawSockaddrInet6 // large enough for either family
	oob    [128]byte
	n      int
	err    error
	recvFn func(fd uintptr) bool
}

func (r *reader) init() { r.recvFn = r.recv }

// setBuf points the message at buf and resets the lengths.
func (r *reader) setBuf(buf []byte) {
	r.iov.Base = nil
	if len(buf) > 0 {
		r.iov.Base = &buf[0]
	}
	r.iov.SetLen(len(buf))
	r.msg.Iov, r.msg.Iovlen = &r.iov, 1
	r.msg.Name, r.msg.Namelen = (*byte)(unsafe.Pointer(&r.name)), unix.SizeofSockaddrInet6
	r.msg.Control = &r.oob[0]
	r.msg.SetControllen(len(r.oob))
	r.msg.Flags = 0
	r.n, r.err = 0, nil
}

// recv is one recvmsg attempt; false asks the netpoller to wait.
func (r *reader) recv(fd uintptr) bool {
	for {
		n, _, errno := unix.Syscall(unix.SYS_RECVMSG, fd, uintptr(unsafe.Pointer(&r.msg)), 0)
		switch errno {
		case 0:
			r.n = int(n)
			return true
		case unix.EINTR:
			continue
		case unix.EAGAIN:
			return false
		}
		r.err = errno
		return true
	}
}

// from6 is the IPv6 source of the last packet (invalid for another
// family).
func (r *reader) from6() netip.Addr {
	if r.name.Family != unix.AF_INET6 {
		return netip.Addr{}
	}
	return netip.AddrFrom16(r.name.Addr)
}

// writer holds what the writes need, made once per Conn: the IPv4 packet
// buffer, the destination addresses and the IPv6 source control message,
// and the function the netpoller calls.
type writer struct {
	mu      sync.Mutex // one write at a time; guards the fields below
	pkt     []byte     // the IPv4 packet being built
	to4     unix.SockaddrInet4
	to6     unix.SockaddrInet6
	oob6    []byte // IPV6_PKTINFO: source address and interface
	payload []byte
	to      unix.Sockaddr
	err     error
	sendFn  func(fd uintptr) bool
}

func (w *writer) init(family int, src netip.Addr, ifindex int) {
	w.sendFn = w.send
	if family == 6 {
		w.to6.ZoneId = uint32(ifindex)
		w.oob6 = pktinfo6(src, ifindex)
	}
}

// send is one send attempt; false asks the netpoller to wait.
func (w *writer) send(fd uintptr) bool {
	if w.to == unix.Sockaddr(&w.to4) {
		w.err = unix.Sendto(int(fd), w.payload, 0, w.to)
	} else {
		_, w.err = unix.SendmsgN(int(fd), w.payload, w.oob6, w.to, 0)
	}
	return w.err != unix.EAGAIN
}
