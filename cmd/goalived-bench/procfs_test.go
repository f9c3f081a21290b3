package main

import (
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseVmRSS(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    int64
		wantErr bool
	}{
		{"keepalived", "Name:\tkeepalived\nVmPeak:\t   12000 kB\nVmRSS:\t    5232 kB\nRssAnon:\t 1000 kB\n", 5232, false},
		{"zero", "VmRSS:\t0 kB\n", 0, false},
		{"kernel thread", "Name:\tkthreadd\nState:\tS (sleeping)\n", 0, true},
		{"no unit", "VmRSS:\t5232\n", 0, true},
		{"not a number", "VmRSS:\tlots kB\n", 0, true},
		{"negative", "VmRSS:\t-5 kB\n", 0, true},
		{"empty", "", 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseVmRSS(tc.in)
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Errorf("parseVmRSS = %d, %v; want %d, error %v", got, err, tc.want, tc.wantErr)
			}
		})
	}
}

func TestParseStat(t *testing.T) {
	// Fields after the name: state ppid pgrp session tty tpgid flags
	// minflt cminflt majflt cmajflt utime stime cutime ...
	const rest = " S 812 812 812 0 -1 4194624 300 0 0 0 150 27 9 9 20 0 1 0 5000 1000 200"
	tests := []struct {
		name    string
		in      string
		want    procStat
		wantErr bool
	}{
		{"plain", "813 (keepalived)" + rest, procStat{PPid: 812, Ticks: 177}, false},
		{"name with spaces and parens", "813 (a) b (c))" + rest, procStat{PPid: 812, Ticks: 177}, false},
		{"no parens", "813 keepalived S 1", procStat{}, true},
		{"short", "813 (x) S 1 2 3", procStat{}, true},
		{"bad utime", "813 (x) S 812 812 812 0 -1 4194624 300 0 0 0 x 27 9 9", procStat{}, true},
		{"empty", "", procStat{}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseStat(tc.in)
			if (err != nil) != tc.wantErr {
				t.Fatalf("parseStat error %v, want error %v", err, tc.wantErr)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("parseStat (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDescendants(t *testing.T) {
	children := map[int][]int{1: {10, 20}, 10: {11}, 11: {12}, 20: nil, 99: {100}}
	if diff := cmp.Diff([]int{10, 11, 12}, descendants(10, children)); diff != "" {
		t.Errorf("descendants(10) (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int{1, 10, 20, 11, 12}, descendants(1, children)); diff != "" {
		t.Errorf("descendants(1) (-want +got):\n%s", diff)
	}
}

func TestCPUDelta(t *testing.T) {
	start := usage{Ticks: map[int]int64{10: 100, 11: 50, 12: 7}}
	// 10 used 150 ticks, 11 none, 12 exited (not counted), 13 was born
	// during the window with 20.
	end := usage{Ticks: map[int]int64{10: 250, 11: 50, 13: 20}}
	if got := cpuDelta(start, end); got != 1.7 {
		t.Errorf("cpuDelta = %v s, want 1.7", got)
	}
}

// TestSampleTreeSelf reads this test process: it has an RSS, and its
// CPU time does not go backwards.
func TestSampleTreeSelf(t *testing.T) {
	u0, err := sampleTree(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if u0.RSSKiB <= 0 {
		t.Errorf("RSS of this process = %d KiB, want > 0", u0.RSSKiB)
	}
	x := 0
	for i := range 20_000_000 {
		x += i
	}
	_ = x
	u1, err := sampleTree(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if d := cpuDelta(u0, u1); d < 0 {
		t.Errorf("cpuDelta = %v, want >= 0", d)
	}
	if _, err := sampleTree(1 << 30); err == nil {
		t.Error("sampleTree of a pid that cannot exist: no error")
	}
}
