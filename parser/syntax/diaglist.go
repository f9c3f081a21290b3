package syntax

import (
	"fmt"
	"sort"
)

// Collector keeps the diagnostics of a load, at most Max of them, and
// hands each one it keeps to Report as it is added, so that a caller can
// show the first ones while the load goes on. Beyond Max it only counts,
// per severity: a configuration that makes millions of diagnostics (one
// per line of a ~SEQ, say) cannot fill memory with them, and the
// severities present, which decide the exit status, stay the same.
type Collector struct {
	Max    int
	Report func(Diagnostic)
	kept   int
	drops  [IncludeFatal + 1]struct {
		n     int
		first Pos
	}
}

// Full reports whether the next diagnostic will only be counted, so that
// a caller can skip composing its message.
func (c *Collector) Full() bool { return c.kept >= c.Max }

// Add decides whether d is kept (and reports it then) or only counted.
func (c *Collector) Add(d Diagnostic) bool {
	if c.Full() {
		drop := &c.drops[min(max(d.Severity, 0), IncludeFatal)]
		if drop.n == 0 {
			drop.first = d.Pos
		}
		drop.n++
		return false
	}
	c.Keep(d)
	return true
}

// Keep keeps d whatever Max says: for the one error that says which limit
// of the load was reached, which must not be lost among the others.
func (c *Collector) Keep(d Diagnostic) {
	c.kept++
	if c.Report != nil {
		c.Report(d)
	}
}

// Summaries returns one diagnostic for each severity that had
// diagnostics beyond Max (and reports it), at the position of the first
// of them.
func (c *Collector) Summaries() []Diagnostic {
	var out []Diagnostic
	for sev, d := range c.drops {
		if d.n == 0 {
			continue
		}
		// The diagnostics not kept may be any: count them structural.
		s := Diagnostic{Pos: d.first, Severity: Severity(sev), Class: Structural,
			Msg: fmt.Sprintf("%d more %s diagnostics not kept", d.n, Severity(sev))}
		if c.Report != nil {
			c.Report(s)
		}
		out = append(out, s)
	}
	return out
}

// diagList collects diagnostics from the stages with, for each, the index
// of the logical line it belongs before, so that the result can be put in
// reading order although the stages run one after the other. The load's
// own list keeps them through a Collector; the stages' lists, merged into
// it when each stage ends, have none.
type diagList struct {
	ds  []Diagnostic
	ord []int
	c   *Collector
}

func (l *diagList) add(ord int, d Diagnostic) {
	if l.c != nil && !l.c.Add(d) {
		return
	}
	l.ds = append(l.ds, d)
	l.ord = append(l.ord, ord)
}

// keep adds d whatever the Collector's limit (see Collector.Keep).
func (l *diagList) keep(ord int, d Diagnostic) {
	if l.c != nil {
		l.c.Keep(d)
	}
	l.ds = append(l.ds, d)
	l.ord = append(l.ord, ord)
}

// merge adds a stage's diagnostics in their reading order.
func (l *diagList) merge(o diagList) {
	for _, i := range o.order() {
		l.add(o.ord[i], o.ds[i])
	}
}

// order is the indexes of the diagnostics in reading order; for the same
// line the earlier stage comes first.
func (l *diagList) order() []int {
	idx := make([]int, len(l.ds))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return l.ord[idx[a]] < l.ord[idx[b]] })
	return idx
}

// sorted returns the diagnostics in reading order, followed by the
// Collector's summaries of those it did not keep.
func (l *diagList) sorted() []Diagnostic {
	out := make([]Diagnostic, 0, len(l.ds))
	for _, i := range l.order() {
		out = append(out, l.ds[i])
	}
	if l.c != nil {
		out = append(out, l.c.Summaries()...)
	}
	return out
}
