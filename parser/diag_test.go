package parser

import (
	"strings"
	"testing"

	"github.com/goalived/goalived/parser/syntax"
)

func TestExitCode(t *testing.T) {
	d := func(sev syntax.Severity) syntax.Diagnostic { return syntax.Diagnostic{Severity: sev, Msg: "m"} }
	cases := []struct {
		name  string
		diags Diagnostics
		want  int
		worst syntax.Severity
	}{
		{name: "clean", want: 0},
		{name: "warning", diags: Diagnostics{d(syntax.Warning)}, want: 5, worst: syntax.Warning},
		{name: "fatal", diags: Diagnostics{d(syntax.Fatal)}, want: 4, worst: syntax.Fatal},
		// keepalived quirk: the numerically largest class wins, so a warning
		// masks a fatal error whatever the order (reference 1.11).
		{name: "fatal then warning", diags: Diagnostics{d(syntax.Fatal), d(syntax.Warning)}, want: 5, worst: syntax.Fatal},
		{name: "warning then fatal", diags: Diagnostics{d(syntax.Warning), d(syntax.Fatal)}, want: 5, worst: syntax.Fatal},
		{name: "security masks all", diags: Diagnostics{d(syntax.Fatal), d(syntax.Security), d(syntax.Warning)}, want: 6, worst: syntax.Security},
		{name: "include fatal", diags: Diagnostics{d(syntax.Warning), d(syntax.IncludeFatal)}, want: 6, worst: syntax.IncludeFatal},
	}
	for _, tc := range cases {
		if got := tc.diags.ExitCode(); got != tc.want {
			t.Errorf("%s: ExitCode() = %d, want %d", tc.name, got, tc.want)
		}
		if got := tc.diags.Worst(); got != tc.worst {
			t.Errorf("%s: Worst() = %v, want %v", tc.name, got, tc.worst)
		}
		fatal := tc.worst == syntax.Fatal || tc.worst == syntax.IncludeFatal || tc.name == "security masks all"
		if got := tc.diags.HasFatal(); got != fatal {
			t.Errorf("%s: HasFatal() = %v", tc.name, got)
		}
		if (tc.diags.Err() != nil) != fatal {
			t.Errorf("%s: Err() = %v", tc.name, tc.diags.Err())
		}
	}
}

// TestStrict checks that a note leaves the status alone and that Strict
// makes it count as a warning, leaving the other classes as they were.
func TestStrict(t *testing.T) {
	cases := []struct {
		name, src          string
		plain, strict      int
		strictSeverityWant syntax.Severity
	}{
		{name: "words after a value", src: instanceConf("virtual_ipaddress {\n192.0.2.1\n}\nstate BACKUP <-- change on backup"), plain: 0, strict: 5, strictSeverityWant: syntax.Warning},
		{name: "missing notify script", src: instanceConf("virtual_ipaddress {\n192.0.2.1\n}\nnotify /nosuch/notify"), plain: 0, strict: 5, strictSeverityWant: syntax.Warning},
		{name: "clean", src: instanceConf("virtual_ipaddress {\n192.0.2.1\n}"), plain: 0, strict: 0},
		{name: "security stays", src: "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n notify \"/bin/n\"\n virtual_ipaddress {\n192.0.2.1\n}\n}\n", plain: 6, strict: 6, strictSeverityWant: syntax.Security},
	}
	for _, tc := range cases {
		_, diags := load(t, tc.src)
		if got := diags.ExitCode(); got != tc.plain {
			t.Errorf("%s: ExitCode() = %d, want %d; diagnostics:\n%s", tc.name, got, tc.plain, diags)
		}
		strict := diags.Strict()
		if got := strict.ExitCode(); got != tc.strict {
			t.Errorf("%s: Strict().ExitCode() = %d, want %d; diagnostics:\n%s", tc.name, got, tc.strict, strict)
		}
		if got := strict.Worst(); got != tc.strictSeverityWant {
			t.Errorf("%s: Strict().Worst() = %v, want %v", tc.name, got, tc.strictSeverityWant)
		}
		if len(diags) > 0 && diags[0].Severity == syntax.Note && strict[0].Severity != syntax.Warning {
			t.Errorf("%s: Strict() left %v", tc.name, strict[0])
		}
	}
}

func TestExitCodeFromConfigs(t *testing.T) {
	cases := []struct {
		name, src string
		want      int
		fatal     bool // a "cannot run" diagnostic is present, whatever the exit code
	}{
		{name: "valid", src: instanceConf("virtual_ipaddress {\n192.0.2.1\n}"), want: 0},
		{name: "empty", src: "", want: 0},
		{name: "unknown keyword", src: instanceConf("bogus_kw 1"), want: 5},
		{name: "state master", src: instanceConf("state master"), want: 5},
		{name: "script without security", src: "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n notify \"/bin/n\"\n}\n", want: 6},
		{name: "fatal static", src: "global_defs {\n default_interface nosuch0\n}\nstatic_ipaddress {\n 192.0.2.1\n}\n", want: 4, fatal: true},
		// A warning masks the fatal class (reference 1.11).
		{name: "fatal static and warning", src: "global_defs {\n default_interface nosuch0\n bogus\n}\nstatic_ipaddress {\n 192.0.2.1\n}\n", want: 5, fatal: true},
	}
	for _, tc := range cases {
		_, diags := load(t, tc.src)
		if got := diags.ExitCode(); got != tc.want {
			t.Errorf("%s: ExitCode() = %d, want %d; diagnostics:\n%s", tc.name, got, tc.want, diags)
		}
		if diags.HasFatal() != tc.fatal {
			t.Errorf("%s: HasFatal() = %v, want %v; diagnostics:\n%s", tc.name, diags.HasFatal(), tc.fatal, diags)
		}
	}
}

func TestPrint(t *testing.T) {
	_, diags := load(t, "global_defs {\n  router_idd x\n}\n")
	want := "test.conf:2:3: warning: router_idd: unknown keyword 'router_idd', did you mean 'router_id'?\n"
	var b strings.Builder
	if err := diags.Print(&b); err != nil {
		t.Fatal(err)
	}
	if b.String() != want {
		t.Errorf("Print:\n got %q\nwant %q", b.String(), want)
	}
}
