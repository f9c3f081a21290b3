package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

func TestParseLoad1(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want float64
		err  bool
	}{
		{"0.35 1.13 1.42 2/345 6789\n", 0.35, false},
		{"12.00 1.00 1.00 1/1 1", 12, false},
		{"", 0, true},
		{"x 1 1", 0, true},
	} {
		got, err := parseLoad1(tc.in)
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("parseLoad1(%q) = %v, %v; want %v, error %v", tc.in, got, err, tc.want, tc.err)
		}
	}
}

// A limit no machine reaches: the wait gives up after max and says so;
// a limit of 0 does not wait.
func TestWaitQuietBounded(t *testing.T) {
	var out bytes.Buffer
	start := time.Now()
	if err := waitQuiet(context.Background(), 1e-9, time.Millisecond, &out); err != nil {
		t.Fatal(err)
	}
	if l, err := load1(); err == nil && l > 0 && !strings.Contains(out.String(), "going on") {
		t.Errorf("load %.2f above the limit: want a give-up line, got %q", l, out.String())
	}
	if d := time.Since(start); d > time.Minute {
		t.Errorf("bounded wait took %v", d)
	}
	out.Reset()
	if err := waitQuiet(context.Background(), 0, time.Hour, &out); err != nil || out.Len() != 0 {
		t.Errorf("limit 0: %v, %q", err, out.String())
	}
}
