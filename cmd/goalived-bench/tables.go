package main

import (
	"cmp"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
)

// medianMax of a list (the mean of the middle two for an even length);
// zeros when it is empty.
func medianMax[T int64 | float64](xs []T) (median, maxv T) {
	if len(xs) == 0 {
		return 0, 0
	}
	s := slices.Clone(xs)
	slices.SortFunc(s, cmp.Compare[T])
	n := len(s)
	median = s[n/2]
	if n%2 == 0 {
		median = (s[n/2-1] + s[n/2]) / 2
	}
	return median, s[n-1]
}

func mib(kib int64) string { return fmt.Sprintf("%.1f", float64(kib)/1024) }

func ratio(a, b float64) string {
	if a <= 0 || b <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f", a/b)
}

// resAgg is one (row, daemon) cell of the resource table, over all its
// repetitions.
type resAgg struct {
	rss, rssB    []int64
	cpu, cpuB    []float64
	perSec       []float64
	p99, worst   []time.Duration
	floor        []time.Duration
	off          []int
	procs, fails int
	retries      int
	missing      []int
	loads        []string
}

func aggregateResources(ss []resSample) (rows []resRow, cells map[resRow]map[string]*resAgg) {
	cells = map[resRow]map[string]*resAgg{}
	for _, s := range ss {
		row := resRow{s.Proto, s.N}
		if cells[row] == nil {
			cells[row] = map[string]*resAgg{}
			rows = append(rows, row)
		}
		a := cells[row][s.Daemon]
		if a == nil {
			a = &resAgg{}
			cells[row][s.Daemon] = a
		}
		if s.Retried != nil {
			a.retries++
		}
		if s.Err != nil {
			a.fails++
			continue
		}
		a.missing = append(a.missing, s.Missing)
		a.rss = append(a.rss, s.RSSKiB...)
		a.rssB = append(a.rssB, s.RSSB...)
		a.cpu = append(a.cpu, s.CPU)
		a.cpuB = append(a.cpuB, s.CPUB)
		a.perSec = append(a.perSec, s.Sched.PerSec)
		a.p99 = append(a.p99, s.Sched.P99)
		a.worst = append(a.worst, s.Sched.WorstP99)
		a.floor = append(a.floor, s.Floor)
		a.off = append(a.off, s.Sched.Off)
		a.procs = s.Procs
		a.loads = append(a.loads, s.Load)
	}
	return rows, cells
}

// writeResources writes the resource table, one row per protocol, size
// and daemon: RSS median / max over the one-second samples of all
// repetitions, CPU seconds over the window (median of the repetitions),
// the adverts' schedule; then the ratios goalived / keepalived.
func writeResources(w io.Writer, ss []resSample, dur time.Duration) {
	fmt.Fprintf(w, "Resource use: host a master of N instances (VRIDs 1..250 per interface over eth0..eth3, one VIP each), "+
		"b backup of the same N; from %v after both converged, RSS = sum of VmRSS of all the daemon's processes, sampled every second for %v "+
		"(median / max over all samples of all repetitions); CPU = utime+stime over the window (median of the repetitions); "+
		"adverts = a's adverts captured on the wire (kernel timestamps) without the first and last interval: per second, "+
		"instances whose count is more than one away from window/advert_int, and |spacing - advert_int| at the 99th "+
		"percentile over all spacings / of the worst instance (medians of the repetitions); timer floor = how late a timer "+
		"of the benchmark's own (goalived's timerfd clock, every %v) fired over the window, 99th percentile (median of the "+
		"repetitions): no daemon's adverts are more punctual than the machine wakes a process.\n\n", resSettle, dur, floorPeriod)
	fmt.Fprintln(w, "| VRRP | N | daemon | a RSS MiB med / max | b RSS MiB med / max | a CPU s | b CPU s | adverts/s (want) | instances off count | spacing p99 all / worst instance | timer floor p99 | processes | load avg at start | failed | start-up retries | VIPs a never added |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
	rows, cells := aggregateResources(ss)
	for _, row := range rows {
		for _, name := range sortedDaemons(cells[row]) {
			a := cells[row][name]
			want := float64(row.N) / row.Proto.AdvertInt.Seconds()
			fmt.Fprintf(w, "| v%d %gs | %d | %s | %s | %s | %s | %s | %s (%g) | %s | %s | %s | %d | %s | %d | %d | %s |\n",
				row.Proto.Version, row.Proto.AdvertInt.Seconds(), row.N, name,
				rssCell(a.rss), rssCell(a.rssB), floatCell(a.cpu), floatCell(a.cpuB), floatCell(a.perSec), want,
				intsMax(a.off), durCell(a.p99)+" / "+durCell(a.worst), durCell(a.floor), a.procs,
				strings.Join(a.loads, "; "), a.fails, a.retries, ints(a.missing))
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "goalived / keepalived (medians; below 1 is goalived using less):")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| VRRP | N | a RSS | b RSS | a CPU | b CPU |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|")
	for _, row := range rows {
		g, k := cellOr(cells[row]["goalived"]), cellOr(cells[row]["keepalived"])
		gr, _ := medianMax(g.rss)
		kr, _ := medianMax(k.rss)
		grb, _ := medianMax(g.rssB)
		krb, _ := medianMax(k.rssB)
		gc, _ := medianMax(g.cpu)
		kc, _ := medianMax(k.cpu)
		gcb, _ := medianMax(g.cpuB)
		kcb, _ := medianMax(k.cpuB)
		fmt.Fprintf(w, "| v%d %gs | %d | %s | %s | %s | %s |\n", row.Proto.Version, row.Proto.AdvertInt.Seconds(), row.N,
			ratio(float64(gr), float64(kr)), ratio(float64(grb), float64(krb)), ratio(gc, kc), ratio(gcb, kcb))
	}
	fmt.Fprintln(w)
	for _, s := range ss {
		if s.Retried != nil {
			fmt.Fprintf(w, "- %s N=%d, first attempt (re-run once): %s\n", s.Daemon, s.N, oneLine(s.Retried.Error()))
		}
		if s.Err != nil {
			fmt.Fprintf(w, "- %s N=%d FAILED: %s\n", s.Daemon, s.N, oneLine(s.Err.Error()))
		}
		if s.Missing > 0 {
			fmt.Fprintf(w, "- %s N=%d: master of all %d instances but %d VIP(s) never added; its log: %s\n",
				s.Daemon, s.N, s.N, s.Missing, oneLine(s.MissingLog))
		}
	}
	fmt.Fprintln(w)
}

// sortedDaemons lists a row's daemons, goalived first.
func sortedDaemons(m map[string]*resAgg) []string {
	names := slices.Sorted(maps.Keys(m))
	return names
}

func cellOr(a *resAgg) *resAgg {
	if a == nil {
		return &resAgg{}
	}
	return a
}

// rssCell is the median / max of RSS samples in MiB.
func rssCell(xs []int64) string {
	if len(xs) == 0 {
		return "-"
	}
	med, mx := medianMax(xs)
	return mib(med) + " / " + mib(mx)
}

// floatCell is the median of xs, "-" without any.
func floatCell(xs []float64) string {
	if len(xs) == 0 {
		return "-"
	}
	m, _ := medianMax(xs)
	return fmt.Sprintf("%.2f", m)
}

// durCell is the median of ds in milliseconds.
func durCell(ds []time.Duration) string {
	if len(ds) == 0 {
		return "-"
	}
	xs := make([]float64, len(ds))
	for i, d := range ds {
		xs[i] = float64(d) / float64(time.Millisecond)
	}
	m, _ := medianMax(xs)
	return fmt.Sprintf("%.2f ms", m)
}

// intsMax is the largest of xs, "-" without any.
func intsMax(xs []int) string {
	if len(xs) == 0 {
		return "-"
	}
	return fmt.Sprint(slices.Max(xs))
}

// writeSpurious writes one row per trial: transitions on each node and
// dual-master samples.
func writeSpurious(w io.Writer, ss []spurSample, dur time.Duration) {
	burners := 0
	if len(ss) > 0 {
		burners = ss[0].Burners
	}
	fmt.Fprintf(w, "Spurious transitions: VRRPv3 advert_int 0.02, a MASTER priority %d, b BACKUP %d, %d busy-loop process(es) "+
		"for %v after convergence (b's Master_Down_Interval %v); transitions = log lines entering a state (both daemons write "+
		"\"Entering X STATE\") on either node; dual-master = address samples (every %v) with a VIP on both.\n\n",
		spurMaster, spurBackup, burners, dur, spurProto.masterDown(spurBackup), samplePeriod)
	fmt.Fprintln(w, "| daemon | instances | transitions (a + b) | dual-master samples / samples | longest sampling gap | "+
		"a's longest silence on the wire | a's silences > Master_Down (b may take over) | b's adverts | load avg at start |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|")
	for _, s := range ss {
		if s.Err != nil {
			fmt.Fprintf(w, "| %s | %d | FAILED: %s | - | - | - | - | - | %s |\n", s.Daemon, s.N, oneLine(s.Err.Error()), s.Load)
			continue
		}
		name := s.Daemon
		if s.Retried != nil {
			name += " (start-up re-run: " + oneLine(s.Retried.Error()) + ")"
		}
		fmt.Fprintf(w, "| %s | %d | %d (%d + %d) | %d / %d | %v | %v | %d | %d | %s |\n", name, s.N, s.TransA+s.TransB,
			s.TransA, s.TransB, s.Dual, s.Samples, s.MaxGap.Round(time.Millisecond),
			s.Silence.Round(time.Millisecond), s.Silences, s.BAdverts, s.Load)
	}
	fmt.Fprintln(w)
}

func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	s = strings.ReplaceAll(s, "|", "/")
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}

// writeConfigTest writes one row per size: both daemons' median and
// worst wall time and their exit statuses.
func writeConfigTest(w io.Writer, ss []ctSample, base time.Duration, runs int) {
	fmt.Fprintf(w, "Config test: `-t -f FILE` on generated configs (N vrrp_instance blocks over eth0..eth3, each with "+
		"PASS authentication, one VIP and a tracked vrrp_script), %d run(s) each, wall time including "+
		"`ip netns exec` (alone: %s median).\n\n", runs, ms(base))
	fmt.Fprintln(w, "| N | goalived median / worst | keepalived median / worst | goalived / keepalived (median) | exit status (g, k) | same status | load avg (g; k) |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|")
	byN := map[int]map[string]ctSample{}
	var sizes []int
	for _, s := range ss {
		if byN[s.N] == nil {
			byN[s.N] = map[string]ctSample{}
			sizes = append(sizes, s.N)
		}
		byN[s.N][s.Daemon] = s
	}
	for _, n := range sizes {
		g, k := byN[n]["goalived"], byN[n]["keepalived"]
		gm, gw, gok := medianWorst(g.Times)
		km, kw, kok := medianWorst(k.Times)
		cells := []string{fmt.Sprint(n), "-", "-", "-", codes(g) + ", " + codes(k), sameCodes(g, k), g.Load + "; " + k.Load}
		if gok {
			cells[1] = ms(gm) + " / " + ms(gw)
		}
		if kok {
			cells[2] = ms(km) + " / " + ms(kw)
		}
		if gok && kok {
			cells[3] = ratio(float64(gm), float64(km))
		}
		fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
	}
	fmt.Fprintln(w)
}

// codes is the set of exit statuses of a sample's runs.
func codes(s ctSample) string {
	if s.Err != nil {
		return "error: " + oneLine(s.Err.Error())
	}
	u := slices.Compact(slices.Sorted(slices.Values(s.Codes)))
	if len(u) == 0 {
		return "-"
	}
	parts := make([]string, len(u))
	for i, c := range u {
		parts[i] = fmt.Sprint(c)
	}
	return strings.Join(parts, "/")
}

func sameCodes(g, k ctSample) string {
	if g.Err != nil || k.Err != nil || len(g.Codes) == 0 || len(k.Codes) == 0 {
		return "-"
	}
	if codes(g) == codes(k) && !strings.Contains(codes(g), "/") {
		return "yes"
	}
	return "NO"
}

func ints(xs []int) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = fmt.Sprint(x)
	}
	return strings.Join(parts, ", ")
}
