package main

import (
	"github.com/goalived/goalived/parser"
	"github.com/goalived/goalived/parser/syntax"
)

// reloadBlockers returns the diagnostics that make a reload unsafe. The
// daemon keeps its running configuration rather than apply a file that
// cannot run (fatal classes), whose structure is broken (braces, quotes,
// truncated lines, missing files: the rest of the file would be read at
// the wrong level or not at all) or that has a keyword keepalived does not
// know (a typo that would silently change meaning). keepalived 2.2.7
// applies such files as far as it can; goalived refuses them and logs why.
// The decision rests on the diagnostics' severity and class, never on
// their wording.
func reloadBlockers(diags parser.Diagnostics) parser.Diagnostics {
	var out parser.Diagnostics
	for _, d := range diags {
		if blocksReload(d) {
			out = append(out, d)
		}
	}
	return out
}

func blocksReload(d syntax.Diagnostic) bool {
	switch {
	case d.Severity == syntax.Fatal || d.Severity == syntax.IncludeFatal:
		return true
	case d.Class == syntax.Structural || d.Class == syntax.Unknown:
		return true
	}
	return false
}
