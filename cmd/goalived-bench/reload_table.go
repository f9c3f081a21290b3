package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// writeReload writes one row per size and daemon, medians over the
// repetitions.
func writeReload(w io.Writer, ss []reloadSample, win time.Duration) {
	fmt.Fprintf(w, "Start-up and reload: a master of N VRRPv2 instances (advert_int 1, over eth0..eth3), b its backup. "+
		"Start-up = from exec to the first advert of the last instance on the wire (a alone, so it includes the "+
		"Master_Down_Interval of %s). Reload = SIGHUP to a, the file unchanged, then with VI_1's priority changed: wall time to "+
		"the daemon's end of reload (goalived's \"Reload complete\" line, keepalived's last \"VRRP sockpool\" line), its CPU time "+
		"beyond the idle rate, transition lines and VIP address changes on a and b, and the longest gap between two "+
		"adverts of one instance of a (advert_int 1 s) within %v of the signal. Medians of the repetitions.\n\n",
		ms(v2Proto.masterDown(prioMaster)), win)
	fmt.Fprintln(w, "| N | daemon | start-up | unchanged: wall / CPU | transitions, VIP changes | longest advert gap | one changed: wall / CPU | transitions, VIP changes | longest advert gap | load avg per run | failed |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|---|")
	type key struct {
		n      int
		daemon string
	}
	cells := map[key][]reloadSample{}
	var keys []key
	for _, s := range ss {
		k := key{s.N, s.Daemon}
		if _, ok := cells[k]; !ok {
			keys = append(keys, k)
		}
		cells[k] = append(cells[k], s)
	}
	slices.SortStableFunc(keys, func(a, b key) int { return a.n - b.n })
	for _, k := range keys {
		var ok []reloadSample
		var loads []string
		fails := 0
		for _, s := range cells[k] {
			loads = append(loads, s.Load)
			if s.Err != nil {
				fails++
				continue
			}
			ok = append(ok, s)
		}
		med := func(f func(reloadSample) time.Duration) string {
			if len(ok) == 0 {
				return "-"
			}
			ds := make([]time.Duration, len(ok))
			for i, s := range ok {
				ds[i] = f(s)
			}
			m, _, _ := medianWorst(ds)
			return ms(m)
		}
		counts := func(f func(reloadSample) (int, int)) string {
			var a, b []int
			for _, s := range ok {
				x, y := f(s)
				a, b = append(a, x), append(b, y)
			}
			return ints(a) + "; " + ints(b)
		}
		fmt.Fprintf(w, "| %d | %s | %s | %s / %s | %s | %s | %s / %s | %s | %s | %s | %d |\n", k.n, k.daemon,
			med(func(s reloadSample) time.Duration { return s.Startup }),
			med(func(s reloadSample) time.Duration { return s.Unchanged.Wall }),
			med(func(s reloadSample) time.Duration { return s.Unchanged.CPU }),
			counts(func(s reloadSample) (int, int) { return s.Unchanged.Trans, s.Unchanged.VIPs }),
			med(func(s reloadSample) time.Duration { return s.Unchanged.MaxGap }),
			med(func(s reloadSample) time.Duration { return s.Changed.Wall }),
			med(func(s reloadSample) time.Duration { return s.Changed.CPU }),
			counts(func(s reloadSample) (int, int) { return s.Changed.Trans, s.Changed.VIPs }),
			med(func(s reloadSample) time.Duration { return s.Changed.MaxGap }),
			strings.Join(loads, "; "), fails)
	}
	fmt.Fprintln(w)
	for _, s := range ss {
		if s.Retried != nil {
			fmt.Fprintf(w, "- reload %s N=%d, first attempt (re-run once): %s\n", s.Daemon, s.N, oneLine(s.Retried.Error()))
		}
		if s.Err != nil {
			fmt.Fprintf(w, "- reload %s N=%d FAILED: %s\n", s.Daemon, s.N, oneLine(s.Err.Error()))
		}
	}
	fmt.Fprintln(w)
}
