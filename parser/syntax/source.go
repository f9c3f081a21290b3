package syntax

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// source is where configuration files come from. Paths inside are rooted
// and slash-separated ("/etc/keepalived/k.conf"); fsys sees them without
// the leading slash.
type source struct {
	fsys fs.FS
	os   bool
}

func newSource(f fs.FS) source {
	if f == nil {
		return source{fsys: os.DirFS("/"), os: true}
	}
	return source{fsys: f}
}

// rooted turns a name as given by the user into the internal path: for
// the operating system relative names are relative to the working
// directory, as for keepalived's -f.
func (s source) rooted(name string) string {
	if s.os {
		if abs, err := filepath.Abs(name); err == nil {
			return filepath.ToSlash(abs)
		}
	}
	return path.Clean("/" + name)
}

func access(p string) string {
	p = strings.TrimPrefix(path.Clean(p), "/")
	if p == "" {
		return "."
	}
	return p
}

func (s source) readFile(p string) ([]byte, error) { return fs.ReadFile(s.fsys, access(p)) }

func (s source) stat(p string) (fs.FileInfo, error) { return fs.Stat(s.fsys, access(p)) }

// glob matches one brace-free pattern like glob(3): sorted, and a
// wildcard never matches a leading '.' of a name. A pattern Go cannot
// parse (an unclosed '[') is, as for glob(3), taken literally.
func (s source) glob(pattern string) []string {
	pattern = strings.ReplaceAll(pattern, "[!", "[^")
	matches, err := fs.Glob(s.fsys, access(pattern))
	if err != nil {
		if _, serr := fs.Stat(s.fsys, access(pattern)); serr == nil {
			return []string{path.Clean(pattern)}
		}
		return nil
	}
	pcomps := strings.Split(access(pattern), "/")
	out := matches[:0]
	for _, m := range matches {
		if !hiddenByWildcard(pcomps, strings.Split(m, "/")) {
			out = append(out, "/"+m)
		}
	}
	return out
}

func hiddenByWildcard(pattern, name []string) bool {
	for i := range min(len(pattern), len(name)) {
		if hasMeta(pattern[i]) && !strings.HasPrefix(pattern[i], ".") && strings.HasPrefix(name[i], ".") {
			return true
		}
	}
	return false
}

func hasMeta(s string) bool { return strings.ContainsAny(s, "*?[") }

// expandBraces does GLOB_BRACE's "{a,b}" expansion, left to right, so
// "x{1,2}{a,b}" gives x1a x1b x2a x2b. Unbalanced braces stay literal.
func expandBraces(p string) []string {
	open := strings.IndexByte(p, '{')
	if open < 0 {
		return []string{p}
	}
	depth, commas := 0, []int{}
	for i := open; i < len(p); i++ {
		switch p[i] {
		case '{':
			depth++
		case ',':
			if depth == 1 {
				commas = append(commas, i)
			}
		case '}':
			if depth--; depth == 0 {
				var out []string
				start := open + 1
				for _, c := range append(commas, i) {
					for _, tail := range expandBraces(p[i+1:]) {
						out = append(out, expandBraces(p[:open]+p[start:c]+tail)...)
					}
					start = c + 1
				}
				return out
			}
		}
	}
	return []string{p}
}
