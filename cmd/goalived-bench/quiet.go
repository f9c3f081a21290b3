package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

// A repetition of resources or reload that starts while the previous
// one's load is still decaying (keepalived's 1000-instance start-up
// leaves the 1-minute average at 1-2.3) measures the machine rather than
// the daemon. waitQuiet holds a repetition back until the 1-minute load
// average is under limit, for at most max, and says in the progress
// output how long it waited and whether the machine got quiet; the load
// each window started at is still in the tables.
func waitQuiet(ctx context.Context, limit float64, max time.Duration, progress io.Writer) error {
	if limit <= 0 {
		return nil
	}
	start := time.Now()
	load, err := load1()
	if err != nil || load < limit {
		return nil // no /proc/loadavg: nothing to wait on
	}
	fmt.Fprintf(progress, "waiting up to %v for the 1-minute load average (%.2f) to fall under %.2f\n", max, load, limit)
	for load >= limit {
		left := max - time.Since(start)
		if left <= 0 {
			fmt.Fprintf(progress, "load average still %.2f after %v: going on (the table shows each window's load)\n",
				load, time.Since(start).Round(time.Second))
			return nil
		}
		if err := sleep(ctx, min(quietPoll, left)); err != nil {
			return err
		}
		if load, err = load1(); err != nil {
			return nil
		}
	}
	fmt.Fprintf(progress, "load average %.2f after %v\n", load, time.Since(start).Round(time.Second))
	return nil
}

// quietPoll: the kernel recomputes the load average every 5 s.
const quietPoll = 5 * time.Second

// load1 is the 1-minute load average.
func load1() (float64, error) {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0, err
	}
	return parseLoad1(string(b))
}

func parseLoad1(s string) (float64, error) {
	f := strings.Fields(s)
	if len(f) == 0 {
		return 0, fmt.Errorf("load average %q: empty", s)
	}
	v, err := strconv.ParseFloat(f[0], 64)
	if err != nil {
		return 0, fmt.Errorf("load average %q: %w", s, err)
	}
	return v, nil
}
