package syntax

import (
	"fmt"
	"strings"
	"testing/fstest"
)

// render flattens a File into one string per statement, "L:C keyword
// args..." with quoted args in double quotes, "{" and "}" for blocks,
// indented by depth. Positions of args are left out; tests that care
// check them directly.
func render(f *File) []string {
	var out []string
	var walk func([]*Stmt, string)
	walk = func(ss []*Stmt, ind string) {
		for _, s := range ss {
			var b strings.Builder
			fmt.Fprintf(&b, "%s%d:%d %s", ind, s.Pos.Line, s.Pos.Col, s.Keyword)
			for _, a := range s.Args {
				if a.Quoted {
					fmt.Fprintf(&b, " %q", a.Text)
				} else {
					b.WriteString(" " + a.Text)
				}
			}
			if s.Block != nil {
				b.WriteString(" {")
			}
			out = append(out, b.String())
			if s.Block != nil {
				walk(s.Block.Stmts, ind+"  ")
				out = append(out, ind+"}")
			}
		}
	}
	walk(f.Stmts, "")
	return out
}

// msgs renders diagnostics as "file:line:col: severity: keyword: msg".
func msgs(ds []Diagnostic) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.String())
	}
	return out
}

// memFS builds an in-memory file system from name/content pairs.
func memFS(files map[string]string) fstest.MapFS {
	m := fstest.MapFS{}
	for name, content := range files {
		m[strings.TrimPrefix(name, "/")] = &fstest.MapFile{Data: []byte(content), Mode: 0o644}
	}
	return m
}
