package main

import (
	"bytes"
	"io"
	"log/slog"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/goalived/goalived/parser"
)

func manPage(t *testing.T, section string) string {
	t.Helper()
	var out, errOut strings.Builder
	if rc := run([]string{"--man-page=" + section}, &out, &errOut); rc != exitOK || errOut.Len() > 0 {
		t.Fatalf("--man-page=%s: rc %d, stderr %q", section, rc, errOut.String())
	}
	return out.String()
}

// TestManTables: the manual's own tables name options and signal
// functions that exist, and every option that takes a value has a name
// for it.
func TestManTables(t *testing.T) {
	visible := map[string]bool{}
	for _, f := range visibleFlags() {
		visible[f.Name] = true
		typ := f.Value.Type()
		if typ != "bool" && typ != "count" && manArgNames[f.Name] == "" {
			t.Errorf("--%s takes a value but manArgNames has no name for it", f.Name)
		}
	}
	for _, name := range usedFlagNames() {
		if !visible[name] {
			t.Errorf("the manual's tables name --%s, which is not an option of goalived --help", name)
		}
	}
	var sigs, described []string
	for n := range sigfuncs {
		sigs = append(sigs, n)
	}
	for n := range manSignals {
		described = append(described, n)
	}
	slices.Sort(sigs)
	slices.Sort(described)
	if diff := cmp.Diff(sigs, described); diff != "" {
		t.Errorf("manSignals and sigfuncs differ (-sigfuncs +manSignals):\n%s", diff)
	}
}

// TestManPageDaemon: goalived(8) lists every option --help lists (not
// the hidden one), every signal and the files' defaults.
func TestManPageDaemon(t *testing.T) {
	page := manPage(t, "8")
	for _, f := range visibleFlags() {
		if !strings.Contains(page, `\fB\-\-`+roff(f.Name)+`\fR`) {
			t.Errorf("goalived(8) does not list --%s", f.Name)
		}
	}
	for _, want := range []string{
		`\fBSIGHUP\fR (1, \-\-signum=RELOAD)`, `\fBSIGRTMIN+2\fR (36, \-\-signum=JSON)`, `\fBSIGRTMAX\-1\fR (63, \-\-signum=STATS_CLEAR)`,
		`keepalived_parent.data\fR, \fIkeepalived.data`, `\fI/run/keepalived_vrrp.pid\fR`, `\fI/run/goalived/vrrp\fR`,
		`.TH GOALIVED 8 "" "goalived ` + goalivedVersion + `"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("goalived(8) lacks %q", want)
		}
	}
	if strings.Contains(page, "man\\-page") {
		t.Error("goalived(8) lists the hidden --man-page")
	}
}

// TestManPageConf: goalived.conf(5) lists every keyword of the parser's
// tables under its block and its support.
func TestManPageConf(t *testing.T) {
	page := manPage(t, "5")
	heading := map[parser.Support]string{parser.Implemented: "Implemented", parser.NotYet: "Not yet", parser.OutOfScope: "Out of scope"}
	sections := strings.Split(page, "\n.SS ")
	section := map[string]string{}
	for _, s := range sections[1:] {
		name, body, _ := strings.Cut(s, "\n")
		section[name] = body
	}
	for _, k := range parser.Keywords() {
		body := section[roff(k.Block)]
		list := ""
		if _, after, ok := strings.Cut(body, ".TP\n"+heading[k.Support]+"\n"); ok {
			list, _, _ = strings.Cut(after, "\n")
		}
		if !slices.Contains(strings.Split(list, ", "), `\fB`+roff(k.Name)+`\fR`) {
			t.Errorf("goalived.conf(5) does not list %s under %s / %s", k.Name, k.Block, heading[k.Support])
		}
	}
}

// TestManPageRoff renders both pages with groff's warnings on: none may
// be given.
func TestManPageRoff(t *testing.T) {
	if _, err := exec.LookPath("groff"); err != nil {
		t.Skip("groff not installed (.ci/test.sh installs it)")
	}
	for _, section := range []string{"8", "5"} {
		cmd := exec.Command("groff", "-ww", "-man", "-Tutf8")
		cmd.Stdin = strings.NewReader(manPage(t, section))
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil || stderr.Len() > 0 {
			t.Errorf("groff -ww, section %s: %v\n%s", section, err, stderr.String())
		}
	}
}

func TestManPageUnknownSection(t *testing.T) {
	var out, errOut strings.Builder
	if rc := run([]string{"--man-page=3"}, &out, &errOut); rc != exitFatal || !strings.Contains(errOut.String(), `unknown manual section "3"`) {
		t.Errorf("rc %d, stderr %q", rc, errOut.String())
	}
}

// TestInertOptionsWarn: each option that warns is recognised by its set
// function and named in the warning with its keepalived spellings.
func TestInertOptionsWarn(t *testing.T) {
	fs := newFlagSet(&options{}, io.Discard)
	for _, u := range inertOptions {
		if u.set == nil {
			continue
		}
		f := fs.Lookup(u.flag)
		arg := "--" + u.flag
		if typ := f.Value.Type(); typ != "bool" && f.NoOptDefVal == "" {
			arg += "=x"
		}
		o, _, err := parseOptions([]string{arg}, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if !u.set(o) {
			t.Errorf("%s: set reports false", arg)
		}
		var log bytes.Buffer
		warnUnsupportedOptions(o, slog.New(slog.NewTextHandler(&log, nil)))
		if want := optionNames(f) + ": " + u.why; !strings.Contains(log.String(), want) {
			t.Errorf("%s: log %q lacks %q", arg, log.String(), want)
		}
	}
}
