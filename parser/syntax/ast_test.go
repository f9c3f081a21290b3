package syntax

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestParseBytesTree checks every field of the tree once: positions of
// keywords, arguments and braces, Quoted and Raw.
func TestParseBytesTree(t *testing.T) {
	src := "vrrp_instance VI_1 {\n  notify \"/x.sh a\"  root # c\n  virtual_ipaddress { 192.0.2.1/24 }\n}\n"
	p := func(l, c int) Pos { return Pos{File: "k.conf", Line: l, Col: c} }
	want := &File{Stmts: []*Stmt{{
		Pos: p(1, 1), Keyword: "vrrp_instance", Raw: "VI_1",
		Args: []Arg{{Pos: p(1, 15), Text: "VI_1"}},
		Block: &Block{Open: p(1, 20), Close: p(4, 1), Stmts: []*Stmt{
			{
				Pos: p(2, 3), Keyword: "notify", Raw: `"/x.sh a"  root`,
				Args: []Arg{{Pos: p(2, 10), Text: "/x.sh a", Quoted: true}, {Pos: p(2, 21), Text: "root"}},
			},
			{
				Pos: p(3, 3), Keyword: "virtual_ipaddress", Args: []Arg{},
				Block: &Block{Open: p(3, 21), Close: p(3, 36), Stmts: []*Stmt{
					{Pos: p(3, 23), Keyword: "192.0.2.1/24", Args: []Arg{}},
				}},
			},
		}},
	}}}
	got, ds := ParseBytes("k.conf", []byte(src), testOpts)
	if len(ds) != 0 {
		t.Errorf("diagnostics: %v", ds)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("tree (-want +got):\n%s", diff)
	}
}
