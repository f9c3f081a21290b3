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
		got, err := parseLoad1(strings.Fields(tc.in))
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("parseLoad1(%q) = %v, %v; want %v, error %v", tc.in, got, err, tc.want, tc.err)
		}
	}
}

// A load that stays above the limit: the wait gives up after max and says
// so; one that falls under it ends the wait; a limit of 0 does not wait.
func TestWaitQuietBounded(t *testing.T) {
	steady := func() (float64, error) { return 2, nil }
	var out bytes.Buffer
	start := time.Now()
	if err := waitLoad(context.Background(), 0.5, time.Millisecond, &out, steady); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "load average still 2.00") || !strings.Contains(out.String(), "going on") {
		t.Errorf("load 2 above the limit: want a give-up line, got %q", out.String())
	}
	if d := time.Since(start); d > time.Minute {
		t.Errorf("bounded wait took %v", d)
	}

	loads := []float64{2, 0.1}
	falling := func() (float64, error) { l := loads[0]; loads = loads[1:]; return l, nil }
	out.Reset()
	if err := waitLoad(context.Background(), 0.5, 50*time.Millisecond, &out, falling); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "load average 0.10 after") {
		t.Errorf("load falling to 0.1: want the end of the wait, got %q", out.String())
	}

	out.Reset()
	if err := waitLoad(context.Background(), 0, time.Hour, &out, steady); err != nil || out.Len() != 0 {
		t.Errorf("limit 0: %v, %q", err, out.String())
	}
}
