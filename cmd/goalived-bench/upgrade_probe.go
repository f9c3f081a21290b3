package main

import (
	"context"
	"net/netip"
	"strings"
	"time"
)

// vipWatch lists the addresses of hosts a and b every vipPeriod and
// keeps, per VIP, the longest time it was on neither: a master that
// hands over without a failover never leaves a VIP unheld.
type vipWatch struct {
	vips    []netip.Addr
	samples int
	// Missing counts samples in which some VIP was on neither host;
	// Longest is the longest such absence of one VIP, from its last
	// sample held to its next.
	Missing int
	Longest time.Duration
	last    map[netip.Addr]time.Time // last sample that held it
	absent  map[netip.Addr]bool
}

const vipPeriod = time.Millisecond

// watchVIPs samples until ctx ends; the caller reads the result after.
func (bn *bench) watchVIPs(ctx context.Context, vips []netip.Addr) *vipWatch {
	w := &vipWatch{vips: vips, last: map[netip.Addr]time.Time{}, absent: map[netip.Addr]bool{}}
	now := time.Now()
	for _, v := range vips {
		w.last[v] = now
	}
	tick := time.NewTicker(vipPeriod)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return w
		case <-tick.C:
		}
		aa, errA := bn.addrs("a")
		ab, errB := bn.addrs("b")
		if errA != nil || errB != nil {
			continue
		}
		w.sample(time.Now(), aa, ab)
	}
}

func (w *vipWatch) sample(now time.Time, a, b map[netip.Addr]bool) {
	w.samples++
	missing := false
	for _, v := range w.vips {
		if a[v] || b[v] {
			if w.absent[v] {
				w.Longest = max(w.Longest, now.Sub(w.last[v]))
				w.absent[v] = false
			}
			w.last[v] = now
			continue
		}
		w.absent[v], missing = true, true
	}
	if missing {
		w.Missing++
	}
}

// splitSilences returns src's longest silence on vrid in [from, to) that
// spans one of the freezes (a hot upgrade's own) and the longest that
// spans none (what the machine's load does anyway).
func splitSilences(fs []frame, src netip.Addr, vrid int, from, to time.Time, freezes []time.Time) (handover, other time.Duration) {
	prev := from
	gap := func(at time.Time) {
		d := at.Sub(prev)
		for _, f := range freezes {
			if prev.Before(f) && !at.Before(f) {
				handover = max(handover, d)
				return
			}
		}
		other = max(other, d)
	}
	for _, f := range fs {
		if f.Kind != kindAdvert || f.SrcIP != src || f.VRID != vrid || f.At.Before(from) || !f.At.Before(to) {
			continue
		}
		gap(f.At)
		prev = f.At
	}
	return handover, other
}

// freezesIn are the moments a's log said it froze for a hot upgrade (the
// line's arrival; it is written right after the freeze).
func freezesIn(lines []stampedLine) []time.Time {
	var out []time.Time
	for _, l := range lines {
		if strings.Contains(l.Text, `msg="hot upgrade: frozen"`) {
			out = append(out, l.At)
		}
	}
	return out
}
