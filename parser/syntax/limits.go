package syntax

// Limits bound one configuration load, so that no input (a file that
// includes itself through a glob, an include of 16.7 million brace
// patterns, /dev/zero, a million nested braces) can take unbounded time or
// memory: in a SIGHUP reload the parser runs inside the daemon.
// keepalived 2.2.7 has none of these limits; it loops or exhausts memory
// on such input. The defaults are far above what real configurations use
// (a generated file of 1000 instances, each with a script, two VIPs and
// authentication, is 394 KB, 24,000 lines and 49,000 words, in one file;
// real ones have a few files, includes one or two deep, blocks four deep
// and lines of less than 1 KB). A zero field means its default.
//
// Reaching a limit is a Fatal diagnostic naming the file and line where
// it was reached, and the rest of the input is not read.
type Limits struct {
	// Files is how many files may be read, the main file(s) included; a
	// file included twice counts twice. Default 4096.
	Files int
	// Bytes is how many bytes may be read from all files together.
	// Default 16 MiB.
	Bytes int64
	// Patterns is how many include patterns brace expansion may produce,
	// all includes together, counted before anything is expanded (twelve
	// {a,b,c,d} groups are 16.7 million patterns). Default 4096.
	Patterns int
	// GlobEntries is how many directory entries include globs may look
	// at, all includes together. Default 65536.
	GlobEntries int
	// IncludeDepth is how deep includes may nest. Default 32.
	IncludeDepth int
	// LineLength is the longest physical line, in bytes. keepalived reads
	// lines of at most 1023 bytes and takes a longer one in pieces;
	// goalived does too, up to this length. Default 64 KiB.
	LineLength int
	// BlockDepth is how deep blocks may nest. Default 32.
	BlockDepth int
	// Lines is how many logical lines (after ~SEQ, ~LST, macros and
	// brace splitting) the whole configuration may come to. Default
	// 262144.
	Lines int
	// Words is how many words all logical lines together may hold.
	// Default 1048576.
	Words int
	// Diagnostics is how many diagnostics are kept; beyond it each
	// severity is summed up in one last diagnostic. Default 10000.
	Diagnostics int
}

// DefaultLimits are the limits a zero Limits stands for.
func DefaultLimits() Limits {
	return Limits{
		Files:        4096,
		Bytes:        16 << 20,
		Patterns:     4096,
		GlobEntries:  1 << 16,
		IncludeDepth: 32,
		LineLength:   64 << 10,
		BlockDepth:   32,
		Lines:        1 << 18,
		Words:        1 << 20,
		Diagnostics:  10000,
	}
}

// WithDefaults fills the zero fields of l from DefaultLimits.
func (l Limits) WithDefaults() Limits {
	d := DefaultLimits()
	pick := func(v *int, def int) {
		if *v <= 0 {
			*v = def
		}
	}
	pick(&l.Files, d.Files)
	if l.Bytes <= 0 {
		l.Bytes = d.Bytes
	}
	pick(&l.Patterns, d.Patterns)
	pick(&l.GlobEntries, d.GlobEntries)
	pick(&l.IncludeDepth, d.IncludeDepth)
	pick(&l.LineLength, d.LineLength)
	pick(&l.BlockDepth, d.BlockDepth)
	pick(&l.Lines, d.Lines)
	pick(&l.Words, d.Words)
	pick(&l.Diagnostics, d.Diagnostics)
	return l
}

// usage is what a load has used of its Limits so far.
type usage struct {
	files, patterns, entries, lines int
	bytes                           int64
}
