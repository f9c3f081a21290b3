package main

import (
	"cmp"
	"fmt"
	"io"
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

// resAgg is one (N, daemon) cell of the resource table, over all its
// repetitions.
type resAgg struct {
	rss          []int64
	cpu, cpuB    []float64
	procs, fails int
	retries      int
	missing      []int
	loads        []string
}

func aggregateResources(ss []resSample) (sizes []int, cells map[int]map[string]*resAgg) {
	cells = map[int]map[string]*resAgg{}
	for _, s := range ss {
		if cells[s.N] == nil {
			cells[s.N] = map[string]*resAgg{}
			sizes = append(sizes, s.N)
		}
		a := cells[s.N][s.Daemon]
		if a == nil {
			a = &resAgg{}
			cells[s.N][s.Daemon] = a
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
		a.cpu = append(a.cpu, s.CPU)
		a.cpuB = append(a.cpuB, s.CPUB)
		a.procs = s.Procs
		a.loads = append(a.loads, s.Load)
	}
	return sizes, cells
}

// writeResources writes the resource table: RSS median / max over the
// one-second samples of all repetitions, CPU seconds over the window
// (median / worst of the repetitions), ratios goalived / keepalived.
func writeResources(w io.Writer, ss []resSample, dur time.Duration) {
	fmt.Fprintf(w, "Resource use on host a, master of N VRRPv2 instances (advert_int 1, VRIDs 1..N on eth0, one VIP each), "+
		"b backup of the same N; RSS = sum of VmRSS of all the daemon's processes, sampled every second for %v; "+
		"CPU = utime+stime over the window.\n\n", dur)
	fmt.Fprintln(w, "| N | goalived RSS MiB med / max | keepalived RSS MiB med / max | RSS ratio (med) | goalived CPU s (a; b) | keepalived CPU s (a; b) | CPU ratio (a) | processes (g, k) | load avg at start (g; k) | failed (g, k) | start-up retries (g, k) | VIPs a never added (g; k) |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|---|---|")
	sizes, cells := aggregateResources(ss)
	for _, n := range sizes {
		g, k := cellOr(cells[n]["goalived"]), cellOr(cells[n]["keepalived"])
		gm, gx := medianMax(g.rss)
		km, kx := medianMax(k.rss)
		gc, _ := medianMax(g.cpu)
		kc, _ := medianMax(k.cpu)
		fmt.Fprintf(w, "| %d | %s | %s | %s | %s | %s | %s | %d, %d | %s; %s | %d, %d | %d, %d | %s; %s |\n", n,
			rssCell(g, gm, gx), rssCell(k, km, kx), ratio(float64(gm), float64(km)),
			cpuCell(g), cpuCell(k), ratio(gc, kc), g.procs, k.procs,
			strings.Join(g.loads, ", "), strings.Join(k.loads, ", "), g.fails, k.fails, g.retries, k.retries,
			ints(g.missing), ints(k.missing))
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

func cellOr(a *resAgg) *resAgg {
	if a == nil {
		return &resAgg{}
	}
	return a
}

func rssCell(a *resAgg, med, mx int64) string {
	if len(a.rss) == 0 {
		return "-"
	}
	return mib(med) + " / " + mib(mx)
}

// cpuCell is a's CPU seconds (median, and worst when repeated) and b's.
func cpuCell(a *resAgg) string {
	if len(a.cpu) == 0 {
		return "-"
	}
	m, x := medianMax(a.cpu)
	mb, _ := medianMax(a.cpuB)
	if len(a.cpu) == 1 {
		return fmt.Sprintf("%.2f; %.2f", m, mb)
	}
	return fmt.Sprintf("%.2f (worst %.2f); %.2f", m, x, mb)
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
