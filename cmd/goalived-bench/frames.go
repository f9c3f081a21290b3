package main

import (
	"net/netip"
	"time"
)

// firstFrom returns the first frame of kind k from src (and, when not
// empty, Ethernet source mac); for adverts only those of vrid with a
// priority above 0, i.e. from a router acting as master.
func firstFrom(fs []frame, k frameKind, src netip.Addr, mac string, vrid int) (frame, bool) {
	for _, f := range fs {
		if f.Kind != k || f.SrcIP != src || (mac != "" && f.SrcMAC != mac) {
			continue
		}
		if k == kindAdvert && (f.VRID != vrid || f.Prio == 0) {
			continue
		}
		return f, true
	}
	return frame{}, false
}

// firstBelow returns the first advert of vrid from src received in
// [from, to) with a priority above 0 and below prio: a master announcing
// that it is no longer the best router.
func firstBelow(fs []frame, src netip.Addr, vrid, prio int, from, to time.Time) (frame, bool) {
	for _, f := range fs {
		if f.Kind == kindAdvert && f.SrcIP == src && f.VRID == vrid && f.Prio > 0 && f.Prio < prio &&
			!f.At.Before(from) && f.At.Before(to) {
			return f, true
		}
	}
	return frame{}, false
}

// lastFromBefore returns the last advert of vrid from src received before
// t, whatever its priority (a graceful stop's last one has priority 0).
func lastFromBefore(fs []frame, src netip.Addr, vrid int, t time.Time) (frame, bool) {
	var last frame
	ok := false
	for _, f := range fs {
		if f.Kind == kindAdvert && f.SrcIP == src && f.VRID == vrid && f.At.Before(t) {
			last, ok = f, true
		}
	}
	return last, ok
}

// countFrom counts the adverts of vrid from src received at or after t.
func countFrom(fs []frame, src netip.Addr, vrid int, t time.Time) int {
	n := 0
	for _, f := range fs {
		if f.Kind == kindAdvert && f.SrcIP == src && f.VRID == vrid && !f.At.Before(t) {
			n++
		}
	}
	return n
}

// advertGaps counts the adverts of vrid from src received in [from, to)
// and returns the longest silence in that window (edges included), to
// tell a silent master from a deaf backup when a trial fails.
func advertGaps(fs []frame, src netip.Addr, vrid int, from, to time.Time) (n int, longest time.Duration) {
	prev := from
	for _, f := range fs {
		if f.Kind != kindAdvert || f.SrcIP != src || f.VRID != vrid || f.At.Before(from) || !f.At.Before(to) {
			continue
		}
		n++
		longest = max(longest, f.At.Sub(prev))
		prev = f.At
	}
	return n, max(longest, to.Sub(prev))
}

// silences returns the longest gap between adverts of vrid from src in
// [from, to) (edges included) and how many gaps exceeded limit: a
// master silent for longer than the backup's Master_Down_Interval.
func silences(fs []frame, src netip.Addr, vrid int, from, to time.Time, limit time.Duration) (longest time.Duration, over int) {
	prev := from
	gap := func(d time.Duration) {
		longest = max(longest, d)
		if d > limit {
			over++
		}
	}
	for _, f := range fs {
		if f.Kind != kindAdvert || f.SrcIP != src || f.VRID != vrid || f.At.Before(from) || !f.At.Before(to) {
			continue
		}
		gap(f.At.Sub(prev))
		prev = f.At
	}
	gap(to.Sub(prev))
	return longest, over
}

// countBetween counts the adverts of vrid from src received in [from, to).
func countBetween(fs []frame, src netip.Addr, vrid int, from, to time.Time) int {
	n := 0
	for _, f := range fs {
		if f.Kind == kindAdvert && f.SrcIP == src && f.VRID == vrid && !f.At.Before(from) && f.At.Before(to) {
			n++
		}
	}
	return n
}
