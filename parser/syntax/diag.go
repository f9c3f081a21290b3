package syntax

import "fmt"

// Severity orders diagnostics. The classes follow keepalived's -t exit
// statuses (reference 1.11) so that cmd/goalived can map them one to one.
type Severity int

const (
	// Note: keepalived logs it but it does not count as a configuration
	// error (-t exit 0): e.g. a missing file under plain "include".
	Note Severity = 0
)

const (
	// Warning: keepalived reports it and keeps running (-t exit 5):
	// unknown keywords, brace problems, bad numbers, unsupported features.
	Warning Severity = iota + 1
	// Fatal: keepalived cannot run with it (-t exit 4): missing config file
	// with -e, bad interface in some blocks, CONFIG_FATAL.
	Fatal
	// Security: scripts configured without enable_script_security (-t exit 6).
	Security
	// IncludeFatal: an include error under a strict include class (exit 6).
	IncludeFatal
)

func (s Severity) String() string {
	switch s {
	case Note:
		return "note"
	case Warning:
		return "warning"
	case Fatal:
		return "error"
	case Security:
		return "security"
	case IncludeFatal:
		return "error"
	}
	return fmt.Sprintf("Severity(%d)", int(s))
}

// Diagnostic is one message about the configuration. Every diagnostic
// names a position and, where there is one, the keyword it is about.
type Diagnostic struct {
	Pos      Pos
	Severity Severity
	Keyword  string
	Msg      string
}

func (d Diagnostic) String() string {
	if d.Keyword != "" {
		return fmt.Sprintf("%s: %s: %s: %s", d.Pos, d.Severity, d.Keyword, d.Msg)
	}
	return fmt.Sprintf("%s: %s: %s", d.Pos, d.Severity, d.Msg)
}
