package netif

import (
	"net/netip"
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The socket calls below are raw system calls: the socket is
// non-blocking, so none of them waits, and a raw call spares the runtime's
// bookkeeping of a blocking one. That bookkeeping is what cost most per
// advert: entering a system call wakes the runtime's monitor thread
// whenever it sleeps (all threads idle between two bursts of adverts),
// which then polls every 20 us until the process is idle again: with 1000
// instances a few hundred wake-ups a second for nothing.

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
	wait   bool // on EAGAIN, wait in the netpoller (else errWouldBlock)
	recvFn func(fd uintptr) bool
}

func (r *reader) init() { r.recvFn = r.recv }

// setBuf points the message at buf and resets the lengths.
func (r *reader) setBuf(buf []byte, wait bool) {
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
	r.n, r.err, r.wait = 0, nil, wait
}

// recv is one recvmsg attempt; false asks the netpoller to wait.
func (r *reader) recv(fd uintptr) bool {
	for {
		n, _, errno := unix.RawSyscall(unix.SYS_RECVMSG, fd, uintptr(unsafe.Pointer(&r.msg)), 0)
		switch errno {
		case 0:
			r.n = int(n)
			return true
		case unix.EINTR:
			continue
		case unix.EAGAIN:
			if r.wait {
				return false
			}
			r.err = errWouldBlock
			return true
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
// buffer, the destination address, the IPv6 source control message and
// the message header, and the function the netpoller calls.
type writer struct {
	mu     sync.Mutex // one write at a time; guards the fields below
	pkt    []byte     // the IPv4 packet being built
	to4    unix.RawSockaddrInet4
	to6    unix.RawSockaddrInet6
	oob6   []byte // IPV6_PKTINFO: source address and interface
	msg    unix.Msghdr
	iov    unix.Iovec
	err    error
	sendFn func(fd uintptr) bool
}

func (w *writer) init(family int, src netip.Addr, ifindex int) {
	w.sendFn = w.send
	w.to4.Family = unix.AF_INET
	w.to6.Family = unix.AF_INET6
	w.msg.Iov, w.msg.Iovlen = &w.iov, 1
	if family == 4 {
		w.msg.Name, w.msg.Namelen = (*byte)(unsafe.Pointer(&w.to4)), unix.SizeofSockaddrInet4
		return
	}
	w.to6.Scope_id = uint32(ifindex)
	w.oob6 = pktinfo6(src, ifindex)
	w.msg.Name, w.msg.Namelen = (*byte)(unsafe.Pointer(&w.to6)), unix.SizeofSockaddrInet6
	w.msg.Control = &w.oob6[0]
	w.msg.SetControllen(len(w.oob6))
}

// setPayload points the message at b (the IPv4 packet or the IPv6
// payload) until the send is done.
func (w *writer) setPayload(b []byte) {
	w.iov.Base = nil
	if len(b) > 0 {
		w.iov.Base = &b[0]
	}
	w.iov.SetLen(len(b))
	w.err = nil
}

// send is one sendmsg attempt. It never asks the netpoller to wait: a
// full send buffer (a queue that does not drain: a stopped NIC, a
// shaping qdisc) returns EAGAIN, and the advert is lost, as keepalived
// 2.2.7's non-blocking socket loses it ("send advert error 11").
// Waiting would hold the socket's write lock and the engine's timer
// goroutine, which sends every instance's adverts, until that one
// interface drained: every other interface's masters would fall silent.
func (w *writer) send(fd uintptr) bool {
	for {
		_, _, errno := unix.RawSyscall(unix.SYS_SENDMSG, fd, uintptr(unsafe.Pointer(&w.msg)), 0)
		switch errno {
		case 0:
			w.err = nil
			return true
		case unix.EINTR:
			continue
		}
		w.err = errno
		return true
	}
}
