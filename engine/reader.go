package engine

import (
	"errors"
	"net"

	"github.com/goalived/goalived/netif"
	"github.com/goalived/goalived/vrrp"
)

// A socket's packets reach its instances one of two ways. A conn that
// can be watched (netif.Conn.Watch) is read by the one goroutine all
// watched sockets share, keepalived's single epoll loop: a burst of
// adverts over four interfaces then wakes one goroutine instead of four,
// and the runtime one thread instead of two. Any other conn (the tests'
// in-memory ones) gets a goroutine of its own that blocks in ReadPacket.

// watcher is a Conn whose packets can be delivered by netif's shared
// poller.
type watcher interface {
	Watch(deliver func(netif.Packet, error)) (stop func(), err error)
}

// startReader starts delivering packets (once the instances run).
func (s *socket) startReader() {
	s.mu.Lock()
	s.reading = true
	stopOld := s.startReaderLocked()
	s.mu.Unlock()
	stopOld()
}

// startReaderLocked starts a reader on the current conn unless one runs
// on it already; call with s.mu held. It returns the function that ends
// the watch of the conn read before, to be called once s.mu is released
// (it waits for a delivery in progress, which takes s.mu).
func (s *socket) startReaderLocked() (stopOld func()) {
	stopOld = func() {}
	c := s.conn.Load()
	if !s.reading || s.closed || c == nil || c == s.readConn {
		return stopOld
	}
	s.readConn = c
	if old := s.stopWatch; old != nil {
		stopOld, s.stopWatch = old, nil
	}
	if w, ok := c.Conn.(watcher); ok {
		stop, err := w.Watch(func(p netif.Packet, err error) { s.deliver(p, err) })
		if err == nil {
			s.stopWatch = stop
			return stopOld
		}
		// No epoll set to be had: read it the other way.
	}
	s.readers.Add(1)
	go func() {
		defer s.readers.Done()
		s.read(c)
	}()
	return stopOld
}

// readBufSize holds the largest VRRP packet with room to spare: an IPv6
// advert of 255 addresses is 4088 bytes, an IPv4 one with the largest IP
// header and AH 1144. A longer packet is reported truncated and dropped.
// (One 64 KiB buffer per socket was a quarter MiB of the resident
// memory at 1000 instances on four interfaces.)
const readBufSize = 8192

// read delivers packets from c until it is closed.
func (s *socket) read(c Conn) {
	buf := make([]byte, readBufSize)
	for s.readOne(c, buf) {
	}
}

// readOne reads one packet into buf and delivers it; it reports false
// once c is closed.
func (s *socket) readOne(c Conn, buf []byte) bool {
	p, err := c.ReadPacket(buf)
	if errors.Is(err, net.ErrClosed) {
		return false
	}
	s.deliver(p, err)
	return true
}

// deliver hands a packet to the instance of its VRID. The VRID is byte 1
// of every VRRP version, after the AH header on an AH socket; shorter
// packets and read errors go to no one (the instances' length checks
// never see them, so they are counted here).
func (s *socket) deliver(p netif.Packet, err error) {
	at := 1
	if s.key.proto == netif.ProtoAH {
		at += vrrp.AHHeaderLen
	}
	if err != nil || len(p.Payload) <= at {
		s.unknownVRID.Add(1)
		return
	}
	in := s.lookup(p.Payload[at])
	if in == nil {
		s.unknown(p.Payload[at], p.Src)
		return
	}
	// Deliver uses the payload only until it returns (it copies a packet
	// it has to queue), so the reader's buffer serves every packet.
	vp := vrrp.Packet{Payload: p.Payload, Src: p.Src, Dst: p.Dst, TTL: int(p.TTL)}
	if at > 1 {
		// The AH check needs the IPv4 header: its ICV covers it.
		vp.Header = p.Header
	}
	in.Deliver(vp)
}
