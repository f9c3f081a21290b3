package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/goalived/goalived/engine/kalog"
	"github.com/goalived/goalived/netif/nstest"
)

const logTestConf = `vrrp_instance VI_1 {
    interface eth0
    virtual_router_id 61
    priority 100
    advert_int 1
    virtual_ipaddress {
        192.0.2.161/24
    }
}
`

// Line prefixes of keepalived 2.2.7's console (strftime "%c") and log file
// ("%a %b %d %T.%9ld %Y").
var (
	consoleLine = regexp.MustCompile(`^[A-Z][a-z]{2} [A-Z][a-z]{2} [ 1-3]\d \d\d:\d\d:\d\d \d{4}: (.*)$`)
	fileLine    = regexp.MustCompile(`^[A-Z][a-z]{2} [A-Z][a-z]{2} [0-3]\d \d\d:\d\d:\d\d\.\d{9} \d{4}: (.*)$`)
	// stoppedUsed is the VRRP side's last line with -D, with or without
	// the children's times.
	stoppedUsed = regexp.MustCompile(`^Stopped - used (\(self/children\) [\d.]+/[\d.]+ user time, [\d.]+/[\d.]+|[\d.]+ user time, [\d.]+) system time$`)
)

// TestIntegrationLogSyslog runs goalived with keepalived's log options and
// reads what it writes: to a syslog socket of the test (facility -S, the
// parent's lines under Keepalived and the VRRP side's under
// Keepalived_vrrp, goalived's pid), to the console (-l -n) and to the two
// files of -g, each line once and in the same order everywhere; with -G
// nothing reaches syslog.
func TestIntegrationLogSyslog(t *testing.T) {
	t.Parallel()
	lab := nstest.New(t, nstest.Hosts(1))
	t.Run("syslog, console and files", func(t *testing.T) {
		sink := newSyslogSink(t)
		dir := t.TempDir()
		n := startGoalived(t, lab, 0, logTestConf, "-D", "-S", "local5", "--log-format=keepalived",
			"--syslog-socket", sink.path, "-g"+filepath.Join(dir, "k.log"))
		sink.waitMsg(t, kalog.ParentIdent, "Startup complete", 10*time.Second)
		if err := n.Signal(syscall.SIGHUP); err != nil {
			t.Fatal(err)
		}
		sink.waitMsg(t, kalog.ParentIdent, "Reload complete", 10*time.Second)
		if err := n.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		if err := n.Wait(nstest.StopTimeout); err != nil {
			t.Fatalf("goalived after SIGTERM: %v\n%s", err, n.Output())
		}
		lines := sink.lines(t)
		const local5Info = 21<<3 | 6
		for _, l := range lines {
			if l.Pid != n.Pid() || l.Pri>>3 != local5Info>>3 {
				t.Errorf("line %+v: want pid %d and facility local5", l, n.Pid())
			}
		}
		parent := messages(lines, kalog.ParentIdent)
		checkParentLines(t, parent, n)
		vrrp := messages(lines, kalog.VRRPIdent)
		if !contains(vrrp, "Reloading") || len(vrrp) == 0 ||
			!stoppedUsed.MatchString(vrrp[len(vrrp)-1]) {
			t.Errorf("Keepalived_vrrp lines: want \"Reloading\" and \"Stopped - used ...\" last, got\n%s", strings.Join(vrrp, "\n"))
		}
		var all []string
		for _, l := range lines {
			all = append(all, l.Msg)
		}
		checkPrefixed(t, "console", n.Output(), consoleLine, all)
		checkPrefixed(t, "parent's log file", readFile(t, filepath.Join(dir, "k.log")), fileLine, parent)
		checkPrefixed(t, "VRRP log file", readFile(t, filepath.Join(dir, "k_vrrp.log")), fileLine, vrrp)
	})
	t.Run("-G", func(t *testing.T) {
		sink := newSyslogSink(t)
		n := startGoalived(t, lab, 0, logTestConf, "-G", "--log-format=keepalived", "--syslog-socket", sink.path)
		waitFor(t, 10*time.Second, func() bool { return strings.Contains(n.Output(), ": Startup complete\n") },
			func() string { return "Startup complete on the console\n" + n.Output() })
		if err := n.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		if err := n.Wait(nstest.StopTimeout); err != nil {
			t.Fatalf("goalived after SIGTERM: %v\n%s", err, n.Output())
		}
		if got := sink.lines(t); len(got) != 0 {
			t.Errorf("with -G goalived sent %d lines to syslog, want none: %+v", len(got), got)
		}
	})
}

// checkParentLines compares the parent's lines of a start, a reload and a
// stop with -D with keepalived's (the kernel and the command line are
// checked by their shape).
func checkParentLines(t *testing.T, got []string, n *goalivedNode) {
	t.Helper()
	var norm []string
	for _, m := range got {
		switch {
		case strings.HasPrefix(m, "Running on "):
			m = "Running on ..."
		case strings.HasPrefix(m, "Command line: '"):
			m = "Command line: ..."
		case strings.HasPrefix(m, "              '"):
			continue
		case regexp.MustCompile(`^CPU usage \(self/children\) user: [\d.]+/[\d.]+ system: [\d.]+/[\d.]+$`).MatchString(m):
			m = "CPU usage ..."
		}
		norm = append(norm, m)
	}
	want := []string{
		"Starting Keepalived v2.2.7 (goalived " + goalivedVersion + ")",
		"Running on ...",
		"Command line: ...",
		"Opening file '" + n.conf + "'.",
		"Configuration file " + n.conf,
		"NOTICE: setting config option max_auto_priority should result in better keepalived performance",
		fmt.Sprintf("Starting VRRP child process, pid=%d", n.Pid()),
		"Startup complete",
		"Reloading ...",
		"Opening file '" + n.conf + "'.",
		"Configuration file " + n.conf,
		"Reload complete",
		"Stopping",
		"CPU usage ...",
		"Stopped Keepalived v2.2.7 (goalived " + goalivedVersion + ")",
	}
	if diff := cmp.Diff(want, norm); diff != "" {
		t.Errorf("Keepalived (parent) lines (-want +got):\n%s", diff)
	}
}

// checkPrefixed checks that text is want, one line each, with prefix's
// timestamp.
func checkPrefixed(t *testing.T, what, text string, prefix *regexp.Regexp, want []string) {
	t.Helper()
	var got []string
	for _, l := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		m := prefix.FindStringSubmatch(l)
		if m == nil {
			t.Errorf("%s: line without keepalived's timestamp: %q", what, l)
			continue
		}
		got = append(got, m[1])
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s: lines differ from syslog's (-syslog +%s):\n%s", what, what, diff)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
