package main

import (
	"net/netip"
	"time"
)

// advertSilences follows one router's adverts on the wire, frame batch
// by frame batch, so that a long soak need not keep its frames: per VRID
// the longest time between two adverts and how many such silences were
// longer than limit (a backup's Master_Down_Interval: it may take over
// rightly after one). It tells a master that fell silent from a backup
// that did not listen.
type advertSilences struct {
	src     netip.Addr
	limit   time.Duration
	last    map[int]time.Time
	Longest time.Duration
	Over    int
}

func newAdvertSilences(src netip.Addr, limit time.Duration, from time.Time, vrids int) *advertSilences {
	s := &advertSilences{src: src, limit: limit, last: map[int]time.Time{}}
	for v := 1; v <= vrids; v++ {
		s.last[v] = from
	}
	return s
}

// feed takes frames in arrival order, each once.
func (s *advertSilences) feed(fs []frame) {
	for _, f := range fs {
		if f.Kind != kindAdvert || f.SrcIP != s.src || f.Prio == 0 {
			continue
		}
		prev, ok := s.last[f.VRID]
		if !ok {
			continue
		}
		s.gap(f.At.Sub(prev))
		s.last[f.VRID] = f.At
	}
}

// end closes every VRID's last silence at t.
func (s *advertSilences) end(t time.Time) {
	for _, prev := range s.last {
		s.gap(t.Sub(prev))
	}
}

func (s *advertSilences) gap(d time.Duration) {
	s.Longest = max(s.Longest, d)
	if d > s.limit {
		s.Over++
	}
}
