package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"syscall"
	"testing"

	"github.com/goalived/goalived/netif/nstest"
)

var updateCorpus = flag.Bool("update-corpus", false, "rewrite testdata/corpus/keepalived-t.txt from keepalived 2.2.7's -t runs")

// corpusRecord is where keepalived 2.2.7's -t statuses and messages on the
// corpus are kept, for reading and for catching a change of keepalived.
const corpusRecord = "../../testdata/corpus/keepalived-t.txt"

// corpusExceptions lists the corpus cases whose "goalived -t" status stays
// different from keepalived's, with the reason: only files that need
// something goalived does not do (the LVS side).
var corpusExceptions = map[string]string{
	"tutorial-lvs-dr.conf": "virtual_server (LVS) is not done by goalived: its lines are reported as not supported",
}

// corpusCase is one run of the corpus test: a file with its scripts
// present or absent.
type corpusCase struct {
	file    string // base name in testdata/corpus
	variant string // "scripts" (they exist), "no-scripts", or "" (the file names none)
}

func (c corpusCase) String() string {
	if c.variant == "" {
		return c.file
	}
	return c.file + "/" + c.variant
}

// TestIntegrationCorpusConfigTest runs "keepalived -t" and "goalived -t" on
// the configurations of testdata/corpus (the shapes OpenShift, OpenStack-
// Ansible, kolla, Octavia, VyOS, CloudStack, OpenNebula, Docker images, the
// kubeadm guide, tutorials and the stock sample generate), each once with
// the scripts it names present and once without, in a namespace with the
// interfaces it names, and requires the same exit status.
func TestIntegrationCorpusConfigTest(t *testing.T) {
	nstest.RequireRoot(t)
	keepalived := nstest.Keepalived(t)
	bin := goalivedBinary(t)
	files, err := filepath.Glob("../../testdata/corpus/*.conf")
	if err != nil || len(files) < 30 {
		t.Fatalf("want at least 30 corpus files, have %d (%v)", len(files), err)
	}
	lab := nstest.New(t, nstest.Hosts(1))
	for _, ifname := range corpusInterfaces(t, files) {
		lab.Exec(0, "ip", "link", "add", ifname, "type", "veth", "peer", "name", "c"+ifname)
		lab.Exec(0, "ip", "link", "set", ifname, "up")
	}
	dirs := corpusScriptDirs(t, files)
	var record []string
	matched, excepted := 0, 0
	for _, f := range files {
		for _, c := range corpusCases(t, f) {
			t.Run(c.String(), func(t *testing.T) {
				conf := renderCorpus(t, f, dirs[c.variant])
				krc, kout := runKeepalivedT(t, lab, keepalived, conf)
				stripped := ""
				if krc == 143 {
					// keepalived 2.2.7 -t sends itself SIGTERM when a
					// tracked vrrp_script has a user line: compare the
					// file without it.
					stripped = " (user lines removed: keepalived -t kills itself on them)"
					conf = stripScriptUsers(t, conf)
					krc, kout = runKeepalivedT(t, lab, keepalived, conf)
				}
				grc, gout := runRC(t, lab, bin, "-t", "-f", conf)
				record = append(record, recordEntry(c, krc, kout, dirs, stripped))
				reason, listed := corpusExceptions[c.file]
				switch {
				case krc == grc && listed:
					t.Errorf("statuses now agree (%d), remove %s from corpusExceptions", krc, c.file)
				case krc != grc && !listed:
					t.Errorf("keepalived -t: %d, goalived -t: %d%s\nkeepalived said:\n%s\ngoalived said:\n%s", krc, grc, stripped, kout, gout)
				case krc != grc:
					excepted++
					t.Logf("differs on purpose (keepalived %d, goalived %d): %s", krc, grc, reason)
				default:
					matched++
				}
			})
		}
	}
	t.Logf("corpus: %d files, %d cases, %d statuses equal, %d listed exceptions", len(files), len(record), matched, excepted)
	checkCorpusRecord(t, record)
}

// corpusInterfaces returns the interfaces the files name on their
// "! corpus-interfaces:" line, less the lab's own eth0.
func corpusInterfaces(t *testing.T, files []string) []string {
	t.Helper()
	seen := map[string]bool{"eth0": true}
	var out []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		first, _, _ := strings.Cut(string(b), "\n")
		names, ok := strings.CutPrefix(first, "! corpus-interfaces:")
		if !ok {
			t.Fatalf("%s: first line must be \"! corpus-interfaces: NAME...\"", f)
		}
		for _, n := range strings.Fields(names) {
			if !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	sort.Strings(out)
	return out
}

var corpusScriptRE = regexp.MustCompile(`@SCRIPTS@/([A-Za-z0-9_.-]+)`)

// corpusScriptDirs makes a directory holding every script the files name
// (as @SCRIPTS@/NAME), executable and owned by root as a deployment has
// them, and names a directory that does not exist for the other variant.
func corpusScriptDirs(t *testing.T, files []string) map[string]string {
	t.Helper()
	base := t.TempDir()
	present := filepath.Join(base, "scripts")
	if err := os.Mkdir(present, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range corpusScriptRE.FindAllStringSubmatch(string(b), -1) {
			if err := os.WriteFile(filepath.Join(present, m[1]), []byte("#!/bin/sh\nexit 0\n"), 0o755); err != nil {
				t.Fatal(err)
			}
		}
	}
	return map[string]string{
		"":           filepath.Join(base, "none"),
		"scripts":    present,
		"no-scripts": filepath.Join(base, "absent"),
	}
}

func corpusCases(t *testing.T, file string) []corpusCase {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	name := filepath.Base(file)
	if !strings.Contains(string(b), "@SCRIPTS@") {
		return []corpusCase{{file: name}}
	}
	return []corpusCase{{file: name, variant: "scripts"}, {file: name, variant: "no-scripts"}}
}

// renderCorpus writes the file with @SCRIPTS@ replaced by dir, beside the
// test's other temporary files, and returns its path.
func renderCorpus(t *testing.T, file, dir string) string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), filepath.Base(file))
	if err := os.WriteFile(out, []byte(strings.ReplaceAll(string(b), "@SCRIPTS@", dir)), 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

var scriptUserRE = regexp.MustCompile(`(?m)^[ \t]*user[ \t].*\n`)

// stripScriptUsers writes a copy of conf without its "user" lines (only
// vrrp_script blocks have a keyword of that name) and returns its path.
func stripScriptUsers(t *testing.T, conf string) string {
	t.Helper()
	b, err := os.ReadFile(conf)
	if err != nil {
		t.Fatal(err)
	}
	out := strings.TrimSuffix(conf, ".conf") + "-nouser.conf"
	if err := os.WriteFile(out, scriptUserRE.ReplaceAll(b, nil), 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

// runKeepalivedT runs keepalived -t in its own session, so that the
// SIGTERM it sends its process group on some files reaches only itself.
// A death by SIGTERM is returned as the shell would show it, 143.
func runKeepalivedT(t *testing.T, lab *nstest.Lab, keepalived, conf string) (int, string) {
	t.Helper()
	out, err := lab.Run(0, "setsid", "-w", keepalived, "-t", "-f", conf)
	if err == nil {
		return 0, out
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("run keepalived -t -f %s: %v", conf, err)
	}
	if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal()), out
	}
	// Started as a process group leader, setsid forks, and reports a
	// child killed by a signal as "child N did not exit normally" with
	// the raw wait status (the signal's number) as its exit code.
	if strings.Contains(out, "did not exit normally") {
		return 128 + ee.ExitCode(), out
	}
	return ee.ExitCode(), out
}

// recordEntry is one case of the record: keepalived's status and its
// messages with the test's temporary paths put back as the file has them.
func recordEntry(c corpusCase, rc int, out string, dirs map[string]string, note string) string {
	for _, d := range dirs {
		out = strings.ReplaceAll(out, d, "@SCRIPTS@")
	}
	out = regexp.MustCompile(`/tmp/\S*/(\S+\.conf)`).ReplaceAllString(out, "$1")
	var b strings.Builder
	fmt.Fprintf(&b, "== %s: keepalived -t exit %d%s\n", c, rc, note)
	for _, l := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		if l != "" {
			fmt.Fprintf(&b, "   %s\n", l)
		}
	}
	return b.String()
}

// checkCorpusRecord compares keepalived's runs with the record (rewritten
// with -update-corpus), so that the record stays what keepalived says.
func checkCorpusRecord(t *testing.T, entries []string) {
	t.Helper()
	got := "# keepalived 2.2.7 -t on testdata/corpus (go test -run TestIntegrationCorpusConfigTest -update-corpus ./cmd/goalived)\n" + strings.Join(entries, "")
	if *updateCorpus {
		if err := os.WriteFile(corpusRecord, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(corpusRecord)
	if err != nil {
		t.Fatalf("read the record (make it with -update-corpus): %v", err)
	}
	if string(want) != got {
		t.Errorf("keepalived -t no longer says what %s records; diff it with -update-corpus", corpusRecord)
	}
}
