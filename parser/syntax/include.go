package syntax

import (
	"bytes"
	"errors"
	"path"
	"strings"
)

// IncludeClass is a set of include error classes (reference 1.5). An
// include whose class set contains the class of an error fails with
// IncludeFatal (keepalived exits 6); otherwise keepalived only logs it.
type IncludeClass uint8

const (
	IncludeReadable IncludeClass = 1 << iota // R: a matched file cannot be read
	IncludeMatch                             // M: a plain name, or a directory of the path, is missing
	IncludeWildcard                          // W: a wildcard pattern matched nothing
	IncludeBrace                             // B: one alternative of a {a,b} expansion is missing
	IncludeAll      = IncludeReadable | IncludeMatch | IncludeWildcard | IncludeBrace
)

// includeKinds maps the include keywords to their classes; plain
// "include" uses the current include_check default instead.
var includeKinds = map[string]IncludeClass{
	"include":  0,
	"includer": IncludeReadable,
	"includem": IncludeReadable | IncludeMatch,
	"includew": IncludeReadable | IncludeMatch | IncludeWildcard,
	"includeb": IncludeReadable | IncludeBrace,
	"includea": IncludeAll,
}

// include handles a logical line that is an include (is_include,
// check_include): "include" or "include[rmwba]", a blank, and the rest of
// the line as the glob pattern, taken literally (quotes included). It
// reports whether the line was one.
func (p *preprocessor) include(sp span) bool {
	kw, ok := includeKeyword(sp.text)
	if !ok {
		return false
	}
	off := len(kw) + 1
	for off < len(sp.text) && isBlank(sp.text[off]) {
		off++
	}
	pattern := sp.text[off:]
	pos := p.curPos(sp.col(off))
	if p.depth >= p.lim.IncludeDepth {
		p.stop(pos, kw, "includes nested more than %d deep (the limit) at '%s'", p.lim.IncludeDepth, pattern)
		return true
	}
	dir := "/"
	if p.cur != nil {
		dir = path.Dir(p.cur.path)
	}
	class := p.incCheck | includeKinds[kw]
	if files := p.includeGlob(kw, pattern, dir, class, pos); len(files) > 0 {
		p.deferred = append(p.deferred, pendingInclude{kw: kw, files: files, class: class, pos: pos})
	}
	return true
}

// pendingInclude is a matched include whose files are yet to be read.
// keepalived opens an include at once but reads from it only when the
// lines generated from the current line (brace residue, ~SEQ/~LST
// repetitions, multi-line definitions) are used up; several includes
// opened meanwhile are read last-opened first (observed with 2.2.7).
type pendingInclude struct {
	kw    string
	files []string
	class IncludeClass
	pos   Pos
}

// readDeferred reads the includes opened since the stack had base
// entries, most recent first.
func (p *preprocessor) readDeferred(base int) {
	for len(p.deferred) > base {
		inc := p.deferred[len(p.deferred)-1]
		p.deferred = p.deferred[:len(p.deferred)-1]
		for _, f := range inc.files {
			p.readIncluded(inc.kw, f, inc.class, inc.pos)
		}
	}
}

func includeKeyword(s string) (string, bool) {
	if !strings.HasPrefix(s, "include") || len(s) < 8 {
		return "", false
	}
	if isWhite(s[7]) {
		return "include", true
	}
	if len(s) > 8 && isWhite(s[8]) && strings.IndexByte("rmwba", s[7]) >= 0 {
		return s[:8], true
	}
	return "", false
}

// includeGlob returns the files matching pattern (relative to dir) in
// glob order, after reporting the errors of the glob itself as
// keepalived's open_and_check_glob does.
func (p *preprocessor) includeGlob(kw, pattern, dir string, class IncludeClass, pos Pos) []string {
	full := pattern
	if !path.IsAbs(full) {
		full = path.Join(dir, full)
	}
	n := braceCount(full, p.lim.Patterns)
	if p.used.patterns += n; p.used.patterns > p.lim.Patterns {
		p.stop(pos, kw, "include patterns come to more than %d (the limit) with '%s'", p.lim.Patterns, pattern)
		return nil
	}
	alts := expandBraces(full)
	var matches []string
	missing, wildcard := false, false
	for _, alt := range alts {
		m, err := p.src.glob(alt, &p.globLeft)
		if err != nil {
			p.stop(pos, kw, "include globs look at more than %d directory entries (the limit) with '%s'", p.lim.GlobEntries, pattern)
			return nil
		}
		switch {
		case len(m) > 0:
			matches = append(matches, m...)
		case !hasMeta(alt) || !p.dirExists(literalDir(alt)):
			missing = true
		default:
			wildcard = true
		}
	}
	switch {
	case len(matches) == 0 && missing:
		miss := IncludeMatch
		if len(alts) > 1 {
			miss = IncludeBrace
		}
		p.structural(pos, includeSeverity(class, miss), kw, "config files missing '%s'", pattern)
		return nil
	case len(matches) == 0:
		if wildcard && class&IncludeWildcard != 0 {
			p.includeErr(pos, kw, class, IncludeWildcard, "no config files matched '%s'", pattern)
		}
		return nil
	case missing:
		p.structural(pos, includeSeverity(class, IncludeBrace), kw, "some config files missing: \"%s\"", pattern)
		if class&IncludeBrace != 0 {
			return nil
		}
	}
	return matches
}

// readIncluded reads one matched file, skipping directories and files
// with an execute bit or of another type as keepalived does.
func (p *preprocessor) readIncluded(kw, name string, class IncludeClass, pos Pos) bool {
	data, ok := p.readFile(kw, name, pos, func(format string, args ...any) {
		p.includeErr(pos, kw, class, IncludeReadable, format, args...)
	})
	if !ok {
		return false
	}
	saved := p.incCheck
	p.depth++
	p.file(name, name, data)
	p.depth--
	p.incCheck = saved
	return true
}

// readFile reads a configuration file within the load's file and byte
// budgets. A file that cannot be read goes to skip with keepalived's
// message; a budget exceeded stops the load.
func (p *preprocessor) readFile(kw, name string, pos Pos, skip func(format string, args ...any)) ([]byte, bool) {
	if p.exhaust {
		return nil, false
	}
	if p.used.files++; p.used.files > p.lim.Files {
		p.stop(pos, kw, "more than %d configuration files read (the limit), the next one '%s'", p.lim.Files, name)
		return nil, false
	}
	data, err := p.src.read(name, p.lim.Bytes-p.used.bytes)
	p.used.bytes += int64(len(data))
	switch {
	case errors.Is(err, errIsDir):
		skip("configuration file '%s/' is a directory - skipping", name)
	case errors.Is(err, errNotRegular):
		skip("configuration file '%s' is not a regular non-executable file - skipping", name)
	case errors.Is(err, errTooLarge):
		at := Pos{File: name, Line: bytes.Count(data, []byte{'\n'}) + 1, Col: 1}
		p.stop(at, kw, "configuration files come to more than %d bytes (the limit), reached in '%s'", p.lim.Bytes, name)
	case err != nil:
		skip("configuration file '%s' open problem (%v) - skipping", name, err)
	default:
		return data, true
	}
	return nil, false
}

func (p *preprocessor) includeErr(pos Pos, kw string, class, err IncludeClass, format string, args ...any) {
	p.diag(pos, includeSeverity(class, err), kw, format, args...)
}

// includeSeverity is IncludeFatal for an include error under a strict
// class that covers it, else a Note (keepalived only logs it).
func includeSeverity(class, err IncludeClass) Severity {
	if class&err != 0 {
		return IncludeFatal
	}
	return Note
}

func (p *preprocessor) dirExists(dir string) bool {
	fi, err := p.src.stat(dir)
	return err == nil && fi.IsDir()
}

// literalDir is the directory part of a pattern before its first wildcard.
func literalDir(pattern string) string {
	comps := strings.Split(pattern, "/")
	for i, c := range comps {
		if hasMeta(c) {
			return path.Clean("/" + strings.Join(comps[:i], "/"))
		}
	}
	return path.Dir(pattern)
}

// noteIncludeCheck follows "include_check [OPTIONS]" lines (global_defs):
// no options means all classes; a first NAME sets read+NAME, +NAME adds,
// -NAME removes (include_check_set).
func (p *preprocessor) noteIncludeCheck(sp span) {
	if !strings.HasPrefix(sp.text, "include_check") {
		return
	}
	words, _ := tokenize(sp.text)
	if len(words) == 0 || words[0].text != "include_check" {
		return
	}
	if len(words) == 1 {
		p.incCheck = IncludeAll
		return
	}
	set := p.incCheck
	for i, w := range words[1:] {
		op, name := byte(0), w.text
		if name != "" && (name[0] == '+' || name[0] == '-') {
			op, name = name[0], name[1:]
		}
		pos := p.curPos(sp.col(int(w.off)))
		if op == 0 && i > 0 {
			p.diag(pos, Warning, "include_check", "duplicate include_check '%s' specified - ignoring", w.text)
			continue
		}
		c, ok := includeCheckNames[name]
		if !ok {
			p.diag(pos, Warning, "include_check", "unknown include_check type '%s' - ignoring", name)
			if op == 0 {
				set = 0
			}
			continue
		}
		switch op {
		case '+':
			set |= c
		case '-':
			set &^= c
		default:
			set = IncludeReadable | c
		}
	}
	p.incCheck = set
}

var includeCheckNames = map[string]IncludeClass{
	"read":           IncludeReadable,
	"match":          IncludeMatch,
	"wildcard_match": IncludeWildcard,
	"brace_match":    IncludeBrace,
}

// mainFile reads the configuration named on the command line. Like
// keepalived's -f it may be a glob; a plain name keeps its spelling in
// diagnostics. Nothing to read is Fatal.
func (p *preprocessor) mainFile(name string) {
	if !hasMeta(name) && !strings.Contains(name, "{") {
		data, ok := p.readFile("", p.src.rooted(name), Pos{File: name}, func(format string, args ...any) {
			p.structural(Pos{File: name}, Fatal, "", "config files missing '%s': "+format, append([]any{name}, args...)...)
		})
		if ok {
			p.file(name, p.src.rooted(name), data)
		}
		return
	}
	read := 0
	for _, f := range p.includeGlob("", name, p.src.rooted("."), 0, Pos{File: name}) {
		if p.readIncluded("", f, 0, Pos{File: name}) {
			read++
		}
	}
	if read == 0 && !p.exhaust {
		p.structural(Pos{File: name}, Fatal, "", "config files missing '%s'", name)
	}
}
