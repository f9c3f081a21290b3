package main

import (
	"context"
	"net/netip"
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
