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

// Guards against input that would make keepalived loop or exhaust memory
// (the others are in Limits).
const (
	maxRescans = 256 // substitution passes over one line
	// maxNesting bounds the recursion of logical(): multi-line
	// definitions, ~SEQ/~LST and brace residues (a line of at most
	// maxLine bytes has fewer braces than this).
	maxNesting = maxLine + 64
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
	configID    string
	src         source
	diags       diagList
	out         []line
	cur         *fileCtx
	depth       int
	lim         Limits
	used        usage
	globLeft    int  // directory entries include globs may still read
	exhaust     bool // a resource limit was hit: read no more
	substBudget int
	defs        map[string]*definition
	multi       *definition     // the $NAME=...\ definition being collected
	multiText   strings.Builder // its lines after the first, as they come
	incCheck    IncludeClass
	blocks      []string // keyword of each open block, for include_check
	lastKw      string
	deferred    []pendingInclude // includes opened, not read yet
	rng         randSource
}

func newPreprocessor(opts Options) *preprocessor {
	lim := opts.Limits.WithDefaults()
	p := &preprocessor{
		configID:    opts.configID(),
		src:         newSource(opts.FS),
		lim:         lim,
		globLeft:    lim.GlobEntries,
		substBudget: substWork,
		incCheck:    opts.IncludeCheck,
	}
	p.diags.c = &Collector{Max: lim.Diagnostics, Report: opts.Report}
	p.rng = newRandSource(opts.RandomSeed)
	p.defs = p.standardDefinitions()
	return p
}

func (p *preprocessor) diag(pos Pos, sev Severity, kw, format string, args ...any) {
	p.classed(pos, sev, Semantic, kw, format, args...)
}

// structural records a diagnostic of class Structural.
func (p *preprocessor) structural(pos Pos, sev Severity, kw, format string, args ...any) {
	p.classed(pos, sev, Structural, kw, format, args...)
}

func (p *preprocessor) classed(pos Pos, sev Severity, class Class, kw, format string, args ...any) {
	d := Diagnostic{Pos: pos, Severity: sev, Class: class, Keyword: kw}
	if !p.diags.c.Full() {
		d.Msg = fmt.Sprintf(format, args...)
	}
	p.diags.add(len(p.out), d)
}

// curPos is the start of the current physical line, for diagnostics that
// keepalived reports against the line as a whole.
func (p *preprocessor) curPos(col int) Pos {
	if p.cur == nil {
		return Pos{Line: 0, Col: col}
	}
	return Pos{File: p.cur.name, Line: p.cur.no, Col: col}
}

// file reads one file's physical lines (fgets in read_line). The file is
// turned into a string once; lines are slices of it.
func (p *preprocessor) file(name, path string, data []byte) {
	prev := p.cur
	p.cur = &fileCtx{name: name, path: path}
	defer func() { p.cur = prev; p.flushMulti(); p.multi = nil }()
	p.grow(data)
	text := string(data)
	for len(text) > 0 && !p.exhaust {
		raw := text
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			raw, text = text[:i], text[i+1:]
		} else {
			text = ""
		}
		p.cur.no++
		p.physical(raw)
	}
}

// grow makes room in out for about as many logical lines as data has
// physical lines plus braces, so that appending rarely copies.
func (p *preprocessor) grow(data []byte) {
	n := bytes.Count(data, []byte{'\n'}) + bytes.Count(data, []byte{'{'}) + bytes.Count(data, []byte{'}'})
	if n = min(n, p.lim.Lines-len(p.out)); cap(p.out)-len(p.out) < n {
		// At least double: growing by each included file's lines alone
		// copied everything read so far once per file.
		out := make([]line, len(p.out), min(len(p.out)+max(n, cap(p.out)), p.lim.Lines))
		copy(out, p.out)
		p.out = out
	}
}

func (p *preprocessor) physical(raw string) {
	if len(raw) > p.lim.LineLength {
		p.stop(p.curPos(1), firstWord(raw[:min(len(raw), maxLine-1)]), "line longer than %d bytes (the limit): %d bytes", p.lim.LineLength, len(raw))
		return
	}
	if len(raw) >= maxLine-1 {
		// fgets(buf, MAXBUF) hands keepalived a long line in pieces of
		// MAXBUF-1 bytes, each then read as a line of its own.
		p.structural(p.curPos(maxLine), Warning, firstWord(raw[:maxLine-1]),
			"line too long (%d bytes): split into pieces of %d bytes as keepalived does", len(raw), maxLine-1)
		for col := 1; len(raw) > 0; col += maxLine - 1 {
			n := min(len(raw), maxLine-1)
			p.piece(raw[:n], col)
			raw = raw[n:]
		}
		return
	}
	p.piece(raw, 1)
}

// piece is one fgets() result: a physical line, or a part of a long one
// starting at column col.
func (p *preprocessor) piece(raw string, col int) {
	for len(raw) > 0 && (raw[len(raw)-1] == '\r' || raw[len(raw)-1] == '\n') {
		raw = raw[:len(raw)-1]
	}
	if i := strings.IndexByte(raw, 0); i >= 0 {
		// C string handling ends the line at the NUL.
		p.structural(p.curPos(col+i), Warning, firstWord(raw[:i]), "NUL byte in line - rest of line ignored")
		raw = raw[:i]
	}
	if len(raw) == 0 {
		// Only a truly empty line ends a multi-line definition; lines
		// that decomment empties do not (read_line).
		p.endMulti()
		return
	}
	sp, unterminated := decomment(newSpan(raw, col))
	if unterminated {
		p.structural(p.curPos(sp.col(strings.IndexByte(sp.text, '"'))), Warning, firstWord(sp.text), "unterminated quote, expected a closing '\"'")
	}
	if sp.text == "" {
		return
	}
	if p.multi != nil {
		p.continueMulti(sp)
		return
	}
	base := len(p.deferred)
	p.logical(sp, 0)
	p.readDeferred(base)
}

// logical runs one line through read_line's inner loop: @conditional,
// $definition, ~SEQ/~LST, $substitution, repeated while substitution
// produces something new; then include detection and brace splitting.
func (p *preprocessor) logical(sp span, depth int) {
	if p.exhaust {
		return
	}
	if depth > maxNesting {
		p.diag(p.curPos(sp.col(0)), Warning, firstWord(sp.text), "expansion nested too deeply - ignoring")
		return
	}
	if plain(sp.text) {
		p.split(sp, depth) // what the steps below come to for such a line
		return
	}
	var pending []span
	if sp, keep := p.inner(sp, depth, &pending); keep && sp.text != "" && !p.include(sp) {
		p.split(sp, depth)
	}
	for _, m := range pending {
		p.logical(m, depth+1)
	}
}

// inner is the loop of read_line that repeats while substitution changes
// the line. keep is false when the line was used up (dropped by a
// conditional, a definition, or a ~SEQ/~LST whose output went out
// already). Lines of multi-line definitions are added to pending.
func (p *preprocessor) inner(sp span, depth int, pending *[]span) (out span, keep bool) {
	for pass := 0; pass < maxRescans; pass++ {
		if sp, keep = p.conditional(sp); !keep {
			return sp, false
		}
		if p.definition(sp) {
			return sp, false
		}
		if strings.HasPrefix(sp.text, "~SEQ") || strings.HasPrefix(sp.text, "~LST") {
			p.repeat(sp, depth)
			return sp, false
		}
		if strings.HasPrefix(sp.text, "~") {
			return sp, true
		}
		next, more, changed := p.substitute(sp)
		if !changed {
			return next, true
		}
		// keepalived decomments again after substitution, so a '#'
		// from ${_HASH} outside quotes starts a comment.
		sp, _ = decomment(next)
		*pending = append(more, *pending...)
		if !strings.HasPrefix(sp.text, "@") && !strings.Contains(sp.text, "$") {
			return sp, true
		}
	}
	p.diag(p.curPos(sp.col(0)), Warning, firstWord(sp.text), "definition substitution does not terminate - stopping")
	return sp, true
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

// plain reports whether a line needs none of read_line's inner loop (no
// @conditional, $definition, ~SEQ/~LST or $substitution) and is no
// include: most lines, which then go straight to brace splitting.
func plain(s string) bool {
	if s == "" || s[0] == '@' || s[0] == '$' || s[0] == '~' {
		return false
	}
	return strings.IndexByte(s, '$') < 0 && !strings.HasPrefix(s, "include")
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
	if p.used.lines++; p.used.lines > p.lim.Lines {
		p.stop(p.curPos(sp.col(0)), firstWord(sp.text), "configuration expands to more than %d lines (the limit)", p.lim.Lines)
		return
	}
	if sp.text == "{" && len(p.blocks) >= p.lim.BlockDepth {
		p.stop(p.curPos(sp.col(0)), p.lastKw, "blocks nested more than %d deep (the limit)", p.lim.BlockDepth)
		return
	}
	l := line{sp: sp}
	if p.cur != nil {
		l.file, l.no = p.cur.name, p.cur.no
	}
	p.out = append(p.out, l)
	p.track(sp)
}

// track follows block nesting so that include_check is obeyed only where
// keepalived has the keyword: directly inside global_defs.
func (p *preprocessor) track(sp span) {
	switch sp.text {
	case "{":
		p.blocks = append(p.blocks, p.lastKw)
	case "}":
		if n := len(p.blocks); n > 0 {
			p.blocks = p.blocks[:n-1]
		}
	default:
		p.lastKw = firstWord(sp.text)
		if len(p.blocks) == 1 && p.blocks[0] == "global_defs" {
			p.noteIncludeCheck(sp)
		}
	}
}

// stop abandons the rest of the input after a resource limit, with one
// Fatal, Structural diagnostic: a configuration read in part cannot be
// run.
func (p *preprocessor) stop(pos Pos, kw, format string, args ...any) {
	if !p.exhaust {
		p.exhaust = true
		p.diags.keep(len(p.out), Diagnostic{Pos: pos, Severity: Fatal, Class: Structural, Keyword: kw, Msg: fmt.Sprintf(format, args...)})
	}
}

func firstWord(s string) string {
	if i := strings.IndexAny(s, " \t"); i >= 0 {
		return s[:i]
	}
	return s
}
