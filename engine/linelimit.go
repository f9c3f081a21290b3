package engine

import (
	"context"
	"fmt"
	"log/slog"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/goalived/goalived/vrrp"
)

// keepalived 2.2.7 writes a line for every advert it discards, drops or
// answers ("received lower priority (90) advert from 192.0.2.12 -
// discarding", "invalid TTL/HL. Received 64 and expect 255", ...). At the
// rate of one peer (an advert a second) goalived writes them all as well;
// a flood (spoofed adverts, a looping switch) would make the log grow as
// fast as the packets come and keep the daemon writing long after the
// flood. So each kind of per-packet line has a budget per window: the
// first lineBurst lines of a window are written as keepalived writes
// them, the rest are counted, and when the window ends one summary line
// says how many were left out.
const (
	lineWindow = 10 * time.Second
	lineBurst  = 10
)

// lineLimiter holds the windows of one instance's (or socket's) kinds of
// per-packet lines. Its memory is bounded by the number of kinds, which
// are fixed words (never a peer's address).
type lineLimiter struct {
	clock vrrp.Clock
	log   *slog.Logger
	// name prefixes the summaries ("(VI_1) "); empty for the sockets'.
	name string

	mu     sync.Mutex // guards kinds and closed
	kinds  map[string]*lineCount
	closed bool

	total atomic.Uint64 // lines suppressed since the start, for /metrics
}

// lineCount is one kind's current window.
type lineCount struct {
	start      time.Time
	written    int
	suppressed uint64
	last       netip.Addr // the source of the last suppressed one
	flush      vrrp.ClockTimer
}

func newLineLimiter(clock vrrp.Clock, log *slog.Logger, name string) *lineLimiter {
	return &lineLimiter{clock: clock, log: log, name: name, kinds: map[string]*lineCount{}}
}

// allow reports whether a line of kind about a packet from peer may be
// written now; if not, it is counted for the window's summary.
func (l *lineLimiter) allow(kind string, peer netip.Addr) bool {
	now := l.clock.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.kinds[kind]
	if c == nil {
		c = &lineCount{start: now}
		l.kinds[kind] = c
	}
	if now.Sub(c.start) >= lineWindow && c.suppressed == 0 {
		c.start, c.written = now, 0
	}
	if c.written < lineBurst && c.suppressed == 0 {
		c.written++
		return true
	}
	c.suppressed++
	l.total.Add(1)
	c.last = peer
	if c.flush == nil && !l.closed {
		c.flush = l.clock.AfterFunc(max(c.start.Add(lineWindow).Sub(now), 0), func() { l.summarise(kind) })
	}
	return false
}

// suppressedTotal is how many lines were left out since the start (0 for
// a nil limiter: an instance that never logged a per-packet line).
func (l *lineLimiter) suppressedTotal() uint64 {
	if l == nil {
		return 0
	}
	return l.total.Load()
}

// summarise writes the summary of kind's window and starts the next.
func (l *lineLimiter) summarise(kind string) {
	l.mu.Lock()
	c := l.kinds[kind]
	if c == nil || c.suppressed == 0 {
		l.mu.Unlock()
		return
	}
	n, last, since := c.suppressed, c.last, l.clock.Now().Sub(c.start).Round(time.Second)
	c.start, c.written, c.suppressed, c.flush = l.clock.Now(), 0, 0, nil
	l.mu.Unlock()
	l.log.Log(context.Background(), slog.LevelInfo,
		fmt.Sprintf("%s%d more %s in the last %v, not logged one by one (the last from %v)", l.name, n, kind, since, last),
		"kind", kind, "suppressed", n, "last_from", last)
}

// close writes the pending summaries and stops their timers.
func (l *lineLimiter) close() {
	l.mu.Lock()
	l.closed = true
	var pending []string
	for kind, c := range l.kinds {
		if c.flush != nil {
			c.flush.Stop()
			c.flush = nil
		}
		if c.suppressed > 0 {
			pending = append(pending, kind)
		}
	}
	l.mu.Unlock()
	for _, kind := range pending {
		l.summarise(kind)
	}
}
