package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
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
	return waitLoad(ctx, limit, max, progress, load1)
}

// waitLoad is waitQuiet with the 1-minute load average read by load.
func waitLoad(ctx context.Context, limit float64, max time.Duration, progress io.Writer, load func() (float64, error)) error {
	if limit <= 0 {
		return nil
	}
	start := time.Now()
	l, err := load()
	if err != nil || l < limit {
		return nil // no /proc/loadavg: nothing to wait on
	}
	fmt.Fprintf(progress, "waiting up to %v for the 1-minute load average (%.2f) to fall under %.2f\n", max, l, limit)
	for l >= limit {
		left := max - time.Since(start)
		if left <= 0 {
			fmt.Fprintf(progress, "load average still %.2f after %v: going on (the table shows each window's load)\n",
				l, time.Since(start).Round(time.Second))
			return nil
		}
		if err := sleep(ctx, min(quietPoll, left)); err != nil {
			return err
		}
		if l, err = load(); err != nil {
			return nil
		}
	}
	fmt.Fprintf(progress, "load average %.2f after %v\n", l, time.Since(start).Round(time.Second))
	return nil
}

// quietPoll: the kernel recomputes the load average every 5 s.
const quietPoll = 5 * time.Second

// load1 is the 1-minute load average.
func load1() (float64, error) {
	f, err := loadFields()
	if err != nil {
		return 0, err
	}
	return parseLoad1(f)
}

func parseLoad1(f []string) (float64, error) {
	if len(f) == 0 {
		return 0, fmt.Errorf("load average: empty")
	}
	v, err := strconv.ParseFloat(f[0], 64)
	if err != nil {
		return 0, fmt.Errorf("load average %q: %w", f[0], err)
	}
	return v, nil
}
