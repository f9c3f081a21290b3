package netif

import (
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Watch delivers the packets c receives to deliver, on one goroutine that
// every watched Conn of the process shares, until stop is called. A
// packet's Payload and Header alias that goroutine's buffer and are valid
// until deliver returns; read errors other than a closed socket (a packet
// longer than the buffer, a malformed header) are delivered with a zero
// Packet. deliver must not block, and stop must not be called from it.
// After stop returns deliver runs no more for c; stop is idempotent.
//
// One goroutine instead of one per socket is what keepalived's single
// epoll loop does: with 1000 instances on four interfaces, a burst of
// adverts readied four reader goroutines at once, and the runtime woke a
// second thread to run them, twice the thread wake-ups of one reader.
func (c *Conn) Watch(deliver func(Packet, error)) (stop func(), err error) {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.p == nil {
		if shared.p, err = newPoller(); err != nil {
			return nil, err
		}
	}
	w, err := shared.p.add(c, deliver)
	if err != nil {
		if shared.n == 0 {
			shared.p.close()
			shared.p = nil
		}
		return nil, err
	}
	shared.n++
	var once sync.Once
	return func() { once.Do(func() { unwatch(w) }) }, nil
}

// shared is the process's poller, made by the first Watch and closed when
// the last watch stops (no goroutine outlives its sockets).
var shared struct {
	mu sync.Mutex // guards p and n
	p  *poller
	n  int // watches
}

func unwatch(w *watch) {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	p := shared.p
	p.remove(w)
	if shared.n--; shared.n == 0 {
		p.close()
		shared.p = nil
	}
}

// readBudget bounds the packets read from one socket before the others
// get their turn: a flood on one interface must not starve the rest.
const readBudget = 64

// pollBufSize holds the largest VRRP packet with room to spare (see the
// engine's reader): an IPv6 advert of 255 addresses is 4088 bytes.
const pollBufSize = 8192

// poller waits on an epoll set of its own, itself registered with the Go
// runtime's poller, and reads whichever sockets are ready.
type poller struct {
	epfd   int
	f      *os.File // epfd, registered with the runtime's poller
	rc     syscall.RawConn
	closed atomic.Bool
	done   chan struct{}

	mu      sync.Mutex // guards watches, nextID and busy
	idle    *sync.Cond // broadcast when busy changes
	watches map[int32]*watch
	nextID  int32
	busy    *watch // being read or delivered to by run

	// run's own.
	events [16]unix.EpollEvent
	n      int // events from the last epoll_wait
	buf    []byte
}

type watch struct {
	id      int32
	c       *Conn
	deliver func(Packet, error)
}

func newPoller() (*poller, error) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("epoll_create1: %w", err)
	}
	if err := unix.SetNonblock(epfd, true); err != nil {
		unix.Close(epfd)
		return nil, fmt.Errorf("epoll set non-blocking: %w", err)
	}
	f := os.NewFile(uintptr(epfd), "vrrp-poller")
	rc, err := pollable(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("vrrp poller: %w", err)
	}
	p := &poller{epfd: epfd, f: f, rc: rc, done: make(chan struct{}), watches: map[int32]*watch{},
		buf: make([]byte, pollBufSize)}
	p.idle = sync.NewCond(&p.mu)
	go p.run()
	return p, nil
}

// add registers c's socket, level-triggered: what a round leaves unread
// is reported again.
func (p *poller) add(c *Conn, deliver func(Packet, error)) (*watch, error) {
	p.mu.Lock()
	p.nextID++
	w := &watch{id: p.nextID, c: c, deliver: deliver}
	p.watches[w.id] = w
	p.mu.Unlock()
	ev := unix.EpollEvent{Events: unix.EPOLLIN, Fd: w.id}
	var err error
	cerr := c.rc.Control(func(fd uintptr) { err = unix.EpollCtl(p.epfd, unix.EPOLL_CTL_ADD, int(fd), &ev) })
	if err == nil {
		err = c.closedErr(cerr)
	}
	if err != nil {
		p.remove(w)
		return nil, fmt.Errorf("watch vrrp socket on %s: %w", c.cfg.Ifname, err)
	}
	return w, nil
}

// remove forgets w and waits until run is done with it. The socket
// leaves the epoll set while its descriptor is held (it cannot be closed
// and its number reused meanwhile); a socket already closed left it then.
func (p *poller) remove(w *watch) {
	p.mu.Lock()
	delete(p.watches, w.id)
	for p.busy == w {
		p.idle.Wait()
	}
	p.mu.Unlock()
	_ = w.c.rc.Control(func(fd uintptr) { _ = unix.EpollCtl(p.epfd, unix.EPOLL_CTL_DEL, int(fd), nil) })
}

// close stops run and waits for it.
func (p *poller) close() {
	p.closed.Store(true)
	p.f.Close()
	<-p.done
}

func (p *poller) run() {
	defer close(p.done)
	wait := func(fd uintptr) bool {
		// A raw call: with timeout 0 it never blocks (see conn_bufs.go).
		n, _, errno := unix.RawSyscall6(unix.SYS_EPOLL_PWAIT, fd, uintptr(unsafe.Pointer(&p.events[0])),
			uintptr(len(p.events)), 0, 0, 0)
		p.n = int(n)
		return errno == 0 && n > 0
	}
	for {
		if err := p.rc.Read(wait); err != nil {
			// Closed: the descriptor is pollable (newPoller checked), so
			// nothing else ends a wait.
			return
		}
		for i := range p.n {
			p.serve(p.events[i].Fd)
		}
	}
}

// serve reads what the socket of watch id has queued, up to readBudget
// packets, and delivers it.
func (p *poller) serve(id int32) {
	p.mu.Lock()
	w := p.watches[id]
	p.busy = w
	p.mu.Unlock()
	if w == nil {
		return // removed since epoll_wait reported it
	}
	for range readBudget {
		pkt, err := w.c.readPacket(p.buf, false)
		if err == errWouldBlock || errors.Is(err, net.ErrClosed) {
			break
		}
		w.deliver(pkt, err)
	}
	p.mu.Lock()
	p.busy = nil
	p.idle.Broadcast()
	p.mu.Unlock()
}

// pollable returns f's RawConn if the runtime's poller waits for it: a
// RawConn.Read whose function asks to wait fails at once, again and
// again, on a descriptor the poller does not have.
func pollable(f *os.File) (syscall.RawConn, error) {
	if err := f.SetReadDeadline(time.Time{}); err != nil {
		return nil, fmt.Errorf("%s not pollable: %w", f.Name(), err)
	}
	return f.SyscallConn()
}
