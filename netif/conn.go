package netif

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// Packet is one received VRRP (or AH) message with the IP-level facts the
// protocol checks need.
type Packet struct {
	Src, Dst netip.Addr
	// TTL is the IPv4 TTL or the IPv6 hop limit as received; multicast
	// adverts with anything but 255 must be dropped by the caller.
	TTL     uint8
	IfIndex int
	// Payload is the VRRP message (IPv4: header stripped, cut at the IP
	// total length). It aliases the buffer given to ReadPacket.
	Payload []byte
	// Header is the IPv4 header as received (nil for IPv6), for AH
	// verification. It aliases the buffer given to ReadPacket.
	Header []byte
}

// Conn is a raw VRRP socket bound to one interface. ReadPacket and
// WritePacket may be called concurrently with each other; Close unblocks
// a pending ReadPacket.
type Conn struct {
	cfg     Config
	ifindex int
	src     netip.Addr
	file    *os.File
	rc      syscall.RawConn
	ipID    atomic.Uint32 // IPv4 identification, 1, 2, 3... as keepalived
	// closed is set by Close: the RawConn reports a closed file with an
	// internal error value, which closedErr maps to net.ErrClosed.
	closed atomic.Bool

	rd reader // ReadPacket's buffers
	wr writer // WritePacket's buffers
}

// Listen opens the raw socket described by cfg in the calling thread's
// network namespace. See the package doc for the options it sets.
func Listen(cfg Config) (*Conn, error) {
	cfg, err := cfg.normalize()
	if err != nil {
		return nil, err
	}
	ifi, err := net.InterfaceByName(cfg.Ifname)
	if err != nil {
		return nil, fmt.Errorf("open vrrp socket on %s: %w", cfg.Ifname, err)
	}
	src := cfg.UnicastSrc
	if !src.IsValid() {
		src, err = primaryAddr(&netlink.Handle{}, cfg.Ifname, cfg.Family)
		if err != nil {
			return nil, fmt.Errorf("open vrrp socket on %s: %w", cfg.Ifname, err)
		}
	}
	var fd int
	if cfg.Family == 4 {
		fd, err = openIPv4(cfg, ifi.Index, src)
	} else {
		fd, err = openIPv6(cfg, ifi.Index, src)
	}
	if err != nil {
		return nil, fmt.Errorf("open ipv%d vrrp socket on %s: %w", cfg.Family, cfg.Ifname, err)
	}
	return newConn(cfg, ifi.Index, src, fd)
}

func newConn(cfg Config, ifindex int, src netip.Addr, fd int) (*Conn, error) {
	f := os.NewFile(uintptr(fd), fmt.Sprintf("vrrp-ipv%d-%s", cfg.Family, cfg.Ifname))
	rc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("open vrrp socket on %s: %w", cfg.Ifname, err)
	}
	c := &Conn{cfg: cfg, ifindex: ifindex, src: src, file: f, rc: rc}
	c.rd.init()
	c.wr.init(cfg.Family, src, ifindex)
	return c, nil
}

// Source returns the address the socket sends from; callers need it for the
// VRRPv3 IPv4 pseudo-header checksum.
func (c *Conn) Source() netip.Addr { return c.src }

// IfIndex returns the index of the socket's interface.
func (c *Conn) IfIndex() int { return c.ifindex }

// Config returns the socket's configuration with defaults filled in.
func (c *Conn) Config() Config { return c.cfg }

// Close closes the socket and unblocks a pending ReadPacket. Later calls
// return an error wrapping net.ErrClosed.
func (c *Conn) Close() error {
	c.closed.Store(true)
	if err := c.file.Close(); err != nil {
		return fmt.Errorf("close vrrp socket on %s: %w", c.cfg.Ifname, c.closedErr(err))
	}
	return nil
}

// SetReadDeadline sets the deadline for ReadPacket (zero: none).
func (c *Conn) SetReadDeadline(t time.Time) error {
	if err := c.file.SetReadDeadline(t); err != nil {
		return fmt.Errorf("set read deadline on vrrp socket %s: %w", c.cfg.Ifname, c.closedErr(err))
	}
	return nil
}

func (c *Conn) closedErr(err error) error {
	if errors.Is(err, os.ErrClosed) || c.closed.Load() {
		return net.ErrClosed
	}
	return err
}

// ReadPacket blocks until a packet arrives, the deadline passes or the
// Conn is closed (error wrapping net.ErrClosed). buf should hold the
// largest expected packet (1500 bytes is plenty); longer packets are
// reported as errors, not truncated silently. It does not allocate;
// concurrent calls take turns.
func (c *Conn) ReadPacket(buf []byte) (Packet, error) {
	return c.readPacket(buf, true)
}

// errWouldBlock is readPacket's answer when no packet is waiting and it
// was not to wait.
var errWouldBlock = errors.New("no packet waiting")

// readPacket is ReadPacket; without wait it returns errWouldBlock at once
// when no packet is queued.
func (c *Conn) readPacket(buf []byte, wait bool) (Packet, error) {
	r := &c.rd
	r.mu.Lock()
	defer r.mu.Unlock()
	r.setBuf(buf, wait)
	err := c.rc.Read(r.recvFn)
	if err == nil {
		err = r.err
	}
	if err == errWouldBlock {
		return Packet{}, err
	}
	if err != nil {
		return Packet{}, fmt.Errorf("read vrrp socket on %s: %w", c.cfg.Ifname, c.closedErr(err))
	}
	if r.msg.Flags&unix.MSG_TRUNC != 0 {
		return Packet{}, fmt.Errorf("read vrrp socket on %s: packet longer than %d-byte buffer", c.cfg.Ifname, len(buf))
	}
	cm, err := parseControl(r.oob[:r.msg.Controllen])
	if err != nil {
		return Packet{}, fmt.Errorf("read vrrp socket on %s: %w", c.cfg.Ifname, err)
	}
	if c.cfg.Family == 4 {
		return packetIPv4(buf[:r.n], cm)
	}
	return packetIPv6(buf[:r.n], r.from6(), cm)
}

func packetIPv4(b []byte, cm control) (Packet, error) {
	h, payload, err := parseIPv4(b)
	if err != nil {
		return Packet{}, err
	}
	hl := h.TotalLen - len(payload)
	return Packet{Src: h.Src, Dst: h.Dst, TTL: h.TTL, IfIndex: cm.ifindex, Payload: payload, Header: b[:hl]}, nil
}

func packetIPv6(b []byte, from netip.Addr, cm control) (Packet, error) {
	if !from.Is6() {
		return Packet{}, errors.New("ipv6 packet without an ipv6 source address")
	}
	if !cm.haveHopLimit || !cm.dst.IsValid() {
		return Packet{}, errors.New("ipv6 packet without hop limit or destination control message")
	}
	return Packet{Src: from, Dst: cm.dst, TTL: cm.hopLimit, IfIndex: cm.ifindex, Payload: b}, nil
}

// WritePacket sends one VRRP message to dst (the group or a unicast peer)
// from Source(), with TTL/hop limit 255 and TOS/traffic class 0xC0. It
// never waits: a send buffer that is full returns EAGAIN at once.
func (c *Conn) WritePacket(payload []byte, dst netip.Addr) error {
	return c.WriteSealed(payload, dst, nil)
}

// WriteSealed is WritePacket for payloads whose integrity check covers
// the IPv4 header (keepalived's IPsec-AH, Proto ProtoAH): seal, if not
// nil, is called with the complete IPv4 packet, header as sent included,
// and may change its payload before it is sent. IPv6 has no AH here.
func (c *Conn) WriteSealed(payload []byte, dst netip.Addr, seal func(packet []byte) error) error {
	dst = dst.Unmap().WithZone("")
	if familyOf(dst) != c.cfg.Family || dst.IsUnspecified() {
		return fmt.Errorf("write vrrp packet on %s: destination %v is not an ipv%d address", c.cfg.Ifname, dst, c.cfg.Family)
	}
	var err error
	switch {
	case c.cfg.Family == 4:
		err = c.write4(payload, dst, seal)
	case seal != nil:
		err = errors.New("sealed packets are ipv4 only")
	default:
		err = c.write6(payload, dst)
	}
	if err != nil {
		return fmt.Errorf("write vrrp packet to %v on %s: %w", dst, c.cfg.Ifname, c.closedErr(err))
	}
	return nil
}

func (c *Conn) write4(payload []byte, dst netip.Addr, seal func([]byte) error) error {
	w := &c.wr
	w.mu.Lock()
	defer w.mu.Unlock()
	pkt, err := appendIPv4(w.pkt[:0], ipv4Header{
		TOS: vrrpTOS, ID: c.nextID(), TTL: c.ttlFor(dst),
		Protocol: uint8(c.cfg.Proto), Src: c.src, Dst: dst,
	}, payload)
	if err != nil {
		return err
	}
	w.pkt = pkt
	if seal != nil {
		if err := seal(pkt); err != nil {
			return err
		}
	}
	w.to4.Addr = dst.As4()
	w.setPayload(pkt)
	return c.sendLocked()
}

func (c *Conn) write6(payload []byte, dst netip.Addr) error {
	w := &c.wr
	w.mu.Lock()
	defer w.mu.Unlock()
	w.to6.Addr = dst.As16()
	w.setPayload(payload)
	return c.sendLocked()
}

// sendLocked sends c.wr's packet; call with c.wr.mu held.
func (c *Conn) sendLocked() error {
	w := &c.wr
	err := c.rc.Write(w.sendFn)
	if err == nil {
		err = w.err
	}
	w.setPayload(nil) // keep no reference to the caller's buffer (and clears w.err)
	return err
}

// nextID is the next IPv4 identification: 1, 2, 3... and never 0, which
// would let the kernel choose one after an AH ICV covered the 0 (as
// keepalived skips 0 on wrap).
func (c *Conn) nextID() uint16 {
	for {
		if id := uint16(c.ipID.Add(1)); id != 0 {
			return id
		}
	}
}

// ttlFor is 255 towards the multicast group, unicast_ttl towards peers.
func (c *Conn) ttlFor(dst netip.Addr) uint8 {
	if dst.IsMulticast() {
		return vrrpTTL
	}
	return c.cfg.unicastTTL4()
}
