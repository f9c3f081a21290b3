package vrrptest

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"sync"
	"time"

	"github.com/goalived/goalived/vrrp"
)

// Segment is a simulated Ethernet segment: every Port sees the multicast
// adverts of the others and the unicast ones addressed to it, subject to
// loss, delay and partitions. Randomness comes from one seeded source.
type Segment struct {
	clock vrrp.Clock
	quit  chan struct{}
	wg    sync.WaitGroup

	mu        sync.Mutex // guards everything below
	rng       *rand.Rand
	ports     []*Port
	loss      float64
	delay     time.Duration
	jitter    time.Duration
	group     map[netip.Addr]int // partition group per address; absent = 0
	closed    bool
	sent      uint64
	delivered uint64
	lost      uint64
}

// Port is one host's connection to the segment; it is a vrrp.Sender.
type Port struct {
	seg  *Segment
	addr netip.Addr
	recv func(vrrp.Packet)
	up   bool // guarded by seg.mu
}

// NewSegment returns an empty segment using clock for delays.
func NewSegment(clock vrrp.Clock, seed uint64) *Segment {
	return &Segment{clock: clock, quit: make(chan struct{}), rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		group: map[netip.Addr]int{}}
}

// Attach connects a host with address addr; recv gets its packets (it must
// not block, like vrrp.Instance.Deliver).
func (s *Segment) Attach(addr netip.Addr, recv func(vrrp.Packet)) *Port {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := &Port{seg: s, addr: addr, recv: recv, up: true}
	s.ports = append(s.ports, p)
	return p
}

// SetLoss sets the probability (0..1) that a copy of a packet is lost.
func (s *Segment) SetLoss(p float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.loss = p
}

// SetDelay sets the one-way delay: base plus a uniform random jitter.
func (s *Segment) SetDelay(base, jitter time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delay, s.jitter = base, jitter
}

// Partition splits the segment: hosts in different groups cannot hear each
// other; hosts not listed are together in one more group.
func (s *Segment) Partition(groups ...[]netip.Addr) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.group = map[netip.Addr]int{}
	for i, g := range groups {
		for _, a := range g {
			s.group[a] = i + 1
		}
	}
}

// Heal removes all partitions.
func (s *Segment) Heal() { s.Partition() }

// SetLink plugs or unplugs the port's cable.
func (p *Port) SetLink(up bool) {
	p.seg.mu.Lock()
	defer p.seg.mu.Unlock()
	p.up = up
}

// Counts returns how many copies were sent, delivered and lost.
func (s *Segment) Counts() (sent, delivered, lost uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sent, s.delivered, s.lost
}

// Close stops pending deliveries and waits for their goroutines.
func (s *Segment) Close() {
	s.mu.Lock()
	if !s.closed {
		s.closed = true
		close(s.quit)
	}
	s.mu.Unlock()
	s.wg.Wait()
}

// ErrLinkDown is returned by Send on an unplugged port.
var ErrLinkDown = errors.New("link down")

// Send implements vrrp.Sender: one copy to every reachable receiver.
func (p *Port) Send(dst netip.Addr, msg []byte) error {
	s := p.seg
	type copyTo struct {
		to    *Port
		delay time.Duration
	}
	var out []copyTo
	s.mu.Lock()
	if s.closed || !p.up {
		s.mu.Unlock()
		return fmt.Errorf("send to %v from %v: %w", dst, p.addr, ErrLinkDown)
	}
	for _, q := range s.ports {
		if q == p || !q.up || s.group[q.addr] != s.group[p.addr] || (!dst.IsMulticast() && q.addr != dst) {
			continue
		}
		s.sent++
		if s.loss > 0 && s.rng.Float64() < s.loss {
			s.lost++
			continue
		}
		d := s.delay
		if s.jitter > 0 {
			d += time.Duration(s.rng.Int64N(int64(s.jitter)))
		}
		s.delivered++
		if d > 0 {
			s.wg.Add(1) // under mu, so that Close cannot be waiting already
		}
		out = append(out, copyTo{q, d})
	}
	s.mu.Unlock()
	for _, c := range out {
		pkt := vrrp.Packet{Payload: append([]byte(nil), msg...), Src: p.addr, Dst: dst, TTL: vrrp.TTL}
		s.deliver(c.to, pkt, c.delay)
	}
	return nil
}

// deliver hands pkt over now or after delay, never holding the lock. A
// delayed delivery was already counted in wg by Send.
func (s *Segment) deliver(to *Port, pkt vrrp.Packet, delay time.Duration) {
	if delay <= 0 {
		to.recv(pkt)
		return
	}
	t := s.clock.NewTimer(delay)
	go func() {
		defer s.wg.Done()
		select {
		case <-t.C():
			to.recv(pkt)
		case <-s.quit:
			t.Stop()
		}
	}()
}
