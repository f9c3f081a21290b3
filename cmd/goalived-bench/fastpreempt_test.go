package main

import (
	"bytes"
	"errors"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestFastPreemptDaemon(t *testing.T) {
	c, err := parseFlags([]string{"--goalived", "/g", "--keepalived", "/k"})
	if err != nil {
		t.Fatal(err)
	}
	fast := daemon{Name: fastPreempt, Bin: "/g", Args: []string{"--fast-preempt"}}
	want := []daemon{{Name: "goalived", Bin: "/g"}, {Name: "keepalived", Bin: "/k"}, fast}
	if diff := cmp.Diff(want, c.daemons); diff != "" {
		t.Errorf("default daemons (-want +got):\n%s", diff)
	}
	for _, s := range []scenario{crash, graceful, check, resources, spurious, configtest} {
		n := len(want) - 1
		if s == check {
			n = len(want)
		}
		if got := c.daemonsFor(s); len(got) != n || got[0].Name != "goalived" {
			t.Errorf("daemonsFor(%s) = %v, want the first %d of %v", s, got, n, want)
		}
	}
	argv := fast.argv("/d", "/d/keepalived.conf")
	if argv[0] != "/g" || argv[len(argv)-1] != "--fast-preempt" {
		t.Errorf("argv of %s = %q, want /g ... --fast-preempt", fastPreempt, argv)
	}
	if argv := want[0].argv("/d", "/d/keepalived.conf"); slices.Contains(argv, "--fast-preempt") {
		t.Errorf("argv of goalived = %q, has --fast-preempt", argv)
	}
	if got := fast.String(); got != fastPreempt+" (/g --fast-preempt)" {
		t.Errorf("String() = %q", got)
	}
}

func TestFastBound(t *testing.T) {
	tests := []struct {
		key  rowKey
		want time.Duration
	}{
		// The skew time of priority 100: (256-100)/256 s, and for v3
		// that of the 0.1 s interval.
		{rowKey{check, v2, lowerAdvert}, 609375 * time.Microsecond},
		{rowKey{check, v3, lowerAdvert}, 60937500 * time.Nanosecond},
		// 2 check intervals + 1 advert interval + skew.
		{rowKey{check, v2, firstAdvert}, 3609375 * time.Microsecond},
		{rowKey{check, v3, firstAdvert}, 2160937500 * time.Nanosecond},
	}
	for _, tc := range tests {
		if got := tc.key.fastBound(); got != tc.want {
			t.Errorf("fastBound(%v) = %v, want %v", tc.key, got, tc.want)
		}
	}
}

func TestFirstBelow(t *testing.T) {
	a, b := netip.MustParseAddr("192.0.2.11"), netip.MustParseAddr("192.0.2.12")
	t0 := time.Unix(1764082000, 0)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	fs := []frame{
		{At: at(0), Kind: kindAdvert, SrcIP: a, VRID: 5, Prio: 70},    // before from
		{At: at(100), Kind: kindAdvert, SrcIP: a, VRID: 5, Prio: 120}, // not lower
		{At: at(150), Kind: kindAdvert, SrcIP: a, VRID: 5, Prio: 0},   // a stop, not a master
		{At: at(160), Kind: kindAdvert, SrcIP: a, VRID: 6, Prio: 70},  // another VRID
		{At: at(170), Kind: kindAdvert, SrcIP: b, VRID: 5, Prio: 70},  // another router
		{At: at(200), Kind: kindAdvert, SrcIP: a, VRID: 5, Prio: 70},
		{At: at(300), Kind: kindAdvert, SrcIP: a, VRID: 5, Prio: 70},
	}
	tests := []struct {
		name     string
		from, to int
		want     int // ms, -1: none
	}{
		{"the first lower one in the window", 50, 400, 200},
		{"from is inclusive", 200, 400, 200},
		{"to is exclusive", 50, 200, -1},
		{"a later one", 250, 400, 300},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, ok := firstBelow(fs, a, 5, 100, at(tc.from), at(tc.to))
			if tc.want < 0 {
				if ok {
					t.Errorf("found %+v, want none", f)
				}
				return
			}
			if !ok || !f.At.Equal(at(tc.want)) {
				t.Errorf("firstBelow = %v, %v; want the one at %d ms", f.At.Sub(t0), ok, tc.want)
			}
		})
	}
}

func TestWriteFastTable(t *testing.T) {
	ms := time.Millisecond
	r := newResults()
	r.add(crash, v3, "goalived", sample{Advert: 362 * ms, GARP: 363 * ms}, nil)
	var b bytes.Buffer
	if r.writeFastTable(&b); b.Len() != 0 {
		t.Errorf("table without %s samples:\n%s", fastPreempt, b.String())
	}
	r.add(check, v3, "goalived", sample{Advert: 1474 * ms, Lower: 262 * ms}, nil)
	r.add(check, v3, "goalived", sample{Advert: 1476 * ms, Lower: 261 * ms}, nil)
	r.add(check, v3, fastPreempt, sample{Advert: 1275 * ms, Lower: 62 * ms}, nil)
	r.add(check, v3, fastPreempt, sample{}, errors.New("timeout"))
	r.add(check, v3, "keepalived", sample{Advert: 1470 * ms, Lower: 263 * ms}, nil)
	wantRows := []rowKey{{crash, v3, firstAdvert}, {crash, v3, firstGARP}, {check, v3, firstAdvert}, {check, v3, lowerAdvert}}
	if diff := cmp.Diff(wantRows, r.rows); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	r.writeFastTable(&b)
	var rows []string
	for _, l := range strings.Split(b.String(), "\n") {
		if strings.HasPrefix(l, "| check") {
			rows = append(rows, l)
		}
	}
	want := []string{
		"| check, VRRPv3 advert_int 0.1 | check starts failing (flag file) -> first advert | 2360.9 ms | 2160.9 ms | 1475.0 ms / 1476.0 ms | 1275.0 ms / 1275.0 ms | 1470.0 ms / 1470.0 ms | 200.0 ms / 195.0 ms | 0.864, 0.867 | 2, 1 (+1 failed), 1 |",
		"| check, VRRPv3 advert_int 0.1 | master's first lower-priority advert (check failed) -> first advert | 260.9 ms | 60.9 ms | 261.5 ms / 262.0 ms | 62.0 ms / 62.0 ms | 263.0 ms / 263.0 ms | 199.5 ms / 201.0 ms | 0.237, 0.236 | 2, 1 (+1 failed), 1 |",
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("table rows (-want +got):\n%s", diff)
	}
	b.Reset()
	r.writeRaw(&b)
	if !strings.Contains(b.String(), "- check, VRRPv3 advert_int 0.1, first advert after lower, "+fastPreempt+": 62.0 ms\n") {
		t.Errorf("raw samples lack %s's:\n%s", fastPreempt, b.String())
	}
}
