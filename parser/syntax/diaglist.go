package syntax

import "sort"

// diagList collects diagnostics from the stages with, for each, the index
// of the logical line it belongs before, so that the result can be put in
// reading order although the stages run one after the other.
type diagList struct {
	ds  []Diagnostic
	ord []int
}

func (l *diagList) add(ord int, d Diagnostic) {
	l.ds = append(l.ds, d)
	l.ord = append(l.ord, ord)
}

func (l *diagList) merge(o diagList) {
	l.ds = append(l.ds, o.ds...)
	l.ord = append(l.ord, o.ord...)
}

// sorted returns the diagnostics in reading order; for the same line the
// earlier stage comes first.
func (l *diagList) sorted() []Diagnostic {
	idx := make([]int, len(l.ds))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return l.ord[idx[a]] < l.ord[idx[b]] })
	out := make([]Diagnostic, len(idx))
	for i, j := range idx {
		out[i] = l.ds[j]
	}
	return out
}
