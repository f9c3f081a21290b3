package netiftest

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sync"
	"time"

	"github.com/goalived/goalived/engine"
	"github.com/goalived/goalived/netif"
	"github.com/goalived/goalived/vrrp"
	"github.com/goalived/goalived/vrrp/vrrptest"
)

// sockets is the host as engine.Sockets.
type sockets struct{ h *Host }

// recvQueue is how many packets a socket holds unread before it drops,
// as a full receive buffer does.
const recvQueue = 256

// conn is one VRRP socket: a port on its interface's segment.
type conn struct {
	h      *Host
	link   *link
	cfg    netif.Config
	src    netip.Addr
	group  netip.Addr
	port   *vrrptest.Port
	rcvBuf int // guarded by h.mu

	mu     sync.Mutex // guards closed and the send on queue
	closed bool
	queue  chan netif.Packet
	done   chan struct{}
}

// Open opens a socket on the interface as it is now; the wait for an
// address is not simulated (a test adds the address before or after).
func (x sockets) Open(cfg netif.Config, _ time.Duration) (engine.Conn, error) {
	h := x.h
	if cfg.Proto == netif.ProtoAH {
		return nil, fmt.Errorf("open vrrp socket on %s: auth_type AH is not simulated", cfg.Ifname)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	l := h.linkLocked(cfg.Ifname)
	if l == nil {
		return nil, fmt.Errorf("open vrrp socket on %s: no such network interface", cfg.Ifname)
	}
	family := cfg.Family
	if family == 0 {
		family = 4
	}
	src := cfg.UnicastSrc
	if !src.IsValid() {
		var ok bool
		if src, ok = l.primaryLocked(family); !ok {
			return nil, fmt.Errorf("open vrrp socket on %s: %w", cfg.Ifname, netif.ErrNoAddress)
		}
	}
	c := &conn{h: h, link: l, cfg: cfg, src: src, group: cfg.Group, queue: make(chan netif.Packet, recvQueue),
		done: make(chan struct{})}
	if !c.group.IsValid() {
		c.group = netif.GroupV4
		if family == 6 {
			c.group = netif.GroupV6
		}
	}
	if l.seg != nil {
		c.port = l.seg.Attach(src, c.deliver)
		c.port.SetLink(l.up && l.running)
	}
	h.conns[c] = true
	return c, nil
}

// deliver takes a packet from the segment: what the kernel would hand
// this socket (its family, its group or, in unicast mode, its address).
func (c *conn) deliver(p vrrp.Packet) {
	if p.Src.Is6() != c.src.Is6() {
		return
	}
	if c.cfg.Unicast && p.Dst != c.src || !c.cfg.Unicast && p.Dst != c.group {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return
	}
	select {
	case c.queue <- netif.Packet{Src: p.Src, Dst: p.Dst, TTL: uint8(p.TTL), IfIndex: c.link.index, Payload: p.Payload}:
	default: // a full receive buffer drops
	}
}

func (c *conn) ReadPacket(buf []byte) (netif.Packet, error) {
	select {
	case p := <-c.queue:
		n := copy(buf, p.Payload)
		p.Payload = buf[:n]
		return p, nil
	case <-c.done:
		return netif.Packet{}, fmt.Errorf("read vrrp socket on %s: %w", c.cfg.Ifname, net.ErrClosed)
	}
}

// errDown is a send on a socket whose interface is down or gone.
var errDown = errors.New("network is down")

func (c *conn) WritePacket(payload []byte, dst netip.Addr) error {
	if c.port == nil {
		return fmt.Errorf("send vrrp advert on %s: %w", c.cfg.Ifname, errDown)
	}
	if err := c.port.Send(dst, payload); err != nil {
		return fmt.Errorf("send vrrp advert on %s: %w", c.cfg.Ifname, err)
	}
	return nil
}

func (c *conn) WriteSealed([]byte, netip.Addr, func([]byte) error) error {
	return fmt.Errorf("send ah advert on %s: not simulated", c.cfg.Ifname)
}

func (c *conn) Source() netip.Addr { return c.src }
func (c *conn) IfIndex() int       { return c.link.index }

func (c *conn) SetRcvBuf(n int) error {
	c.h.mu.Lock()
	c.rcvBuf = n
	c.h.mu.Unlock()
	return nil
}

// Close unplugs the socket from its segment and ends a pending read.
func (c *conn) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return fmt.Errorf("close vrrp socket on %s: %w", c.cfg.Ifname, net.ErrClosed)
	}
	c.closed = true
	close(c.done)
	if c.port != nil {
		c.port.SetLink(false)
	}
	c.h.mu.Lock()
	delete(c.h.conns, c)
	c.h.mu.Unlock()
	return nil
}

// Socket describes one open VRRP socket.
type Socket struct {
	Ifname  string
	Family  int
	Unicast bool
	Source  netip.Addr
	RcvBuf  int
}

// Sockets lists the open sockets (in no particular order).
func (h *Host) Sockets() []Socket {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []Socket
	for c := range h.conns {
		f := 4
		if c.src.Is6() {
			f = 6
		}
		out = append(out, Socket{Ifname: c.link.name, Family: f, Unicast: c.cfg.Unicast, Source: c.src, RcvBuf: c.rcvBuf})
	}
	return out
}
