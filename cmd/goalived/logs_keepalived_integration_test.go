package main

import (
	"flag"
	"fmt"
	"net/netip"
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

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// logScenarioGolden is keepalived's side of TestIntegrationLogsMatchKeepalived,
// normalised (see normaliseLogLine); -update rewrites it from a run.
const logScenarioGolden = "testdata/logs-keepalived-scenario.golden"

// The scenario's addresses: the subject is router 0, the peer router 1.
var (
	logVIP1 = netip.MustParseAddr("192.0.2.100")
	logVIP2 = netip.MustParseAddr("192.0.2.101")
)

// TestIntegrationLogsMatchKeepalived runs keepalived 2.2.7 and then goalived
// as the subject of one scenario, against a keepalived peer, with -D and a
// syslog socket of the test: start, failover by check, failover by a crash
// of the peer, priority 0 received, FAULT by a tracked link down and back,
// a reload that changes VI_1 and leaves VI_2 as it is, and TERM. Each
// daemon's lines are split by ident (keepalived's parent and VRRP child
// race each other), normalised (timestamps, pids, CPU times, file
// descriptors, the test's directory; see normaliseLogLine for the
// deliberate differences) and compared in order: keepalived's with the
// golden file and the catalogue (every line catalogued under its ident;
// the peer, without -D, writes no detail line), goalived's with the
// catalogue and with keepalived's. The VRRP lines are compared per
// instance (see instanceSequences).
func TestIntegrationLogsMatchKeepalived(t *testing.T) {
	t.Parallel()
	keepalived := keepalivedBinary(t)
	nstest.Program(t, "unshare", "util-linux")
	cat := loadCatalogue(t)
	l := newTestlab(t, 2)
	l.Exec(0, "ip", "link", "add", "trk0", "type", "veth", "peer", "name", "trk0p")
	// No IPv6 address on trk0, whose link-local would come and go at
	// times that race the scenario's other lines.
	l.Exec(0, "sysctl", "-qw", "net.ipv6.conf.trk0.disable_ipv6=1", "net.ipv6.conf.trk0p.disable_ipv6=1")
	l.Exec(0, "ip", "link", "set", "trk0p", "up")
	l.Exec(0, "ip", "link", "set", "trk0", "up")

	got := map[string][]syslogLine{}
	for _, kind := range []string{keepalivedKind, goalivedKind} {
		lines, peers := runLogScenario(t, l, kind, keepalived)
		checkCatalogued(t, cat, kind, lines, true)
		for _, p := range peers {
			checkCatalogued(t, cat, "keepalived peer", p, false)
		}
		got[kind] = lines
	}
	k, g := logSequences(got[keepalivedKind]), logSequences(got[goalivedKind])
	checkLogGolden(t, k)
	if diff := cmp.Diff(k[0], g[0]); diff != "" {
		t.Errorf("parent lines (Keepalived ident), keepalived -want +goalived:\n%s", diff)
	}
	ki, gi := instanceSequences(got[keepalivedKind]), instanceSequences(got[goalivedKind])
	for _, name := range []string{"VI_1", "VI_2"} {
		if diff := cmp.Diff(ki[name], gi[name]); diff != "" {
			t.Errorf("VRRP lines (Keepalived_vrrp ident) of %s and the daemon's, keepalived -want +goalived:\n%s", name, diff)
		}
	}
}

// logDaemon is one daemon of the scenario with its syslog socket.
type logDaemon struct {
	kind string
	dir  string
	sink *syslogSink
	proc *nstest.Proc
}

// logScenarioConf is the subject's configuration; the peer has no check
// and priorities 90. Gratuitous ARPs are one per VIP and not repeated 5 s
// later, so that no burst races another event; the check may take long on
// a loaded host without timing out.
func logScenarioConf(dir string, prio1, prio2 int, subject bool) string {
	check, track := "", ""
	if subject {
		check = fmt.Sprintf(`
vrrp_script chk {
    script "%s/chk.sh"
    interval 1
    timeout 10
    weight -60
    rise 1
    fall 1
}
`, dir)
		track = `
    track_script {
        chk
    }
    track_interface {
        trk0
    }`
	}
	inst := func(name string, vrid, prio int, vip netip.Addr, extra string) string {
		return fmt.Sprintf(`
vrrp_instance %s {
    state BACKUP
    interface eth0
    virtual_router_id %d
    priority %d
    advert_int 1
    virtual_ipaddress {
        %v/24
    }%s
}
`, name, vrid, prio, vip, extra)
	}
	return `global_defs {
    vrrp_garp_master_delay 0
    vrrp_garp_master_repeat 1
}
` + check + inst("VI_1", 51, prio1, logVIP1, track) + inst("VI_2", 52, prio2, logVIP2, "")
}

// startLogDaemon starts kind on host i with conf, -l -n -S local5 and (with
// detail) -D, its syslog going to a socket of the test: goalived through
// --syslog-socket, keepalived through a private mount namespace whose
// /dev/log is that socket.
func startLogDaemon(t *testing.T, l *testlab, i int, kind, keepalived, dir, conf string, detail bool) *logDaemon {
	t.Helper()
	d := &logDaemon{kind: kind, dir: dir, sink: newSyslogSink(t)}
	cf := filepath.Join(dir, "keepalived.conf")
	if err := os.WriteFile(cf, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"-n", "-l", "-S", "5", "-f", cf, "-p", filepath.Join(dir, "k.pid"), "-r", filepath.Join(dir, "v.pid")}
	if detail {
		args = append(args, "-D")
	}
	switch kind {
	case goalivedKind:
		args = append(args, "--log-format=keepalived", "--syslog-socket", d.sink.path, "--status-file", filepath.Join(dir, "status"))
		d.proc = l.Start(i, goalivedBinary(t), args...)
	case keepalivedKind:
		dev := filepath.Join(dir, "dev")
		if err := os.Mkdir(dev, 0o755); err != nil {
			t.Fatal(err)
		}
		script := fmt.Sprintf(`set -e
mount -t tmpfs none %[1]s
cp -a /dev/null /dev/zero /dev/urandom /dev/random /dev/full /dev/fd /dev/stdin /dev/stdout /dev/stderr %[1]s/
touch %[1]s/log
mount --bind %[1]s /dev
mount --bind %[2]s /dev/log
exec %[3]s "$@"`, dev, d.sink.path, keepalived)
		d.proc = l.Start(i, "unshare", append([]string{"-m", "--propagation", "private", "sh", "-c", script, "keepalived"}, args...)...)
	}
	t.Cleanup(func() {
		d.proc.Stop()
		if t.Failed() {
			t.Logf("%s on host %d, console:\n%s", kind, i, d.proc.Output())
		}
	})
	return d
}

// waitVRRP waits until the daemon's VRRP side has logged msg n times.
func (d *logDaemon) waitVRRP(t *testing.T, msg string, n int) {
	t.Helper()
	waitFor(t, 20*time.Second, func() bool { return count(messages(d.sink.lines(t), kalog.VRRPIdent), msg) >= n },
		func() string { return fmt.Sprintf("%s to log %q %d times:\n%s", d.kind, msg, n, d.sink.dump(t)) })
}

// waitPriority waits until a tracker has changed the subject's VI_1 from
// priority from to to.
func (d *logDaemon) waitPriority(t *testing.T, from, to int) {
	t.Helper()
	d.waitVRRP(t, fmt.Sprintf("(VI_1) Changing effective priority from %d to %d", from, to), 1)
}

// stop sends SIGTERM and waits for the exit.
func (d *logDaemon) stop(t *testing.T) {
	t.Helper()
	if err := d.proc.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := d.proc.Wait(20 * time.Second); err != nil {
		t.Fatalf("%s after SIGTERM: %v\n%s", d.kind, err, d.proc.Output())
	}
}

// runLogScenario runs the scenario with kind as the subject and returns
// the subject's syslog lines and those of each run of the peer.
func runLogScenario(t *testing.T, l *testlab, kind, keepalived string) ([]syslogLine, [][]syslogLine) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), kind)
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	fail := filepath.Join(dir, "fail")
	if err := os.WriteFile(filepath.Join(dir, "chk.sh"), []byte("#!/bin/sh\n[ ! -e "+fail+" ]\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	var peers []*logDaemon
	startPeer := func() *logDaemon {
		p := startLogDaemon(t, l, 1, keepalivedKind, keepalived, t.TempDir(), logScenarioConf("", 90, 90, false), false)
		peers = append(peers, p)
		return p
	}
	holds := func(i int, vip netip.Addr, want bool) {
		t.Helper()
		waitFor(t, 20*time.Second, func() bool { return l.hasAddr(t, i, vip) == want },
			func() string { return fmt.Sprintf("host %d to hold %v: %t", i, vip, want) })
	}

	// Start: the subject alone becomes master of both.
	s := startLogDaemon(t, l, 0, kind, keepalived, dir, logScenarioConf(dir, 100, 101, true), true)
	holds(0, logVIP1, true)
	holds(0, logVIP2, true)
	p := startPeer()
	p.waitVRRP(t, "(VI_1) Entering BACKUP STATE (init)", 1)
	p.waitVRRP(t, "(VI_2) Entering BACKUP STATE (init)", 1)

	// Failover by check: VI_1 falls to 40, below the peer's 90.
	if err := os.WriteFile(fail, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	holds(0, logVIP1, false)
	p.waitVRRP(t, "(VI_1) Entering MASTER STATE", 1)

	// Failover by a crash of the peer (its VIP stays behind on host 1).
	if err := syscall.Kill(-p.proc.Pid(), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	holds(0, logVIP1, true)

	// The peer comes back and takes VI_1 from the subject at 40.
	p = startPeer()
	p.waitVRRP(t, "(VI_1) Entering MASTER STATE", 1)
	holds(0, logVIP1, false)

	// Priority 0 received: the peer stops.
	p.stop(t)
	holds(0, logVIP1, true)

	// The check recovers; the peer comes back as backup.
	if err := os.Remove(fail); err != nil {
		t.Fatal(err)
	}
	s.waitPriority(t, 40, 100)
	p = startPeer()
	p.waitVRRP(t, "(VI_1) Entering BACKUP STATE (init)", 1)
	p.waitVRRP(t, "(VI_2) Entering BACKUP STATE (init)", 1)

	// FAULT by the tracked link down, and back (the subject preempts).
	l.Exec(0, "ip", "link", "set", "trk0", "down")
	holds(0, logVIP1, false)
	holds(1, logVIP1, true)
	l.Exec(0, "ip", "link", "set", "trk0", "up")
	holds(0, logVIP1, true)
	holds(1, logVIP1, false)
	// The subject's lines of that takeover before the reload's: goalived
	// writes an instance's lines after its step, and on a loaded machine
	// the VIP can be in place before they are (a SIGHUP sent at once
	// then logged "Reloading" first).
	s.waitVRRP(t, "(VI_1) Entering MASTER STATE", 4)

	// Reload: VI_1 changes priority, VI_2 stays as it is.
	if err := os.WriteFile(filepath.Join(dir, "keepalived.conf"), []byte(logScenarioConf(dir, 110, 101, true)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := s.proc.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 20*time.Second, func() bool { return contains(messages(s.sink.lines(t), kalog.ParentIdent), "Reload complete") },
		func() string { return kind + " to complete the reload\n" + s.sink.dump(t) })
	// The VRRP child's last reload line, which may follow the parent's
	// "Reload complete".
	s.waitVRRP(t, "VRRP sockpool: [ifindex(  2), family(IPv4), proto(112), fd(N,N) multicast, address(224.0.0.18)]", 2)

	// TERM: the peer takes over.
	s.stop(t)
	holds(1, logVIP1, true)
	p.stop(t)
	var peerLines [][]syslogLine
	for _, pd := range peers {
		peerLines = append(peerLines, pd.sink.lines(t))
	}
	return normaliseDir(s.sink.lines(t), dir), peerLines
}

// normaliseDir replaces the run's directory in the lines with DIR.
func normaliseDir(lines []syslogLine, dir string) []syslogLine {
	for i := range lines {
		lines[i].Msg = strings.ReplaceAll(lines[i].Msg, dir, "DIR")
	}
	return lines
}

func count(ss []string, s string) int {
	n := 0
	for _, x := range ss {
		if normaliseLogLine(x) == s {
			n++
		}
	}
	return n
}

// Parts of keepalived's lines that differ from run to run or from goalived
// by design, and what they become.
var logLineNormalisations = []struct {
	re   *regexp.Regexp
	repl string
}{
	// keepalived's build date, goalived's release.
	{regexp.MustCompile(`Keepalived v2\.2\.7 \((01/16,2022|goalived [^)]*)\)`), "Keepalived v2.2.7 (VERSION)"},
	// The kernel, and the headers keepalived was built with (goalived has none).
	{regexp.MustCompile(`^Running on .*$`), "Running on KERNEL"},
	{regexp.MustCompile(`pid=\d+$`), "pid=PID"},
	{regexp.MustCompile(`^Stopped - used .* system time$`), "Stopped - used CPU TIME"},
	{regexp.MustCompile(`^CPU usage \(self/children\) .*$`), "CPU usage CPU TIME"},
	{regexp.MustCompile(`fd\(\d+,\d+\)`), "fd(N,N)"},
}

// logLineOmissions are lines left out of the comparison: keepalived's
// lines goalived does not write on purpose, and lines only a slow host
// writes.
var logLineOmissions = []struct {
	re  *regexp.Regexp
	why string
}{
	{regexp.MustCompile(`^Command line: |^ {14}'`), "the command lines differ (binary, options)"},
	// Lines a loaded host adds at times of its own (they are catalogued).
	{regexp.MustCompile(`^A thread timer expired `), "a late timer"},
	{regexp.MustCompile(`^Track script \S+ is .*, expect idle - skipping run$`), "a check slower than its interval"},
	{regexp.MustCompile(`^Child process \d+ in our process group \d+$`), "a check still running at stop"},
}

// normaliseLogLine is msg with its run-dependent parts replaced, "" for
// a line left out of the comparison.
func normaliseLogLine(msg string) string {
	for _, o := range logLineOmissions {
		if o.re.MatchString(msg) {
			return ""
		}
	}
	for _, n := range logLineNormalisations {
		msg = n.re.ReplaceAllString(msg, n.repl)
	}
	return msg
}

// goalivedCatalogueLine is goalived's line as keepalived's catalogue
// entry has it, where goalived differs on purpose: it is not built
// against kernel headers, so "Running on" has no "(built for Linux
// X.Y.Z)".
func goalivedCatalogueLine(msg string) string {
	if strings.HasPrefix(msg, "Running on ") {
		return msg + " (built for Linux 0.0.0)"
	}
	return msg
}

// instanceSequences are, for each instance, the normalised VRRP lines
// about it and about the whole daemon, each run of one line written once.
// A line is about an instance when it starts with its "(VI_1)" or names
// one of its VIPs (the gratuitous ARP lines); the others (checks, links,
// sockets, reload, stop) are the daemon's. Deliberate difference:
// goalived runs its instances concurrently where keepalived's single
// thread runs one after the other, so the lines of two instances whose
// events fall within milliseconds of each other (VI_1's and VI_2's
// master-down timers 4 ms apart, their resignations at stop) interleave
// either way; each instance's lines keep their order, also against the
// daemon's own lines.
func instanceSequences(lines []syslogLine) map[string][]string {
	owner := regexp.MustCompile(`^\((VI_\d+)\):? `)
	vips := map[string]string{" for " + logVIP1.String(): "VI_1", " for " + logVIP2.String(): "VI_2"}
	out := map[string][]string{}
	for _, l := range lines {
		m := normaliseLogLine(l.Msg)
		if m == "" || l.Ident != kalog.VRRPIdent {
			continue
		}
		names := []string{"VI_1", "VI_2"} // the daemon's lines go with each
		if o := owner.FindStringSubmatch(m); o != nil {
			names = []string{o[1]}
		}
		for suffix, name := range vips {
			if strings.HasSuffix(m, suffix) {
				names = []string{name}
			}
		}
		for _, name := range names {
			if n := len(out[name]); n > 0 && out[name][n-1] == m {
				continue
			}
			out[name] = append(out[name], m)
		}
	}
	return out
}

// logSequences are the parent's and the VRRP side's normalised lines,
// each run of one line repeated (a backup discards several adverts)
// written once.
func logSequences(lines []syslogLine) [2][]string {
	var out [2][]string
	for _, l := range lines {
		m := normaliseLogLine(l.Msg)
		if m == "" {
			continue
		}
		i := 1
		if l.Ident == kalog.ParentIdent {
			i = 0
		}
		if n := len(out[i]); n > 0 && out[i][n-1] == m {
			continue
		}
		out[i] = append(out[i], m)
	}
	return out
}

// checkCatalogued checks each line against the catalogue: an entry of its
// ident must match it, not a detail entry when the daemon ran without -D,
// and the syslog severity must be the entry's (facility local5).
func checkCatalogued(t *testing.T, cat []catalogueEntry, who string, lines []syslogLine, detail bool) {
	t.Helper()
	severities := map[string]int{"": 6, "err": 3, "alert": 1}
	for _, l := range lines {
		msg := l.Msg
		if who == goalivedKind {
			msg = goalivedCatalogueLine(msg)
		}
		matches := matchCatalogue(cat, l.Ident, msg)
		if len(matches) == 0 {
			t.Errorf("%s: line not in %s: %s %q", who, catalogueFile, l.Ident, l.Msg)
			continue
		}
		e := matches[0]
		if !detail && e.fields["level"] != "info" {
			t.Errorf("%s without -D wrote %q, catalogued as %s (%s)", who, l.Msg, e.fields["level"], e.fields["event"])
		}
		if l.Pri != 21<<3|severities[e.fields["severity"]] {
			t.Errorf("%s: %q at priority %d, want local5 and the catalogue's severity (%s)", who, l.Msg, l.Pri, e.fields["event"])
		}
	}
}

// checkLogGolden compares keepalived's sequences with the golden file.
func checkLogGolden(t *testing.T, seqs [2][]string) {
	t.Helper()
	var b strings.Builder
	b.WriteString("# keepalived 2.2.7's lines in TestIntegrationLogsMatchKeepalived, normalised; -update rewrites it\n")
	for i, ident := range []string{"parent", "vrrp"} {
		for _, m := range seqs[i] {
			fmt.Fprintf(&b, "%s: %s\n", ident, m)
		}
	}
	if *update {
		if err := os.WriteFile(logScenarioGolden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(logScenarioGolden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), b.String()); diff != "" {
		t.Errorf("keepalived's lines differ from %s (-want +got):\n%s", logScenarioGolden, diff)
	}
}
