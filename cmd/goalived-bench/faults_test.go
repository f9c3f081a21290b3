package main

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// samplesAt builds sampler samples 10 ms apart from t0, one per letter:
// a (steady), b (b holds it), 2 (both), 0 (neither), e (listing failed).
func samplesAt(t0 time.Time, pattern string) *vipSampler {
	s := &vipSampler{vips: []netip.Addr{fleetVIP(0)}}
	for i, c := range pattern {
		smp := vipSample{At: t0.Add(time.Duration(i) * 10 * time.Millisecond)}
		switch c {
		case 'a':
			smp.OnA, smp.Either = 1, true
		case 'b':
			smp.OnB, smp.Either = 1, true
		case '2':
			smp.OnA, smp.OnB, smp.Either, smp.Both = 1, 1, true, true
		case 'e':
			smp.Err = true
		}
		s.samples = append(s.samples, smp)
	}
	return s
}

func TestVIPSamplerWindow(t *testing.T) {
	t0 := time.Unix(1000, 0)
	ms := time.Millisecond
	tests := []struct {
		name    string
		pattern string
		from    int // sample index
		to      int
		want    vipWindow
		took    bool
	}{
		{name: "steady", pattern: "aaaa", to: 4, want: vipWindow{Period: 10 * ms}},
		{name: "failover gap", pattern: "aa000bbaa", to: 9, want: vipWindow{Gap: 30 * ms, Period: 10 * ms}, took: true},
		{name: "longest of two gaps", pattern: "a0a00a", to: 6, want: vipWindow{Gap: 20 * ms, Period: 10 * ms}},
		{name: "both summed", pattern: "a22a2a", to: 6, want: vipWindow{Both: 30 * ms, Period: 10 * ms}, took: true},
		{name: "a failed listing ends a gap", pattern: "00e00", to: 5, want: vipWindow{Gap: 20 * ms, Period: 10 * ms}},
		{name: "gap to the window's end", pattern: "aa000", to: 4, want: vipWindow{Gap: 20 * ms, Period: 10 * ms}},
		{name: "window inside", pattern: "0000bb22", from: 4, to: 7, want: vipWindow{Both: 10 * ms, Period: 10 * ms}, took: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := samplesAt(t0, tc.pattern)
			from, to := t0.Add(time.Duration(tc.from)*10*ms), t0.Add(time.Duration(tc.to)*10*ms)
			if diff := cmp.Diff(tc.want, s.between(from, to)); diff != "" {
				t.Errorf("between (-want +got):\n%s", diff)
			}
			if got := s.tookOver(from, to); got != tc.took {
				t.Errorf("tookOver = %v, want %v", got, tc.took)
			}
		})
	}
}

func TestFIFOTransitions(t *testing.T) {
	t0 := time.Unix(1000, 0)
	lines := []string{
		`INSTANCE "VI_1" BACKUP 150`,
		`INSTANCE "VI_1" MASTER 150`, // before the window
		`INSTANCE "VI_1" MASTER_RX_LOWER_PRI 150`,
		`INSTANCE "VI_1" MASTER 150`, // a repeat
		`INSTANCE "VI_2" BACKUP 100`, // another instance's first line
		`INSTANCE "VI_1" FAULT 150`,
		`GROUP "G" MASTER`,
		`INSTANCE "VI_1" BACKUP 150`,
	}
	r := &fifoReader{lines: &lineLog{}}
	for i, l := range lines {
		r.lines.lines = append(r.lines.lines, stampedLine{At: t0.Add(time.Duration(i) * time.Second), Text: l})
	}
	changes, other := r.transitions(t0.Add(2*time.Second), t0.Add(time.Hour))
	if changes != 3 || other != 2 {
		t.Errorf("transitions = %d changes, %d other lines; want 3 (VI_2 BACKUP, FAULT, BACKUP) and 2", changes, other)
	}
	at, ok := r.firstState("FAULT", t0)
	if !ok || !at.Equal(t0.Add(5*time.Second)) {
		t.Errorf("firstState(FAULT) = %v, %v; want %v", at, ok, t0.Add(5*time.Second))
	}
}

// TestFloodFrames checks the spoofed frames with the observer's own
// decoder: adverts of VRRP version, VRID and priority as meant, from
// the documentation range above the lab's hosts.
func TestFloodFrames(t *testing.T) {
	for _, p := range []protocol{v2, v3} {
		frames, err := floodFrames(p, 1, fleetVIP(0))
		if err != nil {
			t.Fatal(err)
		}
		if len(frames) != 3*floodSources {
			t.Fatalf("v%d: %d frames, want %d", p.Version, len(frames), 3*floodSources)
		}
		vrids := map[int]int{}
		for _, b := range frames {
			f, ok, err := decodeFrame(b)
			if err != nil || !ok || f.Kind != kindAdvert || f.Version != p.Version || f.Prio != prioBackup/2 {
				t.Fatalf("v%d: frame decodes as %+v, %v, %v", p.Version, f, ok, err)
			}
			if !f.SrcIP.Is4() || f.SrcIP.As4()[3] < 128 {
				t.Errorf("v%d: spoofed source %v, want 192.0.2.128 or above", p.Version, f.SrcIP)
			}
			if inetChecksum(b[ethHdrLen:ethHdrLen+20]) != 0 {
				t.Errorf("v%d: bad IPv4 header checksum", p.Version)
			}
			vrids[f.VRID]++
		}
		if diff := cmp.Diff(map[int]int{1: 2 * floodSources, 102: floodSources}, vrids); diff != "" {
			t.Errorf("v%d: frames per VRID (-want +got):\n%s", p.Version, diff)
		}
	}
}

func TestGoroutinesIn(t *testing.T) {
	body := "# HELP go_goroutines Number of goroutines.\n# TYPE go_goroutines gauge\ngo_goroutines 13\nprocess_open_fds 14\n"
	if n, err := goroutinesIn(strings.NewReader(body)); err != nil || n != 13 {
		t.Errorf("goroutinesIn = %d, %v; want 13", n, err)
	}
	if _, err := goroutinesIn(strings.NewReader("process_open_fds 14\n")); err == nil {
		t.Error("goroutinesIn without the series: no error")
	}
}

func TestFirstStampAfter(t *testing.T) {
	log := filepath.Join(t.TempDir(), "notified.log")
	if err := os.WriteFile(log, []byte("1000.250000000\n1005.500000000\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	at, ok := firstStampAfter(log, time.Unix(1001, 0))
	if !ok || at.Sub(time.Unix(1005, 500_000_000)).Abs() > time.Microsecond {
		t.Errorf("firstStampAfter = %v, %v; want 1005.5", at, ok)
	}
	if _, ok := firstStampAfter(log, time.Unix(1006, 0)); ok {
		t.Error("firstStampAfter past the last stamp found one")
	}
}

func TestFaultFlags(t *testing.T) {
	tests := []struct {
		args    []string
		want    string // plan summary or error substring
		wantErr bool
	}{
		{args: nil, want: "kinds [sigstop link partition loss notify-hang check-hang flood soak] reps 5 loss 30s soak 10m0s step 30s flood 100000"},
		{args: []string{"--quick"}, want: "kinds [sigstop link partition loss notify-hang check-hang flood soak] reps 1 loss 10s soak 30s step 1.5s flood 100000"},
		{args: []string{"--quick", "--fault-reps", "3", "--faults", "flood,soak"}, want: "kinds [flood soak] reps 3 loss 10s soak 30s step 1.5s flood 100000"},
		{args: []string{"--faults", "meteor"}, want: `unknown fault "meteor"`, wantErr: true},
		{args: []string{"--loss-percent", "0"}, want: "--loss-percent 0", wantErr: true},
	}
	for _, tc := range tests {
		c, err := parseFlags(append([]string{"--goalived", "/x/goalived", "--keepalived", "/x/keepalived"}, tc.args...))
		if tc.wantErr {
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%v: error %v, want one with %q", tc.args, err, tc.want)
			}
			continue
		}
		p := c.faults
		got := fmt.Sprintf("kinds %v reps %d loss %v soak %v step %v flood %d", p.kinds, p.reps, p.lossFor, p.soakFor, p.soakStep, p.floodN)
		if err != nil || got != tc.want {
			t.Errorf("%v: %q, %v; want %q", tc.args, got, err, tc.want)
		}
	}
}

func TestAdvertSilences(t *testing.T) {
	t0 := time.Unix(1000, 0)
	a, b := netip.MustParseAddr("192.0.2.11"), netip.MustParseAddr("192.0.2.12")
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	s := newAdvertSilences(a, 300*time.Millisecond, t0, 2)
	s.feed([]frame{
		{At: at(100), Kind: kindAdvert, SrcIP: a, VRID: 1, Prio: 150},
		{At: at(150), Kind: kindAdvert, SrcIP: a, VRID: 2, Prio: 150},
		{At: at(200), Kind: kindAdvert, SrcIP: b, VRID: 1, Prio: 100}, // another router
		{At: at(300), Kind: kindAdvert, SrcIP: a, VRID: 9, Prio: 150}, // not followed
		{At: at(450), Kind: kindAdvert, SrcIP: a, VRID: 2, Prio: 0},   // a priority 0 is no presence
		{At: at(500), Kind: kindGARP, SrcIP: a},
	})
	s.feed([]frame{{At: at(600), Kind: kindAdvert, SrcIP: a, VRID: 1, Prio: 150}}) // 500 ms after the last
	s.end(at(700))
	// VRID 1: 100, 500, 100; VRID 2: 150, then 550 to the end.
	if s.Longest != 550*time.Millisecond || s.Over != 2 {
		t.Errorf("longest %v, %d over 300 ms; want 550ms and 2", s.Longest, s.Over)
	}
}

func TestFaultComparison(t *testing.T) {
	ms := time.Millisecond
	rep := func(lost int, gap, after time.Duration, ta int) repResult {
		return repResult{Lost: lost, Gap: gap, BothAfter: after, Recovery: 2 * after, TransA: ta, TransB: 2}
	}
	runs := []faultResult{
		{Fault: faultStop, Proto: v3, Subject: "keepalived", Reps: []repResult{rep(3, 50*ms, 20*ms, 0), rep(1, 10*ms, 200*ms, 0), rep(2, 30*ms, 40*ms, 1)}},
		{Fault: faultStop, Proto: v3, Subject: "goalived", Reps: []repResult{rep(0, 0, 0, 0), rep(0, 0, 8*ms, 0)}},
		{Fault: faultLink, Proto: v3, Subject: "goalived", Reps: []repResult{rep(30, 300*ms, 0, 3)}, Err: errors.New("heal failed")},
	}
	var b strings.Builder
	writeFaultComparison(&b, []string{"goalived", "keepalived"}, runs)
	want := []string{
		"| fault | VRRP | pings lost, goalived | pings lost, keepalived | longest VIP gap, goalived | longest VIP gap, keepalived | " +
			"VIP on both after the heal, goalived | VIP on both after the heal, keepalived | heal -> steady, goalived | heal -> steady, keepalived | " +
			"transitions a / b, goalived | transitions a / b, keepalived |",
		"|---|---|---|---|---|---|---|---|---|---|---|---|",
		"| sigstop | VRRPv3 advert_int 0.1 | 0 / 0 | 2 / 3 | 0 / 0 ms | 30 / 50 ms | 4 / 8 ms | 40 / 200 ms | 8 / 16 ms | 80 / 400 ms | 0 / 4 | 1 / 6 |",
		"| link | VRRPv3 advert_int 0.1 | failed after 1 rep(s) | - | failed after 1 rep(s) | - | failed after 1 rep(s) | - | failed after 1 rep(s) | - | failed after 1 rep(s) | - |",
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if diff := cmp.Diff(want, lines[2:]); diff != "" {
		t.Errorf("comparison table (-want +got):\n%s", diff)
	}
}
