package parser

import (
	"fmt"
	"io"
	"strings"

	"github.com/goalived/goalived/parser/syntax"
)

// Diagnostics are the messages of one load, in the order found.
type Diagnostics []syntax.Diagnostic

// Exit statuses of "keepalived -t" (reference 1.11).
const (
	ExitOK       = 0
	ExitFatal    = 4
	ExitWarning  = 5
	ExitSecurity = 6
)

// ExitCode returns the status "keepalived -t" exits with for these
// diagnostics. It copies keepalived's quirk on purpose (reference 1.11):
// keepalived keeps the numerically largest error class and its enum lists
// the "cannot run" classes first, so any warning masks a fatal error
// (4 becomes 5, whatever the order), and a security violation masks
// everything. An include error under a strict include class makes
// keepalived exit 6 before that logic runs. Use Worst for the honest answer.
func (ds Diagnostics) ExitCode() int {
	var warn, fatal, sec bool
	for _, d := range ds {
		switch d.Severity {
		case syntax.IncludeFatal:
			return ExitSecurity
		case syntax.Security:
			sec = true
		case syntax.Fatal:
			fatal = true
		case syntax.Warning:
			warn = true
		}
	}
	switch {
	case sec:
		return ExitSecurity
	case warn:
		return ExitWarning
	case fatal:
		return ExitFatal
	}
	return ExitOK
}

// Strict returns the diagnostics with every note raised to a warning:
// goalived's "-t --strict", for operators who want a missing notify
// script, words after a value or an unused vrrp_script (all silent or
// info-level in keepalived 2.2.7) to fail validation.
func (ds Diagnostics) Strict() Diagnostics {
	out := make(Diagnostics, len(ds))
	for i, d := range ds {
		if d.Severity == syntax.Note {
			d.Severity = syntax.Warning
		}
		out[i] = d
	}
	return out
}

// Worst returns the most severe severity present, 0 when there are none.
func (ds Diagnostics) Worst() syntax.Severity {
	var w syntax.Severity
	for _, d := range ds {
		if d.Severity > w {
			w = d.Severity
		}
	}
	return w
}

// HasFatal reports whether a diagnostic says the configuration cannot run.
func (ds Diagnostics) HasFatal() bool {
	for _, d := range ds {
		if d.Severity == syntax.Fatal || d.Severity == syntax.IncludeFatal {
			return true
		}
	}
	return false
}

// Print writes one line per diagnostic:
// "file:line:col: severity: keyword: message".
func (ds Diagnostics) Print(w io.Writer) error {
	for _, d := range ds {
		if _, err := fmt.Fprintln(w, d.String()); err != nil {
			return fmt.Errorf("print diagnostics: %w", err)
		}
	}
	return nil
}

func (ds Diagnostics) String() string {
	var b strings.Builder
	_ = ds.Print(&b)
	return b.String()
}

// Err returns nil without fatal diagnostics, otherwise an error listing them.
func (ds Diagnostics) Err() error {
	var msgs []string
	for _, d := range ds {
		if d.Severity == syntax.Fatal || d.Severity == syntax.IncludeFatal {
			msgs = append(msgs, d.String())
		}
	}
	if len(msgs) == 0 {
		return nil
	}
	return fmt.Errorf("load config: %s", strings.Join(msgs, "; "))
}
