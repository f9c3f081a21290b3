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

// Class says what kind of problem a diagnostic reports, apart from how
// severe keepalived finds it, so that callers decide by kind (the daemon
// refuses to reload a file with a Structural or Unknown diagnostic) and a
// reworded message cannot change what they do.
type Class int

const (
	// Semantic: the statement was read as written and its value or meaning
	// is the problem (a bad number, an unsupported feature). The zero value.
	Semantic Class = iota
	// Structural: the file cannot be read as written, so what follows is
	// read at the wrong level or is missing: a brace too many or too few,
	// an unterminated quote, a line cut at the length limit or at a NUL
	// byte, a configuration file that is missing.
	Structural
	// Unknown: a keyword keepalived itself does not know, often a typo
	// whose line would silently do nothing.
	Unknown
)

func (c Class) String() string {
	switch c {
	case Semantic:
		return "semantic"
	case Structural:
		return "structural"
	case Unknown:
		return "unknown"
	}
	return fmt.Sprintf("Class(%d)", int(c))
}

// Diagnostic is one message about the configuration. Every diagnostic
// names a position and, where there is one, the keyword it is about.
type Diagnostic struct {
	Pos      Pos
	Severity Severity
	Class    Class
	Keyword  string
	Msg      string
}

func (d Diagnostic) String() string {
	if d.Keyword != "" {
		return fmt.Sprintf("%s: %s: %s: %s", d.Pos, d.Severity, d.Keyword, d.Msg)
	}
	return fmt.Sprintf("%s: %s: %s", d.Pos, d.Severity, d.Msg)
}
