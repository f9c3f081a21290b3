package main

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/goalived/goalived/parser"
	"github.com/goalived/goalived/parser/syntax"
)

// TestReloadBlockersByClass raises every kind of structural and unknown
// diagnostic from the input that causes it and checks its class and that
// it blocks a reload, so that rewording a message cannot change what a
// reload does; the semantic cases must not block.
func TestReloadBlockersByClass(t *testing.T) {
	const vi = "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n priority 100\n virtual_ipaddress {\n  192.0.2.1\n }\n}\n"
	tests := []struct {
		name  string
		files map[string]string // etc/k.conf is the main file
		main  string            // the main file's name when it is not etc/k.conf
		lim   syntax.Limits     // the load's limits (zero: the defaults)
		want  []syntax.Class    // classes of the diagnostics, in order
		block []bool            // whether each blocks a reload
	}{
		{name: "clean", files: map[string]string{"etc/k.conf": vi}},
		{name: "unknown keyword", files: map[string]string{"etc/k.conf": "global_defs {\n router_idd x\n}\n" + vi},
			want: []syntax.Class{syntax.Unknown}, block: []bool{true}},
		{name: "extra brace", files: map[string]string{"etc/k.conf": vi + "}\n"},
			want: []syntax.Class{syntax.Structural}, block: []bool{true}},
		{name: "missing brace", files: map[string]string{"etc/k.conf": vi + "global_defs {\n router_id x\n"},
			want: []syntax.Class{syntax.Structural}, block: []bool{true}},
		{name: "unterminated quote", files: map[string]string{"etc/k.conf": "global_defs {\n router_id \"x\n}\n" + vi},
			want:  []syntax.Class{syntax.Structural, syntax.Structural, syntax.Semantic},
			block: []bool{true, true, false}},
		{name: "NUL byte", files: map[string]string{"etc/k.conf": "global_defs {\n router_id x\x00y\n}\n" + vi},
			want: []syntax.Class{syntax.Structural}, block: []bool{true}},
		{name: "line too long", files: map[string]string{"etc/k.conf": "global_defs {\n router_id " + strings.Repeat("x", 1100) + "\n}\n" + vi},
			want: []syntax.Class{syntax.Structural, syntax.Unknown}, block: []bool{true, true}},
		{name: "plain include missing", files: map[string]string{"etc/k.conf": "include /etc/nosuch.conf\n" + vi},
			want: []syntax.Class{syntax.Structural}, block: []bool{true}},
		{name: "brace include partly missing", files: map[string]string{"etc/k.conf": "include /etc/{a,nosuch}.conf\n" + vi, "etc/a.conf": ""},
			want: []syntax.Class{syntax.Structural}, block: []bool{true}},
		{name: "main file missing", main: "etc/nosuch.conf",
			want: []syntax.Class{syntax.Structural}, block: []bool{true}},
		{name: "main glob matches nothing", main: "etc/nosuch*.conf",
			want: []syntax.Class{syntax.Structural, syntax.Structural}, block: []bool{true, true}},
		{name: "file budget", files: map[string]string{"etc/k.conf": "include /etc/a.conf\n" + vi, "etc/a.conf": ""},
			lim: syntax.Limits{Files: 1}, want: []syntax.Class{syntax.Structural}, block: []bool{true}},
		{name: "diagnostics not kept", files: map[string]string{"etc/k.conf": "global_defs {\n a 1\n b 2\n c 3\n}\n" + vi},
			lim: syntax.Limits{Diagnostics: 1}, want: []syntax.Class{syntax.Unknown, syntax.Structural}, block: []bool{true, true}},
		{name: "stray open brace", files: map[string]string{"etc/k.conf": "{\n}\n" + vi},
			want: []syntax.Class{syntax.Semantic}, block: []bool{false}},
		{name: "wildcard include matches nothing", files: map[string]string{"etc/k.conf": "include /etc/d/*.conf\n" + vi, "etc/d/x.txt": ""},
			want: nil, block: nil},
		{name: "unsupported keyword", files: map[string]string{"etc/k.conf": "global_defs {\n enable_snmp_vrrp\n}\n" + vi},
			want: []syntax.Class{syntax.Semantic}, block: []bool{false}},
		{name: "bad number", files: map[string]string{"etc/k.conf": strings.Replace(vi, "priority 100", "priority 1000", 1)},
			want: []syntax.Class{syntax.Semantic, syntax.Semantic}, block: []bool{false, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for name, text := range tt.files {
				fsys[name] = &fstest.MapFile{Data: []byte(text), Mode: 0o644}
			}
			main := tt.main
			if main == "" {
				main = "etc/k.conf"
			}
			opts := parser.Options{FS: fsys, ConfigID: "test", RandomSeed: 1, Limits: tt.lim,
				InterfaceExists: func(string) bool { return true }}
			_, diags := parser.Load(main, opts)
			var got []syntax.Class
			var block []bool
			for _, d := range diags {
				got = append(got, d.Class)
				block = append(block, blocksReload(d))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("classes (-want +got):\n%s\ndiagnostics:\n%v", diff, diags)
			}
			if diff := cmp.Diff(tt.block, block); diff != "" {
				t.Errorf("blocks reload (-want +got):\n%s\ndiagnostics:\n%v", diff, diags)
			}
			if n := len(reloadBlockers(diags)); n != countTrue(block) {
				t.Errorf("reloadBlockers returned %d diagnostics, want %d", n, countTrue(block))
			}
		})
	}
}

func countTrue(bs []bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}
