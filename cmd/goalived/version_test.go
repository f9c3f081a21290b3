package main

import (
	"bytes"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// exporterVersion parses -v's stderr the way keepalived-exporter does: the
// second space-separated word of the first line, without its "v", must be
// a version number.
func exporterVersion(t *testing.T, stderr string) []int {
	t.Helper()
	first, _, ok := strings.Cut(stderr, "\n")
	if !ok {
		t.Fatalf("one line only: %q", stderr)
	}
	args := strings.Split(first, " ")
	if len(args) < 2 || len(args[1]) < 2 {
		t.Fatalf("no second word in %q", first)
	}
	var v []int
	for _, p := range strings.Split(args[1][1:], ".") {
		n, err := strconv.Atoi(p)
		if err != nil {
			t.Fatalf("version %q is not a number: %v", args[1], err)
		}
		v = append(v, n)
	}
	return v
}

// TestVersionForExporter checks -v against keepalived-exporter's two
// checks: the version taken from the first line (2.2.7, so --signum is
// used) and "--enable-json" in --version's output (its JSON mode).
func TestVersionForExporter(t *testing.T) {
	var out bytes.Buffer
	if rc := run([]string{"--version"}, &out, &out); rc != 0 {
		t.Fatalf("--version exits %d, keepalived-exporter needs 0", rc)
	}
	if v := exporterVersion(t, out.String()); len(v) != 3 || v[0] != 2 || v[1] != 2 || v[2] != 7 {
		t.Errorf("version %v, want 2.2.7", v)
	}
	if !strings.Contains(out.String(), "--enable-json") {
		t.Errorf("no --enable-json in --version's output:\n%s", out.String())
	}
	for _, absent := range []string{" LVS", "VRRP_VMAC", "SNMP", "DBUS", "BFD", "--enable-snmp"} {
		if strings.Contains(out.String(), absent) {
			t.Errorf("--version claims %q, which goalived does not have", absent)
		}
	}
}

// versionShape reduces a -v output to its line structure: each line's
// leading label (the words before the value), blank lines kept.
var versionLabels = regexp.MustCompile(`^(Copyright\(C\)|Built with|Running on|Distro:|configure options:|Config options: |System options: )`)

func versionShape(out string) []string {
	var shape []string
	for i, l := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		switch {
		case i == 0:
			shape = append(shape, "NAME v"+strings.Fields(l)[1][1:])
		case l == "":
			shape = append(shape, "")
		default:
			shape = append(shape, versionLabels.FindString(l))
		}
	}
	return shape
}

// TestVersionLayout compares -v's line structure with keepalived 2.2.7's.
func TestVersionLayout(t *testing.T) {
	kout, err := exec.Command("keepalived", "-v").CombinedOutput()
	if err != nil {
		t.Skipf("keepalived 2.2.7 is not installed here to compare with: %v", err)
	}
	var out bytes.Buffer
	printVersion(&out)
	want, got := versionShape(string(kout)), versionShape(out.String())
	if strings.Join(want, "|") != strings.Join(got, "|") {
		t.Errorf("line structure differs:\nkeepalived: %q\ngoalived:   %q", want, got)
	}
}
