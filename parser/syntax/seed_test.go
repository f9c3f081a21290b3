package syntax

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestSeedExample parses the user's configuration as written: UTF-8
// (Chinese) comments after values, odd indentation, blank lines inside
// blocks.
func TestSeedExample(t *testing.T) {
	f, ds := Parse("testdata/seed-example.conf", Options{ConfigID: "node-a"})
	en, enDiags := Parse("testdata/seed-example-en.conf", Options{ConfigID: "node-a"})
	if diff := cmp.Diff(render(f), render(en)); diff != "" || len(enDiags) != 0 {
		t.Errorf("the English-comment copy from seed-example.md differs (-zh +en):\n%s\n%v", diff, enDiags)
	}
	if len(ds) != 0 {
		t.Errorf("diagnostics: %v", msgs(ds))
	}
	want := []string{
		"1:1 global_defs {",
		"  2:4 router_id keep_kinit",
		"}",
		"5:1 vrrp_script chk_kinit {",
		`  7:5 script "/data/keep/script/chk_kinit.sh"`,
		"  9:5 interval 5",
		"  10:5 weight -50",
		"  11:9 rise 5",
		"  12:9 fall 2",
		"  13:9 timeout 4",
		"}",
		"19:1 vrrp_instance VI_1 {",
		"  21:5 state MASTER",
		"  22:5 interface bond0",
		"  23:5 virtual_router_id 69",
		"  24:5 priority 100",
		"  25:5 advert_int 1",
		"  27:5 authentication {",
		"    28:9 auth_type PASS",
		"    29:9 auth_pass 11111",
		"  }",
		"  32:5 virtual_ipaddress {",
		"    33:9 10.12.100.100",
		"  }",
		"  36:5 track_script {",
		"    37:9 chk_kinit",
		"  }",
		"  40:9 notify /data/keep/script/notify.sh",
		"}",
	}
	if diff := cmp.Diff(want, render(f)); diff != "" {
		t.Errorf("statements (-want +got):\n%s", diff)
	}
	vi := f.Stmts[2]
	if got := vi.Block.Stmts[0].Raw; got != "MASTER" {
		t.Errorf("Raw of state = %q, want the comment gone", got)
	}
	if got := f.Stmts[1].Block.Stmts[0].Raw; got != `"/data/keep/script/chk_kinit.sh"` {
		t.Errorf("Raw of script = %q, want quotes kept", got)
	}
	auth := vi.Block.Stmts[5].Block
	if want := (Pos{File: "testdata/seed-example.conf", Line: 27, Col: 20}); auth.Open != want {
		t.Errorf("authentication '{' at %v, want %v", auth.Open, want)
	}
	if want := (Pos{File: "testdata/seed-example.conf", Line: 30, Col: 5}); auth.Close != want {
		t.Errorf("authentication '}' at %v, want %v", auth.Close, want)
	}
}
