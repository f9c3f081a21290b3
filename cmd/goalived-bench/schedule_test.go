package main

import (
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestAdvertSchedule(t *testing.T) {
	a, b := netip.MustParseAddr("192.0.2.11"), netip.MustParseAddr("192.0.2.12")
	t0 := time.Unix(1000, 0)
	var fs []frame
	add := func(iface string, vrid int, src netip.Addr, prio int, at time.Duration) {
		fs = append(fs, frame{At: t0.Add(at), Iface: iface, Kind: kindAdvert, SrcIP: src, VRID: vrid, Prio: prio})
	}
	for i := range 10 { // on time, one late by 3 ms
		d := time.Duration(i) * time.Second
		if i == 5 {
			d += 3 * time.Millisecond
		}
		add("eth0", 1, a, 150, d)
	}
	for i := range 8 { // two missing: off by more than one
		add("eth1", 1, a, 150, time.Duration(i)*time.Second+time.Millisecond)
	}
	add("eth0", 2, b, 100, 0)              // another router
	add("eth0", 2, a, 0, 0)                // a resigning
	add("eth0", 1, a, 150, 10*time.Second) // after the window
	fs = append(fs, frame{At: t0, Kind: kindGARP, SrcIP: a})
	keys := []instKey{{"eth0", 1}, {"eth1", 1}, {"eth0", 2}}
	got := advertSchedule(fs, a, keys, time.Second, t0, t0.Add(10*time.Second))
	want := schedule{Adverts: 18, PerSec: 1.8, Want: 10, Off: 2, P99: 3 * time.Millisecond, WorstP99: 3 * time.Millisecond}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("advertSchedule (-want +got):\n%s", d)
	}
}

func TestPercentile(t *testing.T) {
	var xs []time.Duration
	for i := 1; i <= 200; i++ {
		xs = append(xs, time.Duration(i))
	}
	if got := percentile(xs, 0.99); got != 198 {
		t.Errorf("p99 of 1..200 = %d, want 198", got)
	}
	if got := percentile(nil, 0.99); got != 0 {
		t.Errorf("p99 of nothing = %d", got)
	}
}
