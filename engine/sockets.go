package engine

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/goalived/goalived/netif"
	"github.com/goalived/goalived/vrrp"
)

// sockKey identifies one shared raw socket, as keepalived shares one
// socket pair per interface, family, mode and source (reference 3.12).
type sockKey struct {
	ifname  string
	family  int
	unicast bool
	src     netip.Addr // configured source; zero means the interface's
	group   netip.Addr
	ttl     int // unicast_ttl (unicast only)
	// proto is netif.ProtoAH for auth_type AH instances, whose adverts
	// are IP protocol 51 (keepalived keys its socket pool by it too);
	// zero is VRRP.
	proto int
}

// socket is a raw VRRP socket and the instances that receive on it,
// demultiplexed by VRID. Its reader goroutine runs until close.
type socket struct {
	conn *netif.Conn
	// rcvBuf is the SO_RCVBUF applyRcvBufs last set; 0 for the kernel's
	// default.
	rcvBuf int

	mu    sync.Mutex // guards byVRID
	vrids map[uint8]*vrrp.Instance

	unknownVRID atomic.Uint64
	// onUnknown, if set, hears of each VRID nobody here is configured for
	// (log_unknown_vrids); it is called once per VRID.
	onUnknown func(ifname string, vrid uint8, src netip.Addr)
	seen      map[uint8]bool // VRIDs reported to onUnknown; reader goroutine only
	readOnce  sync.Once
	done      chan struct{}
}

// addressWait bounds how long an instance waits at start for its
// interface to have an address to send from: a link that just came up
// has its IPv6 link-local address in duplicate address detection for
// about a second.
const addressWait = 5 * time.Second

func openSocket(k sockKey) (*socket, error) {
	cfg := netif.Config{Ifname: k.ifname, Family: k.family, Group: k.group, UnicastSrc: k.src, Unicast: k.unicast,
		UnicastTTL: k.ttl, Proto: k.proto}
	conn, err := netif.Listen(cfg)
	for deadline := time.Now().Add(addressWait); errors.Is(err, netif.ErrNoAddress) && time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
		conn, err = netif.Listen(cfg)
	}
	if err != nil {
		return nil, fmt.Errorf("open vrrp socket on %s: %w", k.ifname, err)
	}
	return &socket{conn: conn, vrids: map[uint8]*vrrp.Instance{}, done: make(chan struct{})}, nil
}

func (s *socket) attach(vrid uint8, in *vrrp.Instance) {
	s.mu.Lock()
	s.vrids[vrid] = in
	s.mu.Unlock()
}

func (s *socket) detach(vrid uint8) (empty bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.vrids, vrid)
	return len(s.vrids) == 0
}

func (s *socket) lookup(vrid uint8) *vrrp.Instance {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.vrids[vrid]
}

// read delivers packets until the socket is closed. The VRID is byte 1
// of every VRRP version, after the AH header on an AH socket; shorter
// packets go to no one (the instances' length checks never see them, so
// they are counted here).
func (s *socket) read() {
	defer close(s.done)
	buf := make([]byte, 65536)
	at := 1
	if s.conn.Config().Proto == netif.ProtoAH {
		at += vrrp.AHHeaderLen
	}
	for {
		p, err := s.conn.ReadPacket(buf)
		if errors.Is(err, net.ErrClosed) {
			return
		}
		if err != nil || len(p.Payload) <= at {
			s.unknownVRID.Add(1)
			continue
		}
		in := s.lookup(p.Payload[at])
		if in == nil {
			s.unknown(p.Payload[at], p.Src)
			continue
		}
		vp := vrrp.Packet{
			Payload: append([]byte(nil), p.Payload...),
			Src:     p.Src, Dst: p.Dst, TTL: int(p.TTL),
		}
		if at > 1 {
			// The AH check needs the IPv4 header: its ICV covers it.
			vp.Header = append([]byte(nil), p.Header...)
		}
		in.Deliver(vp)
	}
}

func (s *socket) unknown(vrid uint8, src netip.Addr) {
	s.unknownVRID.Add(1)
	if s.onUnknown == nil || s.seen[vrid] {
		return
	}
	if s.seen == nil {
		s.seen = map[uint8]bool{}
	}
	s.seen[vrid] = true
	s.onUnknown(s.conn.Config().Ifname, vrid, src)
}

func (s *socket) close() error {
	err := s.conn.Close()
	started := true
	s.readOnce.Do(func() { started = false })
	if started {
		<-s.done
	}
	return err
}

// sender adapts a socket to vrrp.Sender.
type sender struct{ s *socket }

func (x sender) Send(dst netip.Addr, msg []byte) error { return x.s.conn.WritePacket(msg, dst) }

// SendAH implements vrrp.AHSender: the AH socket builds the IPv4 header
// (protocol 51) and seal writes the ICV that covers it.
func (x sender) SendAH(dst netip.Addr, payload []byte, seal func([]byte) error) error {
	return x.s.conn.WriteSealed(payload, dst, seal)
}
