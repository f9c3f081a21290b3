package main

import (
	"strings"

	"github.com/goalived/goalived/parser"
	"github.com/goalived/goalived/parser/syntax"
)

// reloadBlockers returns the diagnostics that make a reload unsafe. The
// daemon keeps its running configuration rather than apply a file that
// cannot run (fatal classes), whose structure is broken (braces, quotes,
// truncated lines: the rest of the file would be read at the wrong level)
// or that has a keyword keepalived does not know (a typo that would
// silently change meaning). keepalived 2.2.7 applies such files as far as
// it can; goalived refuses them and logs why.
func reloadBlockers(diags parser.Diagnostics) parser.Diagnostics {
	var out parser.Diagnostics
	for _, d := range diags {
		if d.Severity == syntax.Fatal || d.Severity == syntax.IncludeFatal || structural(d.Msg) {
			out = append(out, d)
		}
	}
	return out
}

var structuralMessages = []string{
	"unknown keyword", "extra '}'", "missing '}'", "unterminated quote", "unmatched quote",
	"NUL byte in line", "line too long", "config files missing",
	// More diagnostics than a load keeps: the ones not kept may be any.
	"diagnostics not kept",
}

func structural(msg string) bool {
	for _, m := range structuralMessages {
		if strings.Contains(msg, m) {
			return true
		}
	}
	return false
}
