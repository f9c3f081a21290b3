package syntax

import (
	"errors"
	"path"
	"sort"
	"strings"
)

// errGlobBudget: a glob would look at more directory entries than the
// load has left (Limits.GlobEntries).
var errGlobBudget = errors.New("glob budget exhausted")

// glob matches one brace-free pattern like glob(3): each pattern's
// matches sorted (byte order, keepalived runs in the C locale), and a
// wildcard never matches a leading '.' of a name. A pattern Go cannot
// parse (an unclosed '[') is, as for glob(3), taken literally. It reads
// directories itself, a level at a time, so that it can stop when the
// entries it has looked at (and the names it has checked) reach *left:
// "/*/*/*/*.conf" would otherwise walk the whole file system.
func (s source) glob(pattern string, left *int) ([]string, error) {
	pattern = strings.ReplaceAll(pattern, "[!", "[^")
	comps := strings.Split(access(pattern), "/")
	for _, c := range comps {
		if _, err := path.Match(c, ""); err != nil {
			return s.existing([]string{access(pattern)}, left)
		}
	}
	cands := []string{"."}
	for _, c := range comps {
		var next []string
		for _, dir := range cands {
			if !hasMeta(c) {
				next = append(next, path.Join(dir, c))
				continue
			}
			names, err := s.readDir(dir, left)
			if errors.Is(err, errGlobBudget) {
				return nil, err
			}
			for _, n := range names {
				if ok, _ := path.Match(c, n); ok && (!strings.HasPrefix(n, ".") || strings.HasPrefix(c, ".")) {
					next = append(next, path.Join(dir, n))
				}
			}
		}
		cands = next
	}
	if !hasMeta(comps[len(comps)-1]) {
		// A literal last name was joined on, not read from its directory.
		return s.existing(cands, left)
	}
	return rootedSorted(cands), nil
}

// existing keeps the names that exist, each costing one of *left.
func (s source) existing(names []string, left *int) ([]string, error) {
	var out []string
	for _, n := range names {
		if *left--; *left < 0 {
			return nil, errGlobBudget
		}
		if _, err := s.stat(n); err == nil {
			out = append(out, n)
		}
	}
	return rootedSorted(out), nil
}

func rootedSorted(names []string) []string {
	for i, n := range names {
		names[i] = path.Clean("/" + n)
	}
	sort.Strings(names)
	return names
}

func hasMeta(s string) bool { return strings.ContainsAny(s, "*?[") }

// braceGroup finds the first '{' of p and its matching '}', and the
// alternatives between them (split at the commas of that level). ok is
// false when p has no '{' or the first one is never closed: glob(3) then
// takes p literally.
func braceGroup(p string) (open, close int, alts []string, ok bool) {
	open = strings.IndexByte(p, '{')
	if open < 0 {
		return 0, 0, nil, false
	}
	depth, start := 0, open+1
	for i := open; i < len(p); i++ {
		switch p[i] {
		case '{':
			depth++
		case ',':
			if depth == 1 {
				alts = append(alts, p[start:i])
				start = i + 1
			}
		case '}':
			if depth--; depth == 0 {
				return open, i, append(alts, p[start:i]), true
			}
		}
	}
	return 0, 0, nil, false
}

// expandBraces does GLOB_BRACE's "{a,b}" expansion, left to right, so
// "x{1,2}{a,b}" gives x1a x1b x2a x2b. Unbalanced braces stay literal.
// Its output grows exponentially with the groups: count it first with
// braceCount.
func expandBraces(p string) []string {
	open, end, alts, ok := braceGroup(p)
	if !ok {
		return []string{p}
	}
	tails := expandBraces(p[end+1:])
	var out []string
	for _, alt := range alts {
		for _, tail := range tails {
			out = append(out, expandBraces(p[:open]+alt+tail)...)
		}
	}
	return out
}

// braceCount is len(expandBraces(p)) without expanding anything, or
// limit+1 when that is more than limit. An alternative's own groups are
// closed inside it, so the patterns of one alternative followed by the
// tail are the product of theirs.
func braceCount(p string, limit int) int {
	_, end, alts, ok := braceGroup(p)
	if !ok {
		return 1
	}
	tail := braceCount(p[end+1:], limit)
	n := 0
	for _, alt := range alts {
		n = min(n+braceCount(alt, limit)*tail, limit+1)
	}
	return n
}
