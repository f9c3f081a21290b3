package syntax

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
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

// parseCase is one table entry: a config, the rendered statements and
// the rendered diagnostics it must give.
type parseCase struct {
	name  string
	src   string
	want  []string
	diags []string
}

// runCases parses each case as "t.conf" with opts and compares.
func runCases(t *testing.T, cases []parseCase, opts Options) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, ds := ParseBytes("t.conf", []byte(tc.src), opts)
			if diff := cmp.Diff(tc.want, render(f)); diff != "" {
				t.Errorf("statements (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.diags, msgs(ds)); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s", diff)
			}
		})
	}
}
