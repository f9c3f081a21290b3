package netif

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"syscall"
	"time"
)

// retryPolicy bounds how a burst retries a packet whose send failed with a
// transient error.
type retryPolicy struct {
	// delays are the waits before each retry of one packet.
	delays []time.Duration
	// budget is the total time one burst may spend waiting on retries;
	// once spent, later failing packets are sent once each and counted,
	// so that a link that stays down costs a burst its packets, not
	// rounds × addresses × the retry delays.
	budget time.Duration
}

// defaultRetry covers what a link flap leaves behind: right after the
// link comes back, a packet socket's send can still see ENETDOWN for a few
// milliseconds, and ENOBUFS clears once the queue drains.
var defaultRetry = retryPolicy{
	delays: []time.Duration{10 * time.Millisecond, 50 * time.Millisecond, 200 * time.Millisecond, 500 * time.Millisecond},
	budget: 2 * time.Second,
}

// transient reports errors that a later send of the same packet may not
// meet: the interface is down or not yet running, or a queue or buffer is
// full for the moment.
func transient(err error) bool {
	for _, e := range []syscall.Errno{syscall.ENETDOWN, syscall.ENOBUFS, syscall.EAGAIN, syscall.ENOMEM, syscall.EINTR, syscall.ENXIO} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// burst is one Announce call: its retry budget, its failures.
type burst struct {
	a      *Announcer
	ifname string
	waited time.Duration
	failed int
	sent   int
	last   error
}

// send puts one packet on the wire, retrying transient errors while the
// burst's budget lasts, and counts the outcome. It returns the final error
// (nil once sent); errNoLinkLayer and net.ErrClosed are returned at once
// and not counted as failures.
func (b *burst) send(ip netip.Addr) error {
	v6 := ip.Is6()
	for try := 0; ; try++ {
		err := b.a.send.send(b.ifname, ip)
		switch {
		case err == nil:
			b.sent++
			b.a.stats.add(b.ifname, v6, func(s *AnnounceStats) { s.Sent++ })
			return nil
		case errors.Is(err, errNoLinkLayer), errors.Is(err, net.ErrClosed):
			return err
		}
		if d, ok := b.retryDelay(try, err); ok {
			b.a.stats.add(b.ifname, v6, func(s *AnnounceStats) { s.Retried++ })
			if werr := b.a.wait(time.Now().Add(d)); werr != nil {
				return werr
			}
			if werr := b.awaitRunning(err); werr != nil {
				return werr
			}
			continue
		}
		b.failed++
		b.last = fmt.Errorf("announce %v on %s: %w", ip, b.ifname, err)
		b.a.stats.add(b.ifname, v6, func(s *AnnounceStats) { s.Failed++ })
		return err
	}
}

// retryDelay returns the wait before retry number try+1 of a packet that
// failed with err, and whether to retry at all. A delay that does not fit
// in what is left of the budget spends it: from then on the burst tries
// each packet once.
func (b *burst) retryDelay(try int, err error) (time.Duration, bool) {
	p := b.a.retry
	if try >= len(p.delays) || !transient(err) || b.waited >= p.budget {
		return 0, false
	}
	d := p.delays[try]
	if b.waited+d > p.budget {
		b.waited = p.budget
		return 0, false
	}
	b.waited += d
	return d, true
}

// err summarises the burst: nil when every packet left.
func (b *burst) err() error {
	if b.failed == 0 {
		return nil
	}
	return fmt.Errorf("%d of %d announcements on %s failed, last: %w", b.failed, b.failed+b.sent, b.ifname, b.last)
}
