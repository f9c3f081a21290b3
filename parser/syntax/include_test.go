package syntax

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

const mainConf = "/etc/keepalived/keepalived.conf"

// parseFS parses mainConf from an in-memory tree holding files.
func parseFS(t *testing.T, files map[string]string, opts Options) ([]string, []string) {
	t.Helper()
	opts.FS = memFS(files)
	if opts.ConfigID == "" {
		opts.ConfigID = "main"
	}
	f, ds := Parse(mainConf, opts)
	return render(f), msgs(ds)
}

func TestIncludeRelativeSortedNested(t *testing.T) {
	files := map[string]string{
		mainConf:                              "global_defs {\n  include conf.d/*.conf\n}\ninclude /etc/other/x.conf\n",
		"/etc/keepalived/conf.d/b.conf":       "b_kw\ninclude sub/c.conf\n",
		"/etc/keepalived/conf.d/a.conf":       "a_kw 1\n",
		"/etc/keepalived/conf.d/.hidden.conf": "hidden\n",
		"/etc/keepalived/conf.d/sub/c.conf":   "  c_kw\n",
		"/etc/keepalived/sub/c.conf":          "wrong_dir\n",
		"/etc/other/x.conf":                   "x_kw {\n}\n",
	}
	got, diags := parseFS(t, files, Options{})
	want := []string{"1:1 global_defs {", "  1:1 a_kw 1", "  1:1 b_kw", "  1:3 c_kw", "}", "1:1 x_kw {", "}"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("statements (-want +got):\n%s", diff)
	}
	if len(diags) != 0 {
		t.Errorf("diagnostics: %v", diags)
	}
	f, _ := Parse(mainConf, Options{ConfigID: "main", FS: memFS(files)})
	c := f.Stmts[0].Block.Stmts[2]
	if want := (Pos{File: "/etc/keepalived/conf.d/sub/c.conf", Line: 1, Col: 3}); c.Pos != want {
		t.Errorf("c_kw at %v, want %v", c.Pos, want)
	}
}

// TestIncludeDiagnosticPositions: diagnostics name the included file and
// come in reading order, whichever stage found them.
func TestIncludeDiagnosticPositions(t *testing.T) {
	files := map[string]string{
		mainConf:                   "a {\n  include inc.conf\n}\n",
		"/etc/keepalived/inc.conf": "x 1\n\n  }\n}\nrouter_id \"abc\n",
	}
	got, diags := parseFS(t, files, Options{})
	want := []string{"1:1 a {", "  1:1 x 1", "}", "5:1 router_id"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("statements (-want +got):\n%s", diff)
	}
	wantDiags := []string{
		`/etc/keepalived/inc.conf:4:1: warning: }: extra '}' found, no block is open`,
		`/etc/keepalived/inc.conf:5:11: warning: router_id: unterminated quote, expected a closing '"'`,
		`/etc/keepalived/inc.conf:5:11: warning: router_id: unmatched quote, expected a closing '"' - token dropped: 'router_id "abc'`,
		mainConf + `:3:1: warning: }: extra '}' found, no block is open`,
	}
	if diff := cmp.Diff(wantDiags, diags); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s", diff)
	}
}

// TestIncludeErrorClasses follows the table of reference 1.5, observed
// with keepalived 2.2.7: which problems are reported, and which are fatal
// (IncludeFatal, exit 6) rather than a note (-t exit 0).
func TestIncludeErrorClasses(t *testing.T) {
	base := map[string]string{
		"/etc/keepalived/inc/a1.conf": "a1\n",
		"/etc/keepalived/inc/b1.conf": "b1\n",
	}
	const at = mainConf + ":1:"
	tests := []struct {
		line  string
		want  []string
		diags []string
	}{
		{"include inc/missing.conf", nil, []string{at + "9: note: include: config files missing 'inc/missing.conf'"}},
		{"include nosuchdir/*.conf", nil, []string{at + "9: note: include: config files missing 'nosuchdir/*.conf'"}},
		{"include inc/nomatch*.conf", nil, nil},
		{"includer nosuch.conf", nil, []string{at + "10: note: includer: config files missing 'nosuch.conf'"}},
		{"includem nosuch*.conf", nil, nil},
		{"includem nosuch.conf", nil, []string{at + "10: error: includem: config files missing 'nosuch.conf'"}},
		{"includew nosuch*.conf", nil, []string{at + "10: error: includew: no config files matched 'nosuch*.conf'"}},
		{"includea inc/missing.conf", nil, []string{at + "10: error: includea: config files missing 'inc/missing.conf'"}},
		{"include inc/{a1,nosuch}.conf", []string{"1:1 a1"}, []string{at + `9: note: include: some config files missing: "inc/{a1,nosuch}.conf"`}},
		{"includeb inc/{a1,nosuch2}.conf", nil, []string{at + `10: error: includeb: some config files missing: "inc/{a1,nosuch2}.conf"`}},
		{"include inc/{nosuch,nosuch2}.conf", nil, []string{at + "9: note: include: config files missing 'inc/{nosuch,nosuch2}.conf'"}},
		{"include inc/{b1,a1}.conf", []string{"1:1 b1", "1:1 a1"}, nil},
		{"include inc/*.conf", []string{"1:1 a1", "1:1 b1"}, nil},
		{"include \"inc/a1.conf\"", nil, []string{at + `9: note: include: config files missing '"inc/a1.conf"'`}},
		{"include inc", nil, []string{at + "9: note: include: configuration file '/etc/keepalived/inc/' is a directory - skipping"}},
		{"includer inc", nil, []string{at + "10: error: includer: configuration file '/etc/keepalived/inc/' is a directory - skipping"}},
		{"includex inc/a1.conf", []string{"1:1 includex inc/a1.conf"}, nil},
		{"include", []string{"1:1 include"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			files := map[string]string{mainConf: tt.line + "\n"}
			for k, v := range base {
				files[k] = v
			}
			got, diags := parseFS(t, files, Options{})
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("statements (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.diags, diags); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s", diff)
			}
		})
	}
}

func TestIncludeCheck(t *testing.T) {
	files := map[string]string{
		mainConf: "include missing1.conf\nglobal_defs {\n  include_check\n}\ninclude missing2.conf\n" +
			"include inc.conf\ninclude missing3.conf\n",
		"/etc/keepalived/inc.conf": "global_defs {\n include_check -match\n}\ninclude missing4.conf\n",
	}
	_, diags := parseFS(t, files, Options{})
	want := []string{
		mainConf + ":1:9: note: include: config files missing 'missing1.conf'",
		mainConf + ":5:9: error: include: config files missing 'missing2.conf'",
		"/etc/keepalived/inc.conf:4:9: note: include: config files missing 'missing4.conf'",
		mainConf + ":7:9: error: include: config files missing 'missing3.conf'",
	}
	if diff := cmp.Diff(want, diags); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s", diff)
	}

	// -e (Options.IncludeCheck) makes every class fatal from the start;
	// include_check outside global_defs has no effect.
	files = map[string]string{mainConf: "include_check read\ninclude nosuch*.conf\n"}
	_, diags = parseFS(t, files, Options{IncludeCheck: IncludeAll})
	want = []string{mainConf + ":2:9: error: include: no config files matched 'nosuch*.conf'"}
	if diff := cmp.Diff(want, diags); diff != "" {
		t.Errorf("with IncludeAll (-want +got):\n%s", diff)
	}
}

func TestIncludeCheckOptions(t *testing.T) {
	tests := []struct {
		words string
		want  IncludeClass
		diags []string
	}{
		{"", IncludeAll, nil},
		{"match", IncludeReadable | IncludeMatch, nil},
		{"wildcard_match +brace_match -read", IncludeWildcard | IncludeBrace, nil},
		{"match brace_match", IncludeReadable | IncludeMatch,
			[]string{"t.conf:1:21: warning: include_check: duplicate include_check 'brace_match' specified - ignoring"}},
		{"readable", 0, []string{"t.conf:1:15: warning: include_check: unknown include_check type 'readable' - ignoring"}},
	}
	for _, tt := range tests {
		p := newPreprocessor(testOpts)
		p.cur = &fileCtx{name: "t.conf", path: "/t.conf", no: 1}
		p.noteIncludeCheck(newSpan(strings.TrimSpace("include_check "+tt.words), 1))
		if p.incCheck != tt.want {
			t.Errorf("include_check %s: got %04b, want %04b", tt.words, p.incCheck, tt.want)
		}
		if diff := cmp.Diff(tt.diags, msgs(p.diags.sorted())); diff != "" {
			t.Errorf("include_check %s: diagnostics (-want +got):\n%s", tt.words, diff)
		}
	}
}

func TestIncludeSkipsExecutables(t *testing.T) {
	fsys := memFS(map[string]string{mainConf: "include inc/*.conf\n", "/etc/keepalived/inc/ok.conf": "ok\n"})
	fsys["etc/keepalived/inc/x.conf"] = &fstest.MapFile{Data: []byte("x\n"), Mode: 0o755}
	f, ds := Parse(mainConf, Options{ConfigID: "main", FS: fsys})
	if diff := cmp.Diff([]string{"1:1 ok"}, render(f)); diff != "" {
		t.Errorf("statements (-want +got):\n%s", diff)
	}
	want := []string{mainConf + ":1:9: note: include: configuration file '/etc/keepalived/inc/x.conf' is not a regular non-executable file - skipping"}
	if diff := cmp.Diff(want, msgs(ds)); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s", diff)
	}
}

func TestIncludeWithConditionalAndDefinition(t *testing.T) {
	files := map[string]string{
		mainConf:                      "$INCF=inc/a1.conf\n@main include $INCF\n@^main include inc/nonexist.conf\n",
		"/etc/keepalived/inc/a1.conf": "a1\n",
	}
	got, diags := parseFS(t, files, Options{})
	if diff := cmp.Diff([]string{"1:1 a1"}, got); diff != "" || len(diags) != 0 {
		t.Errorf("statements (-want +got):\n%s\ndiagnostics: %v", diff, diags)
	}
}

func TestIncludeRecursionStops(t *testing.T) {
	files := map[string]string{mainConf: "k\ninclude keepalived.conf\n"}
	got, diags := parseFS(t, files, Options{})
	if depth := DefaultLimits().IncludeDepth; len(got) != depth+1 {
		t.Errorf("got %d statements, want %d", len(got), depth+1)
	}
	if len(diags) != 1 || !strings.Contains(diags[0], "nested more than") {
		t.Errorf("diagnostics: %v", diags)
	}
}

func TestParseMissingMainFile(t *testing.T) {
	f, ds := Parse("/nonexistent/keepalived.conf", Options{ConfigID: "x", FS: memFS(nil)})
	if f == nil || len(f.Stmts) != 0 || len(ds) != 1 || ds[0].Severity != Fatal ||
		!strings.Contains(ds[0].Msg, "config files missing '/nonexistent/keepalived.conf'") {
		t.Errorf("got %v, %v", f, ds)
	}
}

// TestParseOSRelative uses real files: a relative main path is relative
// to the working directory, includes to the including file.
func TestParseOSRelative(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("etc/keepalived.conf", "vrrp_instance VI_1 {\n  include vips/*.conf\n}\n")
	write("etc/vips/1.conf", "virtual_ipaddress {\n  192.0.2.1/24\n}\n")
	write("etc/vips/2.conf", "k ${_PWD}\n")
	t.Chdir(dir)
	f, ds := Parse("etc/keepalived.conf", Options{ConfigID: "x"})
	want := []string{"1:1 vrrp_instance VI_1 {", "  1:1 virtual_ipaddress {", "    2:3 192.0.2.1/24", "  }",
		"  1:1 k " + filepath.ToSlash(filepath.Join(dir, "etc/vips")), "}"}
	if diff := cmp.Diff(want, render(f)); diff != "" || len(ds) != 0 {
		t.Errorf("statements (-want +got):\n%s\ndiagnostics: %v", diff, ds)
	}
	if f.Stmts[0].Pos.File != "etc/keepalived.conf" {
		t.Errorf("main file shown as %q, want it as given", f.Stmts[0].Pos.File)
	}
	vip := f.Stmts[0].Block.Stmts[0].Block.Stmts[0].Pos
	if want := filepath.ToSlash(filepath.Join(dir, "etc/vips/1.conf")); vip.File != want {
		t.Errorf("included file shown as %q, want %q", vip.File, want)
	}
}

// TestIncludeDeferred: keepalived reads an include only after the lines
// generated from the current line, and several such includes last-opened
// first (observed with 2.2.7).
func TestIncludeDeferred(t *testing.T) {
	files := map[string]string{
		mainConf: "~LST(F, a1, b1, a2) include inc/${F}.conf\nafter_lst\n" +
			"$ML=m1 \\\ninclude inc/a1.conf \\\ninclude inc/b1.conf \\\nm2\n$ML\nafter_ml\n" +
			"k { include inc/a1.conf\n}\n",
		"/etc/keepalived/inc/a1.conf": "a1\n",
		"/etc/keepalived/inc/a2.conf": "a2\n",
		"/etc/keepalived/inc/b1.conf": "b1\n",
	}
	got, diags := parseFS(t, files, Options{})
	want := []string{"1:1 a2", "1:1 b1", "1:1 a1", "2:1 after_lst", "7:1 m1", "7:1 m2", "1:1 b1", "1:1 a1", "8:1 after_ml",
		"9:1 k {", "  1:1 a1", "}"}
	if diff := cmp.Diff(want, got); diff != "" || len(diags) != 0 {
		t.Errorf("statements (-want +got):\n%s\ndiagnostics: %v", diff, diags)
	}
}

// TestParseMainGlob: like keepalived's -f, the main name is a glob.
func TestParseMainGlob(t *testing.T) {
	fsys := memFS(map[string]string{"/etc/k/b.conf": "b\n", "/etc/k/a.conf": "a\n", "/etc/k/c.txt": "c\n"})
	f, ds := Parse("/etc/k/*.conf", Options{ConfigID: "x", FS: fsys})
	if diff := cmp.Diff([]string{"1:1 a", "1:1 b"}, render(f)); diff != "" || len(ds) != 0 {
		t.Errorf("statements (-want +got):\n%s\ndiagnostics: %v", diff, msgs(ds))
	}
	f, ds = Parse("/etc/k/{c.txt,a.conf}", Options{ConfigID: "x", FS: fsys})
	if diff := cmp.Diff([]string{"1:1 c", "1:1 a"}, render(f)); diff != "" || len(ds) != 0 {
		t.Errorf("statements (-want +got):\n%s\ndiagnostics: %v", diff, msgs(ds))
	}
	_, ds = Parse("/etc/k/*.nothing", Options{ConfigID: "x", FS: fsys})
	if len(ds) != 1 || ds[0].Severity != Fatal {
		t.Errorf("no match: diagnostics %v, want one Fatal", msgs(ds))
	}
}
