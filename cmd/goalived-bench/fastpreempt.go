package main

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// fastBound is the latest a backup with --fast-preempt takes over in the
// check scenario: its skew time after the master's first lower-priority
// advert, which comes at most one advert interval after the check
// lowered the master's priority (fall check intervals after the flag).
func (k rowKey) fastBound() time.Duration {
	skew := k.Proto.skew(prioBackup)
	if k.Metric == lowerAdvert {
		return skew
	}
	return checkFall*checkInterval + k.Proto.AdvertInt + skew
}

// writeFastTable compares, row by check row, goalived with and without
// --fast-preempt and keepalived, when goalived-fast-preempt ran. Without
// the option a backup discards the lower-priority adverts and takes over
// when the down timer started by the last higher-priority advert runs
// out; with it, one skew time after the first lower-priority advert: two
// advert intervals sooner.
func (r *results) writeFastTable(w io.Writer) {
	var rows []rowKey
	for _, k := range r.rows {
		if k.Scenario == check && (len(r.samples[k][fastPreempt]) > 0 || r.errors[k][fastPreempt] > 0) {
			rows = append(rows, k)
		}
	}
	if len(rows) == 0 {
		return
	}
	fmt.Fprintf(w, "Check-driven failover with %s (goalived --fast-preempt: the backup takes over one skew time "+
		"after the master's first lower-priority advert instead of when its down timer runs out), same run:\n\n", fastPreempt)
	fmt.Fprintln(w, "| scenario | measured from -> to | RFC bound | --fast-preempt bound | goalived median / worst | "+
		"goalived --fast-preempt median / worst | keepalived median / worst | gain over goalived / keepalived (median) | "+
		"--fast-preempt / goalived, / keepalived (median) | n (goalived, --fast-preempt, keepalived) |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|")
	for _, k := range rows {
		gm, gw, gok := medianWorst(r.samples[k]["goalived"])
		fm, fw, fok := medianWorst(r.samples[k][fastPreempt])
		km, kw, kok := medianWorst(r.samples[k]["keepalived"])
		gains, ratios := []string{"-", "-"}, []string{"-", "-"}
		if fok && gok {
			gains[0], ratios[0] = ms(gm-fm), fmt.Sprintf("%.3f", float64(fm)/float64(gm))
		}
		if fok && kok {
			gains[1], ratios[1] = ms(km-fm), fmt.Sprintf("%.3f", float64(fm)/float64(km))
		}
		cells := []string{
			fmt.Sprintf("%s, %s", k.Scenario, k.Proto),
			fmt.Sprintf("%s -> %s", k.from(), k.Metric.to()),
			ms(k.bound()), ms(k.fastBound()),
			medianCell(gm, gw, gok), medianCell(fm, fw, fok), medianCell(km, kw, kok),
			strings.Join(gains, " / "), strings.Join(ratios, ", "),
			fmt.Sprintf("%s, %s, %s", r.count(k, "goalived"), r.count(k, fastPreempt), r.count(k, "keepalived")),
		}
		fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
	}
	fmt.Fprintln(w)
}
