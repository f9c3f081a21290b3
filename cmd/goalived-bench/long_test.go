package main

import (
	"bytes"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestTransitionTo(t *testing.T) {
	tests := []struct {
		line string
		want string
		ok   bool
	}{
		{`time=2026-11-25T15:26:34.360Z level=INFO msg="(VI_8) Entering MASTER STATE" instance=VI_8 from=BACKUP to=MASTER reason="master down timer" priority=200`, "MASTER", true},
		{`time=2026-11-25T15:26:34.294Z level=INFO msg="(VI_1) Entering BACKUP STATE (init)" instance=VI_1 from=INIT to=BACKUP reason=start priority=200`, "BACKUP", true},
		{`Wed Nov 25 15:26:38 2026: (VI_1) Entering BACKUP STATE (init)`, "BACKUP", true},
		{`Wed Nov 25 15:26:38 2026: (VI_1) Entering MASTER STATE`, "MASTER", true},
		{`Wed Nov 25 15:26:38 2026: (VI_1) Entering FAULT STATE`, "FAULT", true},
		{`Wed Nov 25 15:26:38 2026: Starting Keepalived v2.2.7 (goalived 0.1.0)`, "", false},
		{`Wed Nov 25 15:26:38 2026: (VI_1) received lower priority (100) advert from 192.0.2.12 - discarding`, "", false},
		{``, "", false},
	}
	for _, tc := range tests {
		got, ok := transitionTo(tc.line)
		if got != tc.want || ok != tc.ok {
			t.Errorf("transitionTo(%q) = %q, %v; want %q, %v", tc.line, got, ok, tc.want, tc.ok)
		}
	}
}

func TestLineLog(t *testing.T) {
	var l lineLog
	before := time.Now()
	for _, chunk := range []string{"Wed: (VI_1) Entering BAC", "KUP STATE\nnoise\n", "Wed: (VI_1) Entering MASTER STATE\npartial"} {
		if _, err := l.Write([]byte(chunk)); err != nil {
			t.Fatal(err)
		}
	}
	after := time.Now().Add(time.Millisecond)
	lines := l.between(before, after)
	var texts []string
	for _, s := range lines {
		texts = append(texts, s.Text)
	}
	want := []string{"Wed: (VI_1) Entering BACKUP STATE", "noise", "Wed: (VI_1) Entering MASTER STATE"}
	if diff := cmp.Diff(want, texts); diff != "" {
		t.Errorf("lines (-want +got):\n%s", diff)
	}
	if n, ex := countTransitions(lines); n != 2 || len(ex) != 2 {
		t.Errorf("countTransitions = %d, %q; want 2", n, ex)
	}
	if got := l.between(after, after.Add(time.Hour)); len(got) != 0 {
		t.Errorf("lines after the writes: %q", got)
	}
}

func TestDualHeld(t *testing.T) {
	v1, v2 := netip.MustParseAddr("198.51.100.1"), netip.MustParseAddr("198.51.100.2")
	vips := []netip.Addr{v1, v2}
	a := map[netip.Addr]bool{v1: true, v2: true}
	if dualHeld(vips, a, map[netip.Addr]bool{}) {
		t.Error("dual with b holding nothing")
	}
	if !dualHeld(vips, a, map[netip.Addr]bool{v2: true}) {
		t.Error("not dual with both holding v2")
	}
	if dualHeld(vips[:1], a, map[netip.Addr]bool{v2: true}) {
		t.Error("dual on an address that is not a VIP of the trial")
	}
}

func TestMedianMax(t *testing.T) {
	if m, x := medianMax([]int64{5, 1, 9, 3}); m != 4 || x != 9 {
		t.Errorf("medianMax even = %d, %d; want 4, 9", m, x)
	}
	if m, x := medianMax([]float64{0.5, 0.1, 0.3}); m != 0.3 || x != 0.5 {
		t.Errorf("medianMax odd = %v, %v; want 0.3, 0.5", m, x)
	}
	if m, x := medianMax[int64](nil); m != 0 || x != 0 {
		t.Errorf("medianMax empty = %d, %d", m, x)
	}
}

func TestLongTables(t *testing.T) {
	var b bytes.Buffer
	writeResources(&b, []resSample{
		{N: 50, Proto: v2Proto, Daemon: "goalived", RSSKiB: []int64{10240, 10240, 20480}, RSSB: []int64{2048}, CPU: 0.5, CPUB: 0.4,
			Procs: 1, Load: "9.0 8.0 7.0", Sched: schedule{PerSec: 49.9, Off: 1, P99: 300 * time.Microsecond, WorstP99: time.Millisecond},
			Floor: 2 * time.Millisecond, Retried: fmt.Errorf("%w: 49 of 50", errStartup), Missing: 13, MissingLog: "add vip failed"},
		{N: 50, Proto: v2Proto, Daemon: "keepalived", RSSKiB: []int64{5120}, RSSB: []int64{4096}, CPU: 1, CPUB: 1.6, Procs: 2, Load: "9.1 8.0 7.0",
			Sched: schedule{PerSec: 50}},
		{N: 250, Proto: v3Fast, Daemon: "goalived", Err: errors.New("boom")},
		{N: 250, Proto: v3Fast, Daemon: "keepalived", RSSKiB: []int64{1024}, CPU: 1, Procs: 2},
	}, time.Minute)
	writeSpurious(&b, []spurSample{
		{N: 1, Daemon: "goalived", Samples: 6000, MaxGap: 31 * time.Millisecond, Burners: 2, Load: "10 9 8"},
		{N: 1, Daemon: "keepalived", TransA: 2, TransB: 3, Dual: 12, Samples: 5990, Burners: 2,
			Silence: 80 * time.Millisecond, Silences: 1, BAdverts: 4},
		{N: 10, Daemon: "keepalived", Err: errors.New("a | b")},
	}, time.Minute)
	writeConfigTest(&b, []ctSample{
		{N: 10, Daemon: "goalived", Times: []time.Duration{10 * time.Millisecond, 30 * time.Millisecond, 20 * time.Millisecond}, Codes: []int{0, 0, 0}},
		{N: 10, Daemon: "keepalived", Times: []time.Duration{40 * time.Millisecond}, Codes: []int{0}},
		{N: 1000, Daemon: "goalived", Times: []time.Duration{time.Millisecond}, Codes: []int{5}},
		{N: 1000, Daemon: "keepalived", Times: []time.Duration{time.Millisecond}, Codes: []int{0}},
	}, 3*time.Millisecond, 3)
	out := b.String()
	for _, want := range []string{
		"| v2 1s | 50 | goalived | 10.0 / 20.0 | 2.0 / 2.0 | 0.50 | 0.40 | 49.90 (50) | 1 | 0.30 ms / 1.00 ms | 2.00 ms | 1 | 9.0 8.0 7.0 | 0 | 1 | 13 |",
		"| v2 1s | 50 | keepalived | 5.0 / 5.0 | 4.0 / 4.0 | 1.00 | 1.60 | 50.00 (50) | 0 | 0.00 ms / 0.00 ms | 0.00 ms | 2 | 9.1 8.0 7.0 | 0 | 0 | 0 |",
		"| v3 0.1s | 250 | goalived | - | - | - | - | - (2500) | - | - / - | - | 0 |  | 1 | 0 |  |",
		"| v2 1s | 50 | 2.00 | 0.50 | 0.50 | 0.25 |",
		"| v3 0.1s | 250 | - | - | - | - |",
		"- goalived N=50: master of all 50 instances but 13 VIP(s) never added; its log: add vip failed",
		"- goalived N=50, first attempt (re-run once): start-up: 49 of 50",
		"- goalived N=250 FAILED: boom",
		"| goalived | 1 | 0 (0 + 0) | 0 / 6000 | 31ms | 0s | 0 | 0 | 10 9 8 |",
		"| keepalived | 1 | 5 (2 + 3) | 12 / 5990 | 0s | 80ms | 1 | 4 |",
		"| keepalived | 10 | FAILED: a / b |",
		"| 10 | 20.0 ms / 30.0 ms | 40.0 ms / 40.0 ms | 0.50 | 0, 0 | yes |",
		"| 1000 | 1.0 ms / 1.0 ms | 1.0 ms / 1.0 ms | 1.00 | 5, 0 | NO |",
		"(alone: 3.0 ms median)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("tables lack %q:\n%s", want, out)
		}
	}
}

func TestParseLongFlags(t *testing.T) {
	base := []string{"--goalived", "/bin/true", "--keepalived", "/bin/true"}
	c, err := parseFlags(append([]string{"--quick", "--scenarios", "resources,spurious,configtest"}, base...))
	if err != nil {
		t.Fatal(err)
	}
	got := []any{c.duration, c.sizes, c.sizesV3, c.spurN, c.ctSizes, c.ctRuns, c.longReps, c.burners, c.needsLab()}
	want := []any{10 * time.Second, []int{1, 50}, []int{}, []int{1}, []int{10, 250}, 5, 1, 2, true}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("--quick long flags (-want +got):\n%s", diff)
	}
	c, err = parseFlags(append([]string{"--scenarios", "configtest"}, base...))
	if err != nil {
		t.Fatal(err)
	}
	if c.needsLab() || c.duration != time.Minute || !slices.Equal(c.sizes, []int{1, 50, 250, 1000}) ||
		!slices.Equal(c.sizesV3, []int{250}) || c.longReps != 3 || c.ctSizes[2] != 1000 {
		t.Errorf("defaults: needsLab %v, duration %v, sizes %v, v3 sizes %v, reps %d, configtest sizes %v",
			c.needsLab(), c.duration, c.sizes, c.sizesV3, c.longReps, c.ctSizes)
	}
	for _, bad := range [][]string{
		{"--duration", "1s"}, {"--instances", "1001"}, {"--instances-v3", "1001"}, {"--instances", "0"}, {"--configtest-instances", "1001"},
		{"--spurious-instances", ""}, {"--long-reps", "0"}, {"--configtest-runs", "0"}, {"--burners", "-1"},
	} {
		if _, err := parseFlags(append(bad, base...)); err == nil {
			t.Errorf("parseFlags(%q): no error", bad)
		}
	}
}

func TestSilences(t *testing.T) {
	a, b := netip.MustParseAddr("192.0.2.11"), netip.MustParseAddr("192.0.2.12")
	t0 := time.Unix(1000, 0)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	fs := []frame{
		{Kind: kindAdvert, SrcIP: a, VRID: 1, Prio: 200, At: at(10)},
		{Kind: kindAdvert, SrcIP: a, VRID: 1, Prio: 200, At: at(30)},
		{Kind: kindAdvert, SrcIP: a, VRID: 2, Prio: 200, At: at(50)}, // other VRID
		{Kind: kindAdvert, SrcIP: b, VRID: 1, Prio: 100, At: at(100)},
		{Kind: kindGARP, SrcIP: a, At: at(110)},
		{Kind: kindAdvert, SrcIP: a, VRID: 1, Prio: 200, At: at(130)}, // 100 ms silence
		{Kind: kindAdvert, SrcIP: a, VRID: 1, Prio: 200, At: at(150)},
	}
	longest, over := silences(fs, a, 1, at(0), at(200), 72*time.Millisecond)
	if longest != 100*time.Millisecond || over != 1 {
		t.Errorf("silences = %v, %d; want 100ms, 1", longest, over)
	}
	// The window's end counts: nothing after 150 until 250.
	if longest, over = silences(fs, a, 1, at(0), at(250), 72*time.Millisecond); longest != 100*time.Millisecond || over != 2 {
		t.Errorf("silences to 250 = %v, %d; want 100ms, 2", longest, over)
	}
	if n := countBetween(fs, b, 1, at(0), at(100)); n != 0 {
		t.Errorf("countBetween before b's advert = %d, want 0", n)
	}
	if n := countBetween(fs, b, 1, at(100), at(101)); n != 1 {
		t.Errorf("countBetween at b's advert = %d, want 1", n)
	}
}
