package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// writeFaults writes the fault matrix (one table per protocol), the
// subjects' state before and after each run, and the soak.
func writeFaults(w io.Writer, c config, fr faultResults) {
	for _, p := range c.protos {
		var runs []faultResult
		for _, r := range fr.runs {
			if r.Proto == p {
				runs = append(runs, r)
			}
		}
		if len(runs) > 0 {
			writeFaultTable(w, p, c.faults, runs)
		}
	}
	if len(fr.runs) > 0 {
		writeFaultComparison(w, faultSubjectNames(c, fr.runs), fr.runs)
		writeStateTable(w, fr.runs)
	}
	if len(fr.soaks) > 0 {
		writeSoakTable(w, fr.soaks)
	}
}

func writeFaultTable(w io.Writer, p protocol, plan faultPlan, runs []faultResult) {
	fmt.Fprintf(w, "Fault matrix, %s: the subject on a is master (priority %d), keepalived 2.2.7 on b backup (%d); "+
		"%d repetition(s) each; a client pings the virtual address every 10 ms; both hosts' addresses sampled every 10 ms "+
		"(median / worst of the repetitions; transitions summed from both notify FIFOs; load average when each run began):\n\n",
		p, prioMaster, prioBackup, plan.reps)
	fmt.Fprintln(w, "| fault | subject | load | b took over | pings lost | longest VIP gap | VIP on both hosts during fault | VIP on both after heal | heal -> steady | transitions a / b |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|")
	var notes []string
	for _, r := range runs {
		var lost []int64
		var gap, during, after, rec []time.Duration
		took, ta, tb, ra, rb := 0, 0, 0, 0, 0
		for i, x := range r.Reps {
			lost = append(lost, int64(x.Lost))
			gap, during, after, rec = append(gap, x.Gap), append(during, x.BothDuring), append(after, x.BothAfter), append(rec, x.Recovery)
			ta, tb, ra, rb = ta+x.TransA, tb+x.TransB, ra+x.OtherA, rb+x.OtherB
			if x.TookOver {
				took++
			}
			if x.Note != "" {
				notes = append(notes, fmt.Sprintf("%s, %s, #%d: %s", r.Fault, r.Subject, i+1, x.Note))
			}
		}
		if r.Err != nil {
			notes = append(notes, fmt.Sprintf("%s, %s: FAILED after %d repetition(s): %v", r.Fault, r.Subject, len(r.Reps), r.Err))
		}
		lm, lw := medianMax(lost)
		trans := fmt.Sprintf("%d / %d", ta, tb)
		if ra+rb > 0 {
			trans += fmt.Sprintf(" (+%d / +%d MASTER_RX_LOWER_PRI or repeated)", ra, rb)
		}
		fmt.Fprintf(w, "| %s | %s | %s | %d/%d | %d / %d | %s | %s | %s | %s | %s |\n",
			r.Fault, r.Subject, r.Load, took, len(r.Reps), lm, lw, faultDurCell(gap), faultDurCell(during), faultDurCell(after), faultDurCell(rec), trans)
	}
	fmt.Fprintln(w)
	for _, n := range notes {
		fmt.Fprintf(w, "- %s\n", n)
	}
	if len(notes) > 0 {
		fmt.Fprintln(w)
	}
}

// faultDurCell is "median / worst" in ms, or "-" without repetitions.
func faultDurCell(ds []time.Duration) string {
	m, wst, ok := medianWorst(ds)
	if !ok {
		return "-"
	}
	return fmt.Sprintf("%d / %d ms", m.Milliseconds(), wst.Milliseconds())
}

func writeStateTable(w io.Writer, runs []faultResult) {
	fmt.Fprintln(w, "The subject before the first repetition -> one second after the last (fds, threads, RSS summed over its processes; "+
		"goroutines from goalived's /metrics; zombies: its exited children not reaped; scripts: processes still running one of the run's scripts):")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| fault | VRRP | subject | fds | threads | goroutines | RSS MiB | zombies | scripts |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|")
	for _, r := range runs {
		b, a := r.Before, r.After
		fmt.Fprintf(w, "| %s | v%d | %s | %d -> %d | %d -> %d | %s | %s -> %s | %d -> %d | %d -> %d |\n",
			r.Fault, r.Proto.Version, r.Subject, b.FDs, a.FDs, b.Threads, a.Threads, goroutineCell(b, a),
			mib(b.RSSKiB), mib(a.RSSKiB), b.Zombies, a.Zombies, len(b.Scripts), len(a.Scripts))
	}
	fmt.Fprintln(w)
}

func goroutineCell(b, a daemonState) string {
	if b.Goroutines < 0 && a.Goroutines < 0 {
		return "-"
	}
	return fmt.Sprintf("%d -> %d", b.Goroutines, a.Goroutines)
}

func writeSoakTable(w io.Writer, soaks []soakResult) {
	fmt.Fprintf(w, "Soak, %s, the subject on a master of every instance, keepalived 2.2.7 on b backup, no fault "+
		"(first reading -> last, highest in brackets; the client pings the first instance's address):\n\n", soakProto)
	fmt.Fprintln(w, "| subject | instances, length | load | fds | threads | goroutines | RSS MiB | pings lost | longest VIP gap | VIP on both | transitions a / b | a's longest advert silence (times over b's down interval) |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|---|---|")
	var fails []string
	for _, s := range soaks {
		if s.Err != nil {
			fails = append(fails, fmt.Sprintf("soak, %s: FAILED: %v", s.Subject, s.Err))
		}
		if len(s.States) == 0 {
			continue
		}
		cell := func(f func(daemonState) int64, unit func(int64) string) string {
			vs := make([]int64, len(s.States))
			for i, st := range s.States {
				vs[i] = f(st)
			}
			return fmt.Sprintf("%s -> %s (%s)", unit(vs[0]), unit(vs[len(vs)-1]), unit(slices.Max(vs)))
		}
		n := func(v int64) string { return fmt.Sprint(v) }
		gor := "-"
		if s.States[0].Goroutines >= 0 {
			gor = cell(func(d daemonState) int64 { return int64(d.Goroutines) }, n)
		}
		wire := "-"
		if s.Wire != nil {
			wire = fmt.Sprintf("%d ms (%d)", s.Wire.Longest.Milliseconds(), s.Wire.Over)
		}
		fmt.Fprintf(w, "| %s | %d, %v | %s | %s | %s | %s | %s | %d of %d | %d ms | %d ms | %d / %d | %s |\n",
			s.Subject, s.N, s.For, s.Load,
			cell(func(d daemonState) int64 { return int64(d.FDs) }, n),
			cell(func(d daemonState) int64 { return int64(d.Threads) }, n), gor,
			cell(func(d daemonState) int64 { return d.RSSKiB }, mib),
			s.Lost, s.Sent, s.Win.Gap.Milliseconds(), s.Win.Both.Milliseconds(), s.TransA, s.TransB, wire)
	}
	fmt.Fprintln(w)
	if len(fails) > 0 {
		fmt.Fprintln(w, "- "+strings.Join(fails, "\n- "))
		fmt.Fprintln(w)
	}
}

// faultSubjectNames are the subjects in the order of --daemons (goalived
// first by default), whichever ran first in each run.
func faultSubjectNames(c config, runs []faultResult) []string {
	var names []string
	if _, subjects, err := faultDaemons(c); err == nil {
		for _, d := range subjects {
			names = append(names, d.Name)
		}
	}
	for _, r := range runs {
		if !slices.Contains(names, r.Subject) {
			names = append(names, r.Subject)
		}
	}
	return names
}

// faultMeasures are the comparison's measures, each a column per
// subject: the cell of a run's repetitions.
var faultMeasures = []struct {
	name string
	cell func(r faultResult) string
}{
	{"pings lost", func(r faultResult) string {
		lost := make([]int64, len(r.Reps))
		for i, x := range r.Reps {
			lost[i] = int64(x.Lost)
		}
		m, wst := medianMax(lost)
		return fmt.Sprintf("%d / %d", m, wst)
	}},
	{"longest VIP gap", repDurCell(func(x repResult) time.Duration { return x.Gap })},
	{"VIP on both after the heal", repDurCell(func(x repResult) time.Duration { return x.BothAfter })},
	{"heal -> steady", repDurCell(func(x repResult) time.Duration { return x.Recovery })},
	{"transitions a / b", func(r faultResult) string {
		ta, tb := 0, 0
		for _, x := range r.Reps {
			ta, tb = ta+x.TransA, tb+x.TransB
		}
		return fmt.Sprintf("%d / %d", ta, tb)
	}},
}

func repDurCell(f func(repResult) time.Duration) func(faultResult) string {
	return func(r faultResult) string {
		ds := make([]time.Duration, len(r.Reps))
		for i, x := range r.Reps {
			ds[i] = f(x)
		}
		return faultDurCell(ds)
	}
}

// writeFaultComparison puts the subjects side by side: a row per fault
// and protocol, each measure's median / worst in a column per subject.
func writeFaultComparison(w io.Writer, subjects []string, runs []faultResult) {
	type key struct {
		fault faultKind
		proto protocol
	}
	var keys []key
	cells := map[key]map[string]faultResult{}
	for _, r := range runs {
		k := key{r.Fault, r.Proto}
		if cells[k] == nil {
			keys = append(keys, k)
			cells[k] = map[string]faultResult{}
		}
		cells[k][r.Subject] = r
	}
	fmt.Fprintln(w, "Side by side (median / worst of the repetitions; transitions summed; the heal's end is when its last command returned):")
	fmt.Fprintln(w)
	head, rule := "| fault | VRRP |", "|---|---|"
	for _, m := range faultMeasures {
		for _, s := range subjects {
			head += fmt.Sprintf(" %s, %s |", m.name, s)
			rule += "---|"
		}
	}
	fmt.Fprintln(w, head)
	fmt.Fprintln(w, rule)
	for _, k := range keys {
		row := fmt.Sprintf("| %s | %s |", k.fault, k.proto)
		for _, m := range faultMeasures {
			for _, s := range subjects {
				row += " " + comparisonCell(cells[k], s, m.cell) + " |"
			}
		}
		fmt.Fprintln(w, row)
	}
	fmt.Fprintln(w)
}

func comparisonCell(runs map[string]faultResult, subject string, cell func(faultResult) string) string {
	r, ok := runs[subject]
	switch {
	case !ok || len(r.Reps) == 0 && r.Err == nil:
		return "-"
	case r.Err != nil:
		return fmt.Sprintf("failed after %d rep(s)", len(r.Reps))
	}
	return cell(r)
}
