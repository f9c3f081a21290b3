package netif

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sync"
	"time"
)

// Pacing is the minimum gap between two announcements of one kind on one
// interface: vrrp_garp_interval and vrrp_gna_interval (or a garp_group's
// garp_interval / gna_interval). Zero sends back to back.
type Pacing struct {
	GARP time.Duration
	NA   time.Duration
}

// AnnouncerConfig sets the pacing, globally and per interface.
type AnnouncerConfig struct {
	Default      Pacing
	PerInterface map[string]Pacing
}

// sender puts one announcement on the wire.
type sender interface {
	send(ifname string, ip netip.Addr) error
	prepare(ifname string, v6 bool) error
	// running reports whether ifname is operationally up, an error when
	// that cannot be told.
	running(ifname string) (bool, error)
	close() error
}

// Announcer sends gratuitous ARPs (IPv4) and unsolicited neighbour
// advertisements (IPv6) for virtual addresses, pacing them per interface
// like keepalived's GARP queue. Announce may be called concurrently; the
// pacing is shared, so two instances on one interface do not burst
// together.
type Announcer struct {
	cfg  AnnouncerConfig
	send sender
	done chan struct{}

	mu   sync.Mutex
	next map[slot]time.Time // earliest time of the next packet per slot

	stats announceCounters
	retry retryPolicy

	closeOnce sync.Once
}

type slot struct {
	ifname string
	v6     bool
}

// NewAnnouncer returns an Announcer that opens packet sockets lazily, in
// the network namespace of the thread calling Announce.
func NewAnnouncer(cfg AnnouncerConfig) *Announcer {
	return newAnnouncer(cfg, newPacketSender())
}

func newAnnouncer(cfg AnnouncerConfig, s sender) *Announcer {
	return &Announcer{cfg: cfg, send: s, done: make(chan struct{}), next: map[slot]time.Time{}, retry: defaultRetry}
}

// Announce sends rounds rounds of one announcement per address, in order
// (keepalived: 100, 101, 100, 101, ...), waiting as the pacing requires.
//
// A send error does not end the burst: keepalived 2.2.7 sends every packet
// of it whatever happened to the previous one, so after a link flap (the
// first sends fail with ENETDOWN) or under memory pressure (ENOBUFS) the
// later packets still reach the clients. Transient errors are retried
// within a budget (announce_retry.go); every packet is counted in Stats.
// Announce returns nil when every packet left, an error naming the
// interface, the count and the last cause otherwise, or at once an error
// wrapping net.ErrClosed if the Announcer is closed meanwhile.
//
// An interface without a link-layer address (lo, tun) or marked NOARP gets
// nothing and no error: keepalived 2.2.7 sends no gratuitous ARP or NA
// there either, silently.
func (a *Announcer) Announce(ifname string, addrs []netip.Addr, rounds int) error {
	for _, ip := range addrs {
		if !ip.Unmap().IsValid() || ip.IsMulticast() || ip.IsUnspecified() {
			return fmt.Errorf("announce %v on %s: not a unicast address", ip, ifname)
		}
	}
	b := burst{a: a, ifname: ifname}
	for r := 0; r < rounds; r++ {
		for _, ip := range addrs {
			ip = ip.Unmap().WithZone("")
			if err := a.wait(a.reserve(ifname, ip.Is6())); err != nil {
				return fmt.Errorf("announce %v on %s: %w", ip, ifname, err)
			}
			if err := b.send(ip); err != nil {
				if errors.Is(err, net.ErrClosed) {
					return fmt.Errorf("announce %v on %s: %w", ip, ifname, err)
				}
				if errors.Is(err, errNoLinkLayer) {
					a.stats.add(ifname, ip.Is6(), func(s *AnnounceStats) { s.Skipped++ })
					return nil
				}
			}
		}
	}
	return b.err()
}

// reserve books the next free time slot for one packet and returns it.
func (a *Announcer) reserve(ifname string, v6 bool) time.Time {
	p, ok := a.cfg.PerInterface[ifname]
	if !ok {
		p = a.cfg.Default
	}
	gap := p.GARP
	if v6 {
		gap = p.NA
	}
	now := time.Now()
	a.mu.Lock()
	defer a.mu.Unlock()
	k := slot{ifname, v6}
	at := a.next[k]
	if at.Before(now) {
		at = now
	}
	a.next[k] = at.Add(gap)
	return at
}

func (a *Announcer) wait(until time.Time) error {
	select {
	case <-a.done:
		return net.ErrClosed
	default:
	}
	d := time.Until(until)
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-a.done:
		return net.ErrClosed
	}
}

// Prepare opens the socket Announce will need for ifname and the family
// (IPv6 when v6), so that the first announcement after becoming master
// is not delayed by it.
func (a *Announcer) Prepare(ifname string, v6 bool) error {
	if err := a.send.prepare(ifname, v6); err != nil {
		return fmt.Errorf("prepare announcements on %s: %w", ifname, err)
	}
	return nil
}

// Close aborts pending Announce calls and closes the packet sockets. It is
// idempotent.
func (a *Announcer) Close() error {
	var err error
	a.closeOnce.Do(func() {
		close(a.done)
		err = a.send.close()
	})
	if err != nil {
		return fmt.Errorf("close announcer: %w", err)
	}
	return nil
}

// errNoLinkLayer reports an interface that takes no gratuitous ARP or NA:
// no link-layer address (lo, tun) or NOARP.
var errNoLinkLayer = errors.New("interface has no link-layer address")
