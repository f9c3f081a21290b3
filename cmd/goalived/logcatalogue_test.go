package main

import (
	"bufio"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/goalived/goalived/engine/kalog"
)

// catalogueFile lists keepalived 2.2.7's log lines (see its header).
const catalogueFile = "testdata/keepalived-log-catalogue.txt"

// catalogueEntry is one line keepalived writes.
type catalogueEntry struct {
	fields map[string]string
	re     *regexp.Regexp
}

func (e catalogueEntry) ident() string {
	if e.fields["ident"] == "parent" {
		return kalog.ParentIdent
	}
	return kalog.VRRPIdent
}

// catalogueKeys are the keys an entry has; severity is optional.
var catalogueKeys = []string{"event", "line", "ident", "level", "when", "observed", "source", "goalived"}

// loadCatalogue reads the catalogue: paragraphs of "key: value" lines,
// continuation lines indented, # comments.
func loadCatalogue(t testing.TB) []catalogueEntry {
	t.Helper()
	f, err := os.Open(catalogueFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []catalogueEntry
	cur := map[string]string{}
	last := ""
	flush := func(line int) {
		if len(cur) == 0 {
			return
		}
		e, err := newCatalogueEntry(cur)
		if err != nil {
			t.Fatalf("%s: entry ending at line %d: %v", catalogueFile, line, err)
		}
		out = append(out, e)
		cur, last = map[string]string{}, ""
	}
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		l := sc.Text()
		switch {
		case strings.HasPrefix(l, "#"):
		case strings.TrimSpace(l) == "":
			flush(n)
		case l[0] == ' ' || l[0] == '\t':
			if last == "" {
				t.Fatalf("%s:%d: continuation without a key", catalogueFile, n)
			}
			cur[last] += " " + strings.TrimSpace(l)
		default:
			k, v, ok := strings.Cut(l, ": ")
			if !ok {
				t.Fatalf("%s:%d: want \"key: value\", got %q", catalogueFile, n, l)
			}
			if _, dup := cur[k]; dup {
				t.Fatalf("%s:%d: %s given twice", catalogueFile, n, k)
			}
			// The line is kept as written: its leading spaces count.
			cur[k], last = v, k
		}
	}
	flush(n)
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func newCatalogueEntry(fields map[string]string) (catalogueEntry, error) {
	for _, k := range catalogueKeys {
		if fields[k] == "" {
			return catalogueEntry{}, fmt.Errorf("no %s", k)
		}
	}
	if len(fields) > len(catalogueKeys)+1 || len(fields) == len(catalogueKeys)+1 && fields["severity"] == "" {
		return catalogueEntry{}, fmt.Errorf("unknown keys in %v", fields)
	}
	checks := []struct{ key, allowed string }{
		{"ident", "parent vrrp"}, {"level", "info detail extra"}, {"severity", " alert err"},
	}
	for _, c := range checks {
		if !contains(strings.Split(c.allowed, " "), fields[c.key]) {
			return catalogueEntry{}, fmt.Errorf("%s %q is not one of %q", c.key, fields[c.key], c.allowed)
		}
	}
	if o := fields["observed"]; o != "source" && o != "yes" && !strings.HasPrefix(o, "yes ") && !strings.HasPrefix(o, "source ") {
		return catalogueEntry{}, fmt.Errorf("observed %q: want yes or source", o)
	}
	re, err := templateRegexp(fields["line"])
	if err != nil {
		return catalogueEntry{}, err
	}
	return catalogueEntry{fields: fields, re: re}, nil
}

// printfVerb is a verb of keepalived's formats: %s, %d, %u, %i, %zu, %ld,
// with an optional width (%3u).
var printfVerb = regexp.MustCompile(`%(\d*)(s|d|u|i|zu|ld|lu)`)

// templateRegexp turns a catalogue line into a regexp matching the lines
// keepalived writes from it.
func templateRegexp(line string) (*regexp.Regexp, error) {
	var b strings.Builder
	b.WriteString("^")
	rest := line
	for {
		loc := printfVerb.FindStringSubmatchIndex(rest)
		if loc == nil {
			b.WriteString(regexp.QuoteMeta(rest))
			break
		}
		b.WriteString(regexp.QuoteMeta(rest[:loc[0]]))
		switch verb := rest[loc[4]:loc[5]]; {
		case verb == "s":
			b.WriteString("(.*?)")
		case loc[3] > loc[2]:
			b.WriteString(`\s*(\d+)`)
		default:
			b.WriteString(`(-?\d+)`)
		}
		rest = rest[loc[1]:]
	}
	b.WriteString("$")
	return regexp.Compile(b.String())
}

// match finds the entries of ident matching msg.
func matchCatalogue(cat []catalogueEntry, ident, msg string) []catalogueEntry {
	var out []catalogueEntry
	for _, e := range cat {
		if e.ident() == ident && e.re.MatchString(msg) {
			out = append(out, e)
		}
	}
	return out
}

// TestLogCatalogue checks the catalogue's form and that its templates
// match keepalived's lines as observed.
func TestLogCatalogue(t *testing.T) {
	cat := loadCatalogue(t)
	if len(cat) < 100 {
		t.Fatalf("%d entries; the catalogue lost some", len(cat))
	}
	seen := map[string]bool{}
	for _, e := range cat {
		k := e.fields["ident"] + " " + e.fields["line"]
		if seen[k] {
			t.Errorf("line %q of %s catalogued twice", e.fields["line"], e.fields["ident"])
		}
		seen[k] = true
	}
	// Lines keepalived 2.2.7 wrote in a namespace, and the level of the
	// entry each must find.
	for _, tc := range []struct{ ident, msg, level string }{
		{kalog.ParentIdent, "Starting Keepalived v2.2.7 (01/16,2022)", "info"},
		{kalog.ParentIdent, "              '-D' '-f' '/tmp/obs/s1D/a/k.conf'", "info"},
		{kalog.VRRPIdent, "VRRP sockpool: [ifindex(  2), family(IPv4), proto(112), fd(16,17) , unicast, address(192.0.2.11)]", "detail"},
		{kalog.VRRPIdent, "(VI_1) Entering BACKUP STATE (init)", "info"},
		{kalog.VRRPIdent, "(VI_1) Received advert from 192.0.2.12 with lower priority 85, ours 95, forcing new election", "info"},
		{kalog.VRRPIdent, "Stopped - used (self/children) 0.019015/0.065633 user time, 0.028522/0.063707 system time", "detail"},
		{kalog.VRRPIdent, "Error exec-ing command '/tmp/obs/s5D/nm.sh', error 2: No such file or directory", "info"},
		{kalog.VRRPIdent, "(/tmp/obs/s6D/a/k.conf: Line 17) Unknown keyword 'unknown_thing'", "info"},
	} {
		got := matchCatalogue(cat, tc.ident, tc.msg)
		if len(got) == 0 || got[0].fields["level"] != tc.level {
			t.Errorf("%s %q: matched %d entries (first level %v), want one of level %s", tc.ident, tc.msg, len(got), got, tc.level)
		}
	}
	if got := matchCatalogue(cat, kalog.ParentIdent, "(VI_1) Entering MASTER STATE"); len(got) != 0 {
		t.Errorf("a VRRP line matched the parent's entries: %v", got[0].fields["event"])
	}
}

// TestLogSequences checks the normalisation of the log comparison: idents
// apart, run-dependent parts replaced, deliberate differences and a slow
// host's lines left out, repeated lines written once.
func TestLogSequences(t *testing.T) {
	v, p := kalog.VRRPIdent, kalog.ParentIdent
	in := []syslogLine{
		{Ident: p, Msg: "Starting Keepalived v2.2.7 (01/16,2022)"},
		{Ident: p, Msg: "Command line: '/usr/sbin/keepalived' '-n'"},
		{Ident: p, Msg: "              '-D'"},
		{Ident: v, Msg: "(VI_1) Entering BACKUP STATE (init)"},
		{Ident: p, Msg: "Starting VRRP child process, pid=4081"},
		{Ident: v, Msg: "VRRP sockpool: [ifindex(  2), family(IPv4), proto(112), fd(14,15) multicast, address(224.0.0.18)]"},
		{Ident: v, Msg: "(VI_1) received lower priority (90) advert from 192.0.2.12 - discarding"},
		{Ident: v, Msg: "Track script chk is already running, expect idle - skipping run"},
		{Ident: v, Msg: "(VI_1) received lower priority (90) advert from 192.0.2.12 - discarding"},
		{Ident: v, Msg: "Stopped - used (self/children) 0.018566/0.075456 user time, 0.049511/0.096923 system time"},
		{Ident: p, Msg: "CPU usage (self/children) user: 0.026498/0.113228 system: 0.049210/0.177165"},
		{Ident: p, Msg: "Stopped Keepalived v2.2.7 (goalived 0.1.0)"},
	}
	want := [2][]string{{
		"Starting Keepalived v2.2.7 (VERSION)",
		"Starting VRRP child process, pid=PID",
		"CPU usage CPU TIME",
		"Stopped Keepalived v2.2.7 (VERSION)",
	}, {
		"(VI_1) Entering BACKUP STATE (init)",
		"VRRP sockpool: [ifindex(  2), family(IPv4), proto(112), fd(N,N) multicast, address(224.0.0.18)]",
		"(VI_1) received lower priority (90) advert from 192.0.2.12 - discarding",
		"Stopped - used CPU TIME",
	}}
	if diff := cmp.Diff(want, logSequences(in)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
