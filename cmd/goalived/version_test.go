package main

import (
	"bytes"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
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

// TestVersionRunningDaemon: -v ends with the daemon its pid file names,
// after keepalived's lines, which stay first and unchanged: none without
// a live process; its version and, after a hot upgrade, the version it
// took over from when it recorded them; only its pid when the live
// process left no record of its own (keepalived shares the pid file).
func TestVersionRunningDaemon(t *testing.T) {
	since := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	self := os.Getpid()
	for _, tc := range []struct {
		name   string
		pid    int // written to the pid file; 0: no pid file
		record *runningRecord
		want   string
	}{
		{name: "no pid file", want: "\nRunning daemon:  none (pid file PIDFILE)\n"},
		{name: "stale pid file", pid: deadPid(t), record: &runningRecord{PID: 1, Version: "x"},
			want: "\nRunning daemon:  none (pid file PIDFILE)\n"},
		{name: "started", pid: self, record: &runningRecord{PID: self, Version: "0.2.0", Since: since},
			want: fmt.Sprintf("\nRunning daemon:  goalived 0.2.0, pid %d, since 2026-05-01T10:00:00Z\n", self)},
		{name: "upgraded", pid: self,
			record: &runningRecord{PID: self, Version: "0.2.0", Since: since, From: &upgradedFrom{Version: "0.1.0", PID: 41}},
			want: fmt.Sprintf("\nRunning daemon:  goalived 0.2.0, pid %d, since 2026-05-01T10:00:00Z\n"+
				"Upgraded from:   goalived 0.1.0, pid 41 (hot upgrade)\n", self)},
		{name: "record of another process", pid: self, record: &runningRecord{PID: self + 1, Version: "0.2.0"},
			want: fmt.Sprintf("\nRunning daemon:  pid %d, not a goalived that records its version (pid file PIDFILE)\n", self)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pidFile := filepath.Join(t.TempDir(), "keepalived.pid")
			if tc.pid != 0 {
				if err := os.WriteFile(pidFile, []byte(fmt.Sprintf("%d\n", tc.pid)), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if tc.record != nil {
				if err := writeVersionFile(pidFile, *tc.record); err != nil {
					t.Fatal(err)
				}
			}
			var out, keepalivedLines bytes.Buffer
			if rc := run([]string{"-v", "-p", pidFile}, &out, &out); rc != 0 {
				t.Fatalf("-v exits %d", rc)
			}
			printVersion(&keepalivedLines)
			got, ok := strings.CutPrefix(out.String(), keepalivedLines.String())
			if !ok {
				t.Fatalf("-v does not start with keepalived's lines:\n%s", out.String())
			}
			if diff := cmp.Diff(strings.ReplaceAll(tc.want, "PIDFILE", pidFile), got); diff != "" {
				t.Errorf("-v's last lines (-want +got):\n%s", diff)
			}
			if v := exporterVersion(t, out.String()); len(v) != 3 || v[0] != 2 || v[1] != 2 || v[2] != 7 {
				t.Errorf("version %v, want 2.2.7", v)
			}
		})
	}
}

// deadPid is the pid of a process that has exited.
func deadPid(t *testing.T) int {
	t.Helper()
	c := exec.Command("true")
	if err := c.Run(); err != nil {
		t.Skipf("cannot run true: %v", err)
	}
	return c.Process.Pid
}

// TestVersionFileFollowsPidFile: the daemon writes its version file with
// its pid files and removes it with them, but not one that names another
// process (a hot upgrade's new process replaced it).
func TestVersionFileFollowsPidFile(t *testing.T) {
	dir := t.TempDir()
	d := &daemon{o: &options{pidFile: filepath.Join(dir, "k.pid"), vrrpPidFile: filepath.Join(dir, "v.pid")}, log: slog.New(slog.DiscardHandler)}
	d.from = handoverMsg{Version: "0.0.9", PID: 7}
	if !d.writePidFiles(0) {
		t.Fatal("pid files not written")
	}
	rec, err := readVersionFile(d.o.pidFile)
	if err != nil {
		t.Fatal(err)
	}
	want := runningRecord{PID: os.Getpid(), Version: goalivedVersion, Since: d.since, From: &upgradedFrom{Version: "0.0.9", PID: 7}}
	if diff := cmp.Diff(want, rec); diff != "" {
		t.Errorf("version file (-want +got):\n%s", diff)
	}
	d.removePidFiles()
	if _, err := os.Stat(versionFile(d.o.pidFile)); !os.IsNotExist(err) {
		t.Errorf("version file left after the pid files went: %v", err)
	}
	other := runningRecord{PID: os.Getpid() + 1, Version: "next"}
	if err := writeVersionFile(d.o.pidFile, other); err != nil {
		t.Fatal(err)
	}
	removeVersionFile(d.o.pidFile)
	if _, err := os.Stat(versionFile(d.o.pidFile)); err != nil {
		t.Errorf("another process's version file removed: %v", err)
	}
}
