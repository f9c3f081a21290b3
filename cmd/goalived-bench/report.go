package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// metric is which frame of the new master a row measures (and, for
// lowerAdvert, from which event).
type metric string

const (
	firstAdvert metric = "first advert"
	firstGARP   metric = "first GARP"
	// lowerAdvert (check): from the master's first advert of a priority
	// below the backup's to the backup's first advert: the protocol's
	// part of a check-driven failover, without the check's timing.
	lowerAdvert metric = "first advert after lower"
)

// to is the frame the metric ends at.
func (m metric) to() string {
	if m == lowerAdvert {
		return string(firstAdvert)
	}
	return string(m)
}

// rowKey names one row of the table; each row has one sample list per
// daemon.
type rowKey struct {
	Scenario scenario
	Proto    protocol
	Metric   metric
}

// from says what the row's durations are measured from.
func (k rowKey) from() string {
	if k.Metric == lowerAdvert {
		return "master's first lower-priority advert (check failed)"
	}
	switch k.Scenario {
	case crash:
		return "master's last advert (cable cut)"
	case graceful:
		return "master's priority-0 advert (SIGTERM)"
	}
	return "check starts failing (flag file)"
}

// bound is the RFC's time for the row (backup priority 100):
// crash: Master_Down_Interval = 3 * Advertisement_Interval + Skew_Time;
// graceful: Skew_Time (RFC 3768 / 5798 section 6.4.2, priority 0);
// check: fall check intervals until the priority drops, then the
// Master_Down_Interval (the backup discards the lower-priority adverts);
// from the first lower-priority advert, what is left of the down timer
// started by the higher-priority one an advert interval before.
func (k rowKey) bound() time.Duration {
	if k.Metric == lowerAdvert {
		return k.Proto.masterDown(prioBackup) - k.Proto.AdvertInt
	}
	switch k.Scenario {
	case graceful:
		return k.Proto.skew(prioBackup)
	case check:
		return checkFall*checkInterval + k.Proto.masterDown(prioBackup)
	}
	return k.Proto.masterDown(prioBackup)
}

// results collects samples per row and daemon.
type results struct {
	rows    []rowKey // in first-seen order
	samples map[rowKey]map[string][]time.Duration
	errors  map[rowKey]map[string]int
	retries map[string]int // daemon -> trials re-run after a failed start-up
	long    longResults
}

func newResults() *results {
	return &results{samples: map[rowKey]map[string][]time.Duration{}, errors: map[rowKey]map[string]int{}}
}

func (r *results) row(k rowKey) {
	if _, ok := r.samples[k]; !ok {
		r.rows = append(r.rows, k)
		r.samples[k] = map[string][]time.Duration{}
		r.errors[k] = map[string]int{}
	}
}

// add records one trial: both metrics of a sample, or a failure.
func (r *results) add(s scenario, p protocol, daemon string, smp sample, err error) {
	metrics := []metric{firstAdvert}
	switch s {
	case crash:
		metrics = append(metrics, firstGARP)
	case check:
		metrics = append(metrics, lowerAdvert)
	}
	for _, m := range metrics {
		k := rowKey{s, p, m}
		r.row(k)
		if err != nil {
			r.errors[k][daemon]++
			continue
		}
		v := smp.Advert
		switch m {
		case firstGARP:
			v = smp.GARP
		case lowerAdvert:
			v = smp.Lower
		}
		r.samples[k][daemon] = append(r.samples[k][daemon], v)
	}
}

// median and worst of a sample list; ok=false when it is empty.
func medianWorst(ds []time.Duration) (median, worst time.Duration, ok bool) {
	if len(ds) == 0 {
		return 0, 0, false
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	n := len(s)
	median = s[n/2]
	if n%2 == 0 {
		median = (s[n/2-1] + s[n/2]) / 2
	}
	return median, s[n-1], true
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }

// medianCell is "median / worst", or "-" without samples.
func medianCell(median, worst time.Duration, ok bool) string {
	if !ok {
		return "-"
	}
	return ms(median) + " / " + ms(worst)
}

func signedMS(d time.Duration) string {
	return fmt.Sprintf("%+.1f ms", float64(d)/float64(time.Millisecond))
}

// writeTable writes the markdown table: per row the bound, each daemon's
// median and worst, goalived's distance to the bound and its ratios.
func (r *results) writeTable(w io.Writer) {
	fmt.Fprintln(w, "| scenario | measured from -> to | RFC bound | goalived median / worst | keepalived median / worst | goalived - bound (median / worst) | goalived / bound | goalived / keepalived | n (goalived, keepalived) |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|")
	for _, k := range r.rows {
		gm, gw, gok := medianWorst(r.samples[k]["goalived"])
		km, kw, kok := medianWorst(r.samples[k]["keepalived"])
		b := k.bound()
		cells := []string{
			fmt.Sprintf("%s, %s", k.Scenario, k.Proto),
			fmt.Sprintf("%s -> %s", k.from(), k.Metric.to()),
			ms(b), medianCell(gm, gw, gok), medianCell(km, kw, kok), "-", "-", "-",
			fmt.Sprintf("%s, %s", r.count(k, "goalived"), r.count(k, "keepalived")),
		}
		if gok {
			cells[5] = signedMS(gm-b) + " / " + signedMS(gw-b)
			cells[6] = fmt.Sprintf("%.3f", float64(gm)/float64(b))
		}
		if gok && kok && km > 0 {
			cells[7] = fmt.Sprintf("%.3f", float64(gm)/float64(km))
		}
		fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
	}
}

// count is "ok" or "ok+failed" trials of a daemon in a row.
func (r *results) count(k rowKey, daemon string) string {
	n, e := len(r.samples[k][daemon]), r.errors[k][daemon]
	if e > 0 {
		return fmt.Sprintf("%d (+%d failed)", n, e)
	}
	return fmt.Sprint(n)
}

// writeRaw lists every sample, for whoever wants more than the median.
func (r *results) writeRaw(w io.Writer) {
	for _, k := range r.rows {
		for _, d := range []string{"goalived", fastPreempt, "keepalived"} {
			ds := r.samples[k][d]
			if len(ds) == 0 {
				continue
			}
			parts := make([]string, len(ds))
			for i, v := range ds {
				parts[i] = fmt.Sprintf("%.1f", float64(v)/float64(time.Millisecond))
			}
			fmt.Fprintf(w, "- %s, %s, %s, %s: %s ms\n", k.Scenario, k.Proto, k.Metric, d, strings.Join(parts, ", "))
		}
	}
}
