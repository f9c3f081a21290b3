package syntax

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestLimits reaches each limit with small limits: the load stops with one
// Fatal diagnostic at the file and line where the limit was reached, and
// keeps what it read before.
func TestLimits(t *testing.T) {
	for _, c := range []struct {
		name   string
		files  map[string]string
		limits Limits
		want   []string // statements
		diag   string
	}{
		{"files", map[string]string{mainConf: "include d/*.conf\nafter\n", "/etc/keepalived/d/a.conf": "a\n", "/etc/keepalived/d/b.conf": "b\n"},
			Limits{Files: 2}, []string{"1:1 a"},
			mainConf + ":1:9: error: include: more than 2 configuration files read (the limit), the next one '/etc/keepalived/d/b.conf'"},
		{"bytes", map[string]string{mainConf: "a\ninclude b.conf\nafter\n", "/etc/keepalived/b.conf": "b1\nb2\nb3\n"},
			Limits{Bytes: 30}, []string{"1:1 a"},
			"/etc/keepalived/b.conf:3:1: error: include: configuration files come to more than 30 bytes (the limit), reached in '/etc/keepalived/b.conf'"},
		{"patterns counted, not groups", map[string]string{mainConf: "include x{a,b}.conf\ninclude y{a,b}{c,d}.conf\nafter\n"},
			Limits{Patterns: 5}, nil,
			mainConf + ":2:9: error: include: include patterns come to more than 5 (the limit) with 'y{a,b}{c,d}.conf'"},
		{"glob entries", map[string]string{mainConf: "include d/*.conf\n", "/etc/keepalived/d/a.conf": "a\n", "/etc/keepalived/d/b.conf": "b\n",
			"/etc/keepalived/d/c.conf": "c\n"}, Limits{GlobEntries: 2}, nil,
			mainConf + ":1:9: error: include: include globs look at more than 2 directory entries (the limit) with 'd/*.conf'"},
		{"include depth", map[string]string{mainConf: "include a.conf\n", "/etc/keepalived/a.conf": "include b.conf\n", "/etc/keepalived/b.conf": "b\n"},
			Limits{IncludeDepth: 1}, nil,
			"/etc/keepalived/a.conf:1:9: error: include: includes nested more than 1 deep (the limit) at 'b.conf'"},
		{"line length", map[string]string{mainConf: "a\nrouter_id " + strings.Repeat("x", 100) + "\nafter\n"},
			Limits{LineLength: 100}, []string{"1:1 a"},
			mainConf + ":2:1: error: router_id: line longer than 100 bytes (the limit): 110 bytes"},
		{"block depth", map[string]string{mainConf: "a {\n b {\n  c {\n  }\n }\n}\n"},
			Limits{BlockDepth: 2}, []string{"1:1 a {", "  2:2 b {", "    3:3 c", "  }", "}"},
			mainConf + ":3:5: error: c: blocks nested more than 2 deep (the limit)"},
		{"lines", map[string]string{mainConf: "a\nb\nc\n"},
			Limits{Lines: 2}, []string{"1:1 a", "2:1 b"},
			mainConf + ":3:1: error: c: configuration expands to more than 2 lines (the limit)"},
		{"words", map[string]string{mainConf: "a 1 2\nb 3 4\nc\n"},
			Limits{Words: 4}, []string{"1:1 a 1 2", "2:1 b 3 4"},
			mainConf + ":2:1: error: b: configuration has more than 4 words (the limit)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, diags := parseFS(t, c.files, Options{Limits: c.limits})
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("statements (-want +got):\n%s", diff)
			}
			if !containsString(diags, c.diag) {
				t.Errorf("diagnostics %q lack %q", diags, c.diag)
			}
		})
	}
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestBraceCount checks braceCount against expandBraces on random
// patterns of braces, commas and letters, and that it saturates.
func TestBraceCount(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		var b strings.Builder
		for range r.IntN(16) {
			b.WriteByte("{},ab"[r.IntN(5)])
		}
		p := b.String()
		if got, want := braceCount(p, 1000), len(expandBraces(p)); got != want {
			t.Fatalf("braceCount(%q) = %d, expandBraces gives %d", p, got, want)
		}
	}
	if got := braceCount(strings.Repeat("{a,b,c,d}", 12), 4096); got != 4097 {
		t.Errorf("12 groups of 4: %d, want the limit plus one", got)
	}
}

// TestDiagnosticCap keeps the first diagnostics and sums up the rest per
// severity, reporting each kept one as it is found.
func TestDiagnosticCap(t *testing.T) {
	var reported []string
	src := "~SEQ(i,1,5) unknown_$i\n"
	f, ds := ParseBytes("t.conf", []byte("include nosuch.conf\n\"\n\"\n\"\n"+src), Options{ConfigID: "main",
		Limits: Limits{Diagnostics: 2}, Report: func(d Diagnostic) { reported = append(reported, d.String()) }})
	want := []string{
		"t.conf:1:9: note: include: config files missing 'nosuch.conf'",
		"t.conf:2:1: warning: \": unterminated quote, expected a closing '\"'",
		"t.conf:3:1: warning: 5 more warning diagnostics not kept",
	}
	if diff := cmp.Diff(want, msgs(ds)); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, reported); diff != "" {
		t.Errorf("reported (-want +got):\n%s", diff)
	}
	if len(f.Stmts) != 5 {
		t.Errorf("%d statements, want the 5 of the ~SEQ", len(f.Stmts))
	}
}

// TestGlobSortedHidden: matches of one pattern are sorted as glob(3) sorts
// them, whole paths in byte order, and wildcards skip hidden names.
func TestGlobSortedHidden(t *testing.T) {
	files := map[string]string{mainConf: "include d*/*.conf\ninclude d/.*.conf\n"}
	for _, n := range []string{"d/x.conf", "d-1/y.conf", "d/.h.conf", ".d/z.conf"} {
		files["/etc/keepalived/"+n] = fmt.Sprintf("%s\n", strings.NewReplacer("/", "_", ".", "_", "-", "_").Replace(n))
	}
	got, diags := parseFS(t, files, Options{})
	if diff := cmp.Diff([]string{"1:1 d_1_y_conf", "1:1 d_x_conf", "1:1 d__h_conf"}, got); diff != "" || len(diags) != 0 {
		t.Errorf("statements (-want +got):\n%s\ndiagnostics: %v", diff, diags)
	}
}

// TestLimitErrorKept: the error that says a limit was reached is kept
// even when the diagnostics kept are at their limit already.
func TestLimitErrorKept(t *testing.T) {
	_, ds := ParseBytes("t.conf", []byte(strings.Repeat("\"\n", 10)+"~SEQ(i,1,100) k\n"), Options{ConfigID: "main",
		Limits: Limits{Diagnostics: 2, Lines: 50}})
	if !containsString(msgs(ds), "t.conf:11:15: error: k: configuration expands to more than 50 lines (the limit)") {
		t.Errorf("limit error lost: %q", msgs(ds))
	}
}
