package main

import (
	"math"
	"net/netip"
	"slices"
	"time"
)

// instKey is one instance on the wire: its interface and VRID.
type instKey struct {
	Iface string
	VRID  int
}

// keysOf lists the instances of a fleet.
func keysOf(insts []fleetInst) []instKey {
	out := make([]instKey, len(insts))
	for i, in := range insts {
		out[i] = instKey{in.Iface, in.VRID}
	}
	return out
}

// schedule is how punctually a master sent its adverts over a window.
type schedule struct {
	Adverts int     // adverts of the fleet's instances in the window
	PerSec  float64 // Adverts per second
	Want    float64 // adverts each instance should send: window / advert_int
	// Off counts the instances whose adverts are more than one away from
	// Want (silent ones included).
	Off int
	// P99 is the 99th percentile of |spacing - advert_int| over every pair
	// of consecutive adverts of one instance; WorstP99 the largest of the
	// instances' own 99th percentiles.
	P99, WorstP99 time.Duration
}

// advertSchedule measures the adverts from src (priority above 0) of the
// instances keys sent in [from, to), as captured.
func advertSchedule(fs []frame, src netip.Addr, keys []instKey, interval time.Duration, from, to time.Time) schedule {
	times := map[instKey][]time.Time{}
	for _, f := range fs {
		if f.Kind != kindAdvert || f.SrcIP != src || f.Prio == 0 || f.At.Before(from) || !f.At.Before(to) {
			continue
		}
		k := instKey{f.Iface, f.VRID}
		times[k] = append(times[k], f.At)
	}
	s := schedule{Want: float64(to.Sub(from)) / float64(interval)}
	var all []time.Duration
	for _, k := range keys {
		ts := times[k]
		slices.SortFunc(ts, time.Time.Compare)
		s.Adverts += len(ts)
		if math.Abs(float64(len(ts))-s.Want) > 1 {
			s.Off++
		}
		var devs []time.Duration
		for i := 1; i < len(ts); i++ {
			d := ts[i].Sub(ts[i-1]) - interval
			devs = append(devs, max(d, -d))
		}
		all = append(all, devs...)
		s.WorstP99 = max(s.WorstP99, percentile(devs, 0.99))
	}
	s.P99 = percentile(all, 0.99)
	if w := to.Sub(from).Seconds(); w > 0 {
		s.PerSec = float64(s.Adverts) / w
	}
	return s
}

// percentile is the nearest-rank q-th percentile of xs (0 when empty).
func percentile(xs []time.Duration, q float64) time.Duration {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	i := int(math.Ceil(q*float64(len(s)))) - 1
	return s[min(max(i, 0), len(s)-1)]
}
