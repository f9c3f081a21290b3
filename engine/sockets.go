package engine

import (
	"errors"
	"fmt"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/netif"
	"github.com/goalived/goalived/vrrp"
)

// sockKey identifies one shared raw socket, as keepalived shares one
// socket pair between the instances of an interface, family, mode and
// source.
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
	key   sockKey
	host  Sockets // opens the conns
	links Links   // tells whether the interface exists, and its index
	// conn is nil while the interface of a dynamic_interfaces socket
	// does not exist (or has no address yet); reopen replaces it when
	// the interface appears or comes back with another index.
	conn atomic.Pointer[connBox]

	mu sync.Mutex // guards vrids, rcvBuf and the reader fields
	// rcvBuf is the SO_RCVBUF setRcvBuf last set; 0 for the kernel's
	// default.
	rcvBuf   int
	vrids    map[uint8]*vrrp.Instance
	reading  bool     // readers are wanted (startReader was called)
	readConn *connBox // the conn a reader runs on
	closed   bool
	readers  sync.WaitGroup // reader goroutines (conns that cannot be watched)
	// stopWatch ends the watch of readConn (see reader.go); nil when a
	// goroutine reads it.
	stopWatch func()

	unknownVRID atomic.Uint64
	// onUnknown, if set, hears of each VRID nobody here is configured for
	// (log_unknown_vrids); it is called once per VRID.
	onUnknown func(ifname string, vrid uint8, src netip.Addr)
	seen      map[uint8]bool // VRIDs reported to onUnknown; the reader's only
}

// addressWait bounds how long an instance waits at start for its
// interface to have an address to send from: a link that just came up
// has its IPv6 link-local address in duplicate address detection for
// about a second.
const addressWait = 5 * time.Second

// socketKey is the socket an instance sends and receives on.
func socketKey(pin *config.Instance) sockKey {
	k := sockKey{ifname: pin.Interface, family: family(pin), unicast: pin.Unicast(), group: pin.McastDstIP}
	switch {
	case pin.UnicastSrcIP().IsValid():
		k.src = pin.UnicastSrcIP()
	case pin.McastSrcIP().IsValid():
		k.src = pin.McastSrcIP()
	}
	if k.unicast {
		k.group, k.ttl = netip.Addr{}, pin.UnicastTTL
	}
	if usesAH(pin) {
		k.proto = netif.ProtoAH
	}
	return k
}

func (k sockKey) config() netif.Config {
	return netif.Config{Ifname: k.ifname, Family: k.family, Group: k.group, UnicastSrc: k.src, Unicast: k.unicast,
		UnicastTTL: k.ttl, Proto: k.proto}
}

// connBox holds a Conn so that the socket can swap it atomically.
type connBox struct{ Conn }

// openSocket opens the socket of k. With dynamic (dynamic_interfaces) a
// missing interface is not an error: the socket stays without conn, and
// its instances in FAULT, until reopen finds the interface.
func (e *Engine) openSocket(k sockKey, dynamic bool) (*socket, error) {
	s := &socket{key: k, host: e.host.Sockets, links: e.host.Links, vrids: map[uint8]*vrrp.Instance{}}
	if dynamic {
		if _, err := s.links.Link(k.ifname); err != nil {
			return s, nil
		}
	}
	conn, err := s.host.Open(k.config(), addressWait)
	if err != nil {
		return nil, fmt.Errorf("open vrrp socket on %s: %w", k.ifname, err)
	}
	s.conn.Store(&connBox{conn})
	return s, nil
}

// isOpen reports whether the socket has a conn to send and receive on.
func (s *socket) isOpen() bool { return s.conn.Load() != nil }

// source is the address the socket sends from; the family's unspecified
// address while it has no conn (the instance is in FAULT then).
func (s *socket) source() netip.Addr {
	if c := s.conn.Load(); c != nil {
		return c.Source()
	}
	if s.key.family == 6 {
		return netip.IPv6Unspecified()
	}
	return netip.IPv4Unspecified()
}

// ifIndex is the interface index of the conn, 0 without one.
func (s *socket) ifIndex() int {
	if c := s.conn.Load(); c != nil {
		return c.IfIndex()
	}
	return 0
}

// reopen opens the socket on the interface as it is now, when it has no
// conn or the interface came back with another index (deleted and
// created again). It reports whether the conn changed; a missing
// interface or address is not an error (the next link or address event
// tries again).
func (s *socket) reopen() (bool, error) {
	ls, err := s.links.Link(s.key.ifname)
	if err != nil {
		return false, nil
	}
	old := s.conn.Load()
	if old != nil && old.IfIndex() == ls.Index {
		return false, nil
	}
	conn, err := s.host.Open(s.key.config(), 0)
	if errors.Is(err, netif.ErrNoAddress) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("open vrrp socket on %s: %w", s.key.ifname, err)
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return false, conn.Close()
	}
	s.conn.Store(&connBox{conn})
	s.rcvBuf = 0 // applyRcvBufs sizes the new conn
	stopOld := s.startReaderLocked()
	s.mu.Unlock()
	stopOld()
	if old != nil {
		_ = old.Close()
	}
	return true, nil
}

func (s *socket) attach(vrid uint8, in *vrrp.Instance) {
	s.mu.Lock()
	s.vrids[vrid] = in
	s.mu.Unlock()
}

func (s *socket) detach(vrid uint8) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.vrids, vrid)
}

// empty reports whether no instance is attached.
func (s *socket) empty() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.vrids) == 0
}

func (s *socket) lookup(vrid uint8) *vrrp.Instance {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.vrids[vrid]
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
	s.onUnknown(s.key.ifname, vrid, src)
}

func (s *socket) close() error {
	s.mu.Lock()
	s.closed = true
	c := s.conn.Swap(nil)
	stop := s.stopWatch
	s.stopWatch = nil
	s.mu.Unlock()
	if stop != nil {
		stop()
	}
	var err error
	if c != nil {
		err = c.Close()
	}
	s.readers.Wait()
	return err
}

// sender adapts the instance's socket to vrrp.Sender. The socket is read
// at each send: a reload may move the instance to another one.
type sender struct{ tx *atomic.Pointer[socket] }

func (x sender) Send(dst netip.Addr, msg []byte) error {
	s := x.tx.Load()
	c := s.conn.Load()
	if c == nil {
		return s.missing()
	}
	return c.WritePacket(msg, dst)
}

// missing is the error of a send without conn.
func (s *socket) missing() error {
	return fmt.Errorf("interface %s does not exist (dynamic_interfaces)", s.key.ifname)
}

// SendAH implements vrrp.AHSender: the AH socket builds the IPv4 header
// (protocol 51) and seal writes the ICV that covers it.
func (x sender) SendAH(dst netip.Addr, payload []byte, seal func([]byte) error) error {
	s := x.tx.Load()
	c := s.conn.Load()
	if c == nil {
		return s.missing()
	}
	return c.WriteSealed(payload, dst, seal)
}
