package syntax

import (
	"bytes"
	"fmt"
	"strings"
)

// maxLine is keepalived's MAXBUF: fgets reads at most maxLine-1 bytes
// including the newline, and macro substitution may not grow a line to
// maxLine bytes.
const maxLine = 1024

// Guards against input that would make keepalived loop or exhaust memory.
const (
	maxLogicalLines = 1 << 20 // all ~SEQ/~LST/macro output together
	maxDepth        = 64      // includes, multi-line macros, ~SEQ nesting
	maxRescans      = 256     // substitution passes over one line
)

// line is one logical line: the unit keepalived's read_line returns.
type line struct {
	file string
	no   int
	sp   span
}

func (l line) pos(off int) Pos { return Pos{File: l.file, Line: l.no, Col: l.sp.col(off)} }

// fileCtx is the physical file being read.
type fileCtx struct {
	name string // as shown in diagnostics
	path string // rooted, cleaned path used to find included files
	no   int    // current physical line
}

// preprocessor is keepalived's read_line() turned inside out: it pushes
// each physical line through comment removal, conditionals, definitions,
// ~SEQ/~LST, substitution, include and brace splitting, and collects the
// resulting logical lines.
type preprocessor struct {
	opts     Options
	configID string
	src      source
	diags    []Diagnostic
	out      []line
	cur      *fileCtx
	depth    int
	budget   int
	exhaust  bool
	defs     map[string]*definition
	multi    *definition // the $NAME=...\ definition being collected
	incCheck IncludeClass
	rng      randSource
}

func newPreprocessor(opts Options) *preprocessor {
	p := &preprocessor{
		opts:     opts,
		configID: opts.configID(),
		src:      newSource(opts.FS),
		budget:   maxLogicalLines,
		incCheck: opts.IncludeCheck,
	}
	p.rng = newRandSource(opts.RandomSeed)
	p.defs = p.standardDefinitions()
	return p
}

func (p *preprocessor) diag(pos Pos, sev Severity, kw, format string, args ...any) {
	p.diags = append(p.diags, Diagnostic{Pos: pos, Severity: sev, Keyword: kw, Msg: fmt.Sprintf(format, args...)})
}

// curPos is the start of the current physical line, for diagnostics that
// keepalived reports against the line as a whole.
func (p *preprocessor) curPos(col int) Pos {
	if p.cur == nil {
		return Pos{Line: 0, Col: col}
	}
	return Pos{File: p.cur.name, Line: p.cur.no, Col: col}
}

// file reads one file's physical lines (fgets in read_line).
func (p *preprocessor) file(name, path string, data []byte) {
	prev := p.cur
	p.cur = &fileCtx{name: name, path: path}
	defer func() { p.cur = prev; p.multi = nil }()
	for len(data) > 0 && !p.exhaust {
		raw := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			raw, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		p.cur.no++
		p.physical(raw)
	}
}

func (p *preprocessor) physical(raw []byte) {
	for len(raw) > 0 && (raw[len(raw)-1] == '\r' || raw[len(raw)-1] == '\n') {
		raw = raw[:len(raw)-1]
	}
	switch {
	case len(raw) >= maxLine-1:
		p.diag(p.curPos(1), Warning, "", "line too long (%d bytes, at most %d) - ignoring", len(raw), maxLine-2)
		return
	case bytes.IndexByte(raw, 0) >= 0:
		p.diag(p.curPos(bytes.IndexByte(raw, 0)+1), Warning, "", "NUL byte in line - ignoring")
		return
	}
	sp, unterminated := decomment(newSpan(string(raw), 1))
	if unterminated {
		p.diag(p.curPos(sp.col(strings.IndexByte(sp.text, '"'))), Warning, firstWord(sp.text), "unterminated quote")
	}
	if sp.text == "" {
		// keepalived's read_line returns on an empty line, which ends
		// a multi-line definition being collected.
		p.endMulti()
		return
	}
	if p.multi != nil {
		p.continueMulti(sp)
		return
	}
	p.logical(sp, 0)
}

// logical runs one line through read_line's inner loop: @conditional,
// $definition, ~SEQ/~LST, $substitution, repeated while substitution
// produces something new; then include detection and brace splitting.
func (p *preprocessor) logical(sp span, depth int) {
	if depth > maxDepth {
		p.diag(p.curPos(sp.col(0)), Warning, firstWord(sp.text), "expansion nested too deeply - ignoring")
		return
	}
	var pending []span
	for pass := 0; ; pass++ {
		if pass == maxRescans {
			p.diag(p.curPos(sp.col(0)), Warning, firstWord(sp.text), "definition substitution does not terminate - stopping")
			break
		}
		var keep bool
		if sp, keep = p.conditional(sp); !keep {
			return
		}
		if p.definition(sp) {
			return
		}
		if strings.HasPrefix(sp.text, "~SEQ") || strings.HasPrefix(sp.text, "~LST") {
			p.repeat(sp, depth)
			return
		}
		if strings.HasPrefix(sp.text, "~") {
			break
		}
		next, more, changed := p.substitute(sp)
		if !changed {
			break
		}
		sp = next
		pending = append(more, pending...)
		if !strings.HasPrefix(sp.text, "@") && !strings.Contains(sp.text, "$") {
			break
		}
	}
	if sp.text != "" && !p.include(sp) {
		p.split(sp, depth)
	}
	for _, m := range pending {
		p.logical(m, depth+1)
	}
}

// conditional handles "@ID rest" and "@^ID rest" (reference 1.6).
func (p *preprocessor) conditional(sp span) (span, bool) {
	if !strings.HasPrefix(sp.text, "@") {
		return sp, true
	}
	ofs, negate := 1, false
	if strings.HasPrefix(sp.text, "@^") {
		ofs, negate = 2, true
	}
	end := strings.IndexAny(sp.text[ofs:], " \t")
	if end < 0 {
		return sp, false
	}
	id := sp.text[ofs : ofs+end]
	if (id == p.configID) == negate {
		return sp, false
	}
	return sp.slice(ofs+end, len(sp.text)).trimLeft(), true
}

// split mirrors the end of read_line: '{' or '}' outside double quotes
// becomes its own logical line; the residue goes round again.
func (p *preprocessor) split(sp span, depth int) {
	for sp.text != "" {
		i := braceIndex(sp.text)
		if i < 0 {
			p.emit(sp.trimBlanks())
			return
		}
		var head, rest span
		if i == 0 {
			head, rest = sp.slice(0, 1), sp.slice(1, len(sp.text)).trimBlanks()
		} else {
			head, rest = sp.slice(0, i).trimBlanks(), sp.slice(i, len(sp.text)).trimBlanks()
		}
		p.emit(head)
		if rest.text == "" {
			return
		}
		if !p.residueIsPlain(rest) {
			p.logical(rest, depth+1)
			return
		}
		sp = rest
	}
}

// residueIsPlain reports whether the residue needs no trip through the
// inner loop; it saves the recursion for the common "{" and "}" cases.
func (p *preprocessor) residueIsPlain(sp span) bool {
	c := sp.text[0]
	if c == '@' || c == '$' || c == '~' || strings.Contains(sp.text, "$") {
		return false
	}
	return !strings.Contains(sp.text, "include")
}

// braceIndex finds the first '{' or '}' outside double quotes; a line
// that starts with a brace splits there whatever follows.
func braceIndex(s string) int {
	if s != "" && (s[0] == '{' || s[0] == '}') {
		return 0
	}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '{', '}':
			return i
		case '"':
			j := strings.IndexByte(s[i+1:], '"')
			if j < 0 {
				return -1
			}
			i += j + 1
		}
	}
	return -1
}

func (p *preprocessor) emit(sp span) {
	if sp.text == "" || p.exhaust {
		return
	}
	if p.budget--; p.budget < 0 {
		p.exhaust = true
		p.diag(p.curPos(sp.col(0)), Warning, "", "configuration expands to more than %d lines - stopping", maxLogicalLines)
		return
	}
	l := line{sp: sp}
	if p.cur != nil {
		l.file, l.no = p.cur.name, p.cur.no
	}
	p.out = append(p.out, l)
	p.noteIncludeCheck(sp)
}

func firstWord(s string) string {
	if i := strings.IndexAny(s, " \t"); i >= 0 {
		return s[:i]
	}
	return s
}
