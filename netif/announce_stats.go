package netif

import (
	"cmp"
	"slices"
	"sync"
)

// AnnounceStats counts the gratuitous ARPs (IPv4) or unsolicited NAs (IPv6)
// of one interface since the Announcer was made, for /metrics.
type AnnounceStats struct {
	Ifname string
	V6     bool
	// Sent packets left the host.
	Sent uint64
	// Retried counts sends repeated after a transient error (ENETDOWN,
	// ENOBUFS, ...); a packet sent on its third try adds 2 here and 1 to
	// Sent.
	Retried uint64
	// Failed packets were given up: a permanent error, or a transient one
	// once the burst's retries were spent.
	Failed uint64
	// Skipped bursts were not sent because the interface has no
	// link-layer address or is NOARP (lo, tun), as keepalived skips them.
	Skipped uint64
}

// announceCounters holds the AnnounceStats of every interface and family.
type announceCounters struct {
	mu sync.Mutex
	m  map[slot]*AnnounceStats
}

func (c *announceCounters) add(ifname string, v6 bool, f func(*AnnounceStats)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[slot]*AnnounceStats{}
	}
	k := slot{ifname, v6}
	s, ok := c.m[k]
	if !ok {
		s = &AnnounceStats{Ifname: ifname, V6: v6}
		c.m[k] = s
	}
	f(s)
}

// Stats returns the counters of every interface and family that was
// announced on, sorted by interface name, IPv4 first.
func (a *Announcer) Stats() []AnnounceStats {
	a.stats.mu.Lock()
	out := make([]AnnounceStats, 0, len(a.stats.m))
	for _, s := range a.stats.m {
		out = append(out, *s)
	}
	a.stats.mu.Unlock()
	slices.SortFunc(out, func(x, y AnnounceStats) int {
		if c := cmp.Compare(x.Ifname, y.Ifname); c != 0 {
			return c
		}
		return cmp.Compare(b2i(x.V6), b2i(y.V6))
	})
	return out
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
