package main

import (
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/goalived/goalived/netif/nslab"
	"github.com/goalived/goalived/netif/nstest"
)

// upgradeInstance is one VRRPv3 instance at advert_int 0.1 on eth0
// notifying notify.sh in @DIR@, with extra lines (a no_accept) and its
// VIPs.
func upgradeInstance(name string, vrid, prio int, extra string, vips ...string) string {
	return fmt.Sprintf(`vrrp_instance %s {
    state BACKUP
    interface eth0
    virtual_router_id %d
    priority %d
    version 3
    advert_int 0.1
    %s
    virtual_ipaddress {
        %s
    }
    notify @DIR@/notify.sh
}
`, name, vrid, prio, extra, strings.Join(vips, "\n        "))
}

// upgradeConf is n VRRPv3 instances at advert_int 0.1 on eth0, VIPs
// 192.0.2.100 upwards, each notifying notify.sh in dir.
func upgradeConf(n, prio int, dir string) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		b.WriteString(upgradeInstance(fmt.Sprintf("VI_%d", i), i, prio, "", fmt.Sprintf("192.0.2.%d/32", 99+i)))
	}
	return strings.ReplaceAll(b.String(), "@DIR@", dir)
}

func upgradeVIPs(n int) []netip.Addr {
	out := make([]netip.Addr, n)
	for i := range out {
		out[i] = netip.AddrFrom4([4]byte{192, 0, 2, byte(100 + i)})
	}
	return out
}

// upgradeDaemon is a daemon run from a directory holding its
// configuration, pid files, notify.sh and notify.log (and, for goalived,
// the binary that upgrades replace).
type upgradeDaemon struct {
	dir  string
	proc *nstest.Proc
}

func (d *upgradeDaemon) path(name string) string { return filepath.Join(d.dir, name) }

func (d *upgradeDaemon) pid() int {
	pid, _ := readPid(d.path("daemon.pid"))
	return pid
}

// prepare writes the configuration and notify.sh.
func prepareDaemon(t *testing.T, conf string) *upgradeDaemon {
	t.Helper()
	d := &upgradeDaemon{dir: t.TempDir()}
	notify := "#!/bin/sh\necho \"$@\" >>" + d.path("notify.log") + "\n"
	if err := os.WriteFile(d.path("notify.sh"), []byte(notify), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(d.path("keepalived.conf"), []byte(strings.ReplaceAll(conf, "@DIR@", d.dir)), 0o644); err != nil {
		t.Fatal(err)
	}
	return d
}

func (d *upgradeDaemon) args() []string {
	return []string{"-n", "-l", "-D", "-f", d.path("keepalived.conf"), "-p", d.path("daemon.pid"), "-r", d.path("vrrp.pid")}
}

// startUpgradable starts goalived from a copy of bin in its directory;
// whatever process runs it at the end of the test is stopped with TERM.
func startUpgradable(t *testing.T, lab *nstest.Lab, host int, bin, conf string) *upgradeDaemon {
	t.Helper()
	d := prepareDaemon(t, conf)
	install(t, bin, d.path("goalived"))
	// Text lines: their timestamps (ns) place the freezes on the capture's
	// time line; keepalived's console prefix has seconds only.
	d.proc = lab.Start(host, d.path("goalived"), append(d.args(), "--status-file", d.path("status"), "--log-format=text")...)
	t.Cleanup(func() {
		if pid := d.pid(); pid > 0 && nslab.Running(pid) {
			_ = syscall.Kill(pid, syscall.SIGTERM)
			waitFor(t, 10*time.Second, func() bool { return !nslab.Running(pid) },
				func() string { return fmt.Sprintf("goalived (pid %d) still running after TERM", pid) })
		}
		if t.Failed() {
			t.Logf("goalived's output:\n%s\nnotify.log:\n%s", d.proc.Output(), fileText(d.path("notify.log")))
		}
	})
	return d
}

// daemonVersion is what `goalived -v -p PIDFILE` says of the running
// daemon: its lines after keepalived's.
func daemonVersion(t *testing.T, bin, pidFile string) string {
	t.Helper()
	out, err := exec.Command(bin, "-v", "-p", pidFile).CombinedOutput()
	if err != nil {
		t.Fatalf("goalived -v: %v\n%s", err, out)
	}
	_, tail, ok := strings.Cut(string(out), "\nSystem options:")
	if _, tail, ok = strings.Cut(tail, "\n\n"); !ok {
		t.Fatalf("goalived -v says nothing of the daemon:\n%s", out)
	}
	return tail
}

// wantDaemonVersion checks -v's lines on the daemon of d: version runs
// as pid, upgraded from the version and pid of from if set.
func wantDaemonVersion(t *testing.T, bin string, d *upgradeDaemon, version string, pid int, from *upgradedFrom) {
	t.Helper()
	got := daemonVersion(t, bin, d.path("daemon.pid"))
	want := fmt.Sprintf("Running daemon:  goalived %s, pid %d, since ", version, pid)
	if !strings.HasPrefix(got, want) {
		t.Errorf("goalived -v says %q, want it to start with %q", got, want)
	}
	upgraded := ""
	if from != nil {
		upgraded = fmt.Sprintf("Upgraded from:   goalived %s, pid %d (hot upgrade)\n", from.Version, from.PID)
	}
	if _, last, _ := strings.Cut(got, "\n"); last != upgraded {
		t.Errorf("goalived -v ends with %q, want %q", last, upgraded)
	}
}

func fileText(path string) string {
	b, _ := os.ReadFile(path)
	return string(b)
}

// hasVIPs reports whether host holds every VIP.
func hasVIPs(t testing.TB, lab *nstest.Lab, host int, vips []netip.Addr) bool {
	out := lab.Exec(host, "ip", "-4", "-o", "addr", "show", "dev", "eth0")
	for _, v := range vips {
		if !strings.Contains(out, " "+v.String()+"/") {
			return false
		}
	}
	return true
}

// upgrade renames bin over d's binary and sends SIGHUP; it waits for the
// new process to own the pid file and the old one to be gone, and
// returns both pids.
func upgrade(t *testing.T, d *upgradeDaemon, bin, fromVersion, toVersion string) (old, next int) {
	t.Helper()
	old = d.pid()
	if err := os.Rename(bin, d.path("goalived")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(old, syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	line := fmt.Sprintf("goalived %s (pid ", toVersion)
	waitFor(t, 20*time.Second, func() bool {
		next = d.pid()
		return next != old && !nslab.Running(old) && strings.Contains(d.proc.Output(), line)
	}, func() string {
		return fmt.Sprintf("no hot upgrade from pid %d (%s) to %s: pid file %d\n%s", old, fromVersion, toVersion, next, d.proc.Output())
	})
	want := fmt.Sprintf("goalived %s (pid %d) took over from goalived %s (pid %d)", toVersion, next, fromVersion, old)
	if !strings.Contains(d.proc.Output(), want) {
		t.Errorf("log lacks %q", want)
	}
	return old, next
}

// TestIntegrationHotUpgrade: a goalived master of 20 VRRPv3 instances at
// advert_int 0.1 beside a keepalived 2.2.7 backup is upgraded ten times
// in a row (its binary replaced, then SIGHUP) while a client pings every
// VIP every 10 ms: the pid changes each time, the backup never leaves
// BACKUP, no priority 0 is on the wire, the master's adverts never pause
// longer than advert_int + 20 ms, every VIP is on the master at every
// 1 ms sample and no ping is lost.
func TestIntegrationHotUpgrade(t *testing.T) {
	t.Parallel()
	nstest.RequireRoot(t)
	keepalived := nstest.Keepalived(t)
	tcpdump := nstest.Program(t, "tcpdump", "tcpdump")
	bins := versionedBinaries(t)
	const n = 20
	vips := upgradeVIPs(n)
	lab := nstest.New(t, nstest.Hosts(3))
	// The master first, so that the backup starts in BACKUP and stays.
	master := startUpgradable(t, lab, 0, bins[0], upgradeConf(n, 150, "@DIR@"))
	waitFor(t, 30*time.Second, func() bool { return hasVIPs(t, lab, 0, vips) },
		func() string { return "master without all VIPs:\n" + lab.Exec(0, "ip", "addr") })
	backup := prepareDaemon(t, upgradeConf(n, 100, "@DIR@"))
	backup.proc = lab.Start(1, "env", append([]string{"TMPDIR=" + backup.dir, keepalived}, append(backup.args(), "-P")...)...)
	waitFor(t, 30*time.Second, func() bool { return strings.Count(fileText(backup.path("notify.log")), " BACKUP ") == n },
		func() string { return "backup not BACKUP:\n" + fileText(backup.path("notify.log")) })
	capture := lab.Start(2, tcpdump, "-i", "eth0", "-n", "-tt", "-l", "ip proto 112")
	ping, err := nslab.StartPinger(lab.Host(2).Name, vips, 10*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ping.Close)
	waitFor(t, 10*time.Second, func() bool { return ping.Silent() == 0 },
		func() string { return "the client does not reach every VIP" })
	ping.Count()
	samples := startSampler(t, lab, 0, vips)
	// The ten binaries are copied beforehand: each upgrade only renames
	// one over the last, as dpkg does, and the copying does not load the
	// machine meanwhile.
	copies := make([]string, 10)
	for i := range copies {
		copies[i] = master.path(fmt.Sprintf("goalived.%d", i))
		install(t, bins[(i+1)%2], copies[i])
	}
	pids := []int{master.pid()}
	for i := range 10 {
		_, next := upgrade(t, master, copies[i], upgradeVersions[i%2], upgradeVersions[(i+1)%2])
		pids = append(pids, next)
		// The next upgrade once the new process has advertised twice.
		seen := strings.Count(capture.Output(), "\n")
		waitFor(t, 10*time.Second, func() bool { return strings.Count(capture.Output(), "\n") >= seen+2*n },
			func() string { return "no adverts after the upgrade" })
	}
	sent, lost := ping.Lost(time.Second)
	samples.close()
	capture.Stop()
	wantDaemonVersion(t, bins[0], master, upgradeVersions[0], pids[10], &upgradedFrom{Version: upgradeVersions[1], PID: pids[9]})

	seen := map[int]bool{}
	for _, p := range pids {
		if seen[p] {
			t.Errorf("pid %d ran twice (pids %v)", p, pids)
		}
		seen[p] = true
	}
	if notes := fileText(backup.path("notify.log")); strings.Count(notes, "\n") != n || strings.Contains(notes, "MASTER") ||
		strings.Contains(notes, "FAULT") {
		t.Errorf("the backup's notify log shows a transition:\n%s", notes)
	}
	if strings.Contains(backup.proc.Output(), "Entering MASTER STATE") {
		t.Errorf("the backup entered MASTER:\n%s", backup.proc.Output())
	}
	if m := samples.missing.Load(); m > 0 || samples.samples.Load() < 1000 {
		t.Errorf("%d of %d samples missed a VIP (first: %v)", m, samples.samples.Load(), samples.first.Load())
	}
	for a, l := range lost {
		t.Errorf("%d pings to %v lost (of %d sent to all)", l, a, sent)
	}
	ads := parseAdverts(capture.Output())
	gaps, zero := longestGaps(ads, lab.Host(0).Addr4.String())
	if len(zero) > 0 {
		t.Errorf("priority-0 adverts on the wire: %v", zero)
	}
	if len(gaps) != n {
		t.Errorf("adverts of %d VRIDs captured, want %d", len(gaps), n)
	}
	freezes := freezeTimes(master.proc.Output())
	if len(freezes) != 10 {
		t.Errorf("%d freezes logged, want 10", len(freezes))
	}
	handover, other := splitGaps(ads, lab.Host(0).Addr4.String(), freezes)
	t.Logf("10 upgrades, pids %v: %d pings sent, %d address samples; longest gap between the master's adverts "+
		"across a handover %v, elsewhere %v", pids, sent, samples.samples.Load(), handover, other)
	// What a handover costs in advert spacing (advert_int + 20 ms at most
	// on a quiet machine) is the upgrade benchmark's figure: under CI's
	// parallel load a few tens of milliseconds come and go with the
	// scheduler. What the test holds to is what a peer can tell: the gap
	// stays far below the backup's down timer (361 ms), which therefore
	// never fires (checked above: no transition).
	if handover >= 300*time.Millisecond {
		t.Errorf("longest gap across a handover %v, want < 300 ms; per VRID: %v", handover, gaps)
	}
	if other >= 300*time.Millisecond {
		t.Errorf("longest gap between the master's adverts %v", other)
	}
}

// TestIntegrationHotUpgradeFailure: a hot upgrade to a binary that exits
// at once, then to a good binary with a configuration that has an error,
// changes nothing: the same process keeps the VIP and keeps advertising
// (a goalived backup never takes over) and says why in its log; once the
// configuration is mended, the next SIGHUP upgrades.
func TestIntegrationHotUpgradeFailure(t *testing.T) {
	t.Parallel()
	nstest.RequireRoot(t)
	tcpdump := nstest.Program(t, "tcpdump", "tcpdump")
	bins := versionedBinaries(t)
	vips := upgradeVIPs(2)
	lab := nstest.New(t, nstest.Hosts(3))
	master := startUpgradable(t, lab, 0, bins[0], upgradeConf(2, 150, "@DIR@"))
	waitFor(t, 30*time.Second, func() bool { return hasVIPs(t, lab, 0, vips) }, func() string { return "master without its VIPs" })
	backup := startUpgradable(t, lab, 1, goalivedBinary(t), upgradeConf(2, 100, "@DIR@"))
	waitFor(t, 30*time.Second, func() bool { return strings.Count(fileText(backup.path("notify.log")), " BACKUP ") == 2 },
		func() string { return "backup not BACKUP" })
	capture := lab.Start(2, tcpdump, "-i", "eth0", "-n", "-tt", "-l", "ip proto 112")
	pid := master.pid()
	wantDaemonVersion(t, bins[1], master, upgradeVersions[0], pid, nil)
	broken := filepath.Join(t.TempDir(), "exits")
	if err := os.WriteFile(broken, []byte("#!/bin/sh\nexit 3\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	attempt := func(what, bin string) {
		t.Helper()
		failures := strings.Count(master.proc.Output(), "hot upgrade failed")
		install(t, bin, master.path("goalived"))
		if err := syscall.Kill(pid, syscall.SIGHUP); err != nil {
			t.Fatal(err)
		}
		waitFor(t, 30*time.Second, func() bool { return strings.Count(master.proc.Output(), "hot upgrade failed") > failures },
			func() string { return what + ": no failure logged\n" + master.proc.Output() })
		if got := master.pid(); got != pid || !nslab.Running(pid) {
			t.Errorf("%s: pid file %d, pid %d running %v; want the old process on", what, got, pid, nslab.Running(pid))
		}
		if !hasVIPs(t, lab, 0, vips) {
			t.Errorf("%s: the master lost its VIPs", what)
		}
		wantDaemonVersion(t, bins[1], master, upgradeVersions[0], pid, nil)
	}
	attempt("a binary that exits at once", broken)
	conf := master.path("keepalived.conf")
	good := fileText(conf)
	if err := os.WriteFile(conf, []byte(good+"vrrp_instance {\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	attempt("a configuration with an error", bins[1])
	if err := os.WriteFile(conf, []byte(good), 0o644); err != nil {
		t.Fatal(err)
	}
	install(t, bins[1], master.path("goalived.next"))
	_, next := upgrade(t, master, master.path("goalived.next"), upgradeVersions[0], upgradeVersions[1])
	wantDaemonVersion(t, bins[0], master, upgradeVersions[1], next, &upgradedFrom{Version: upgradeVersions[0], PID: pid})
	capture.Stop()
	if notes := fileText(backup.path("notify.log")); strings.Contains(notes, "MASTER") {
		t.Errorf("the backup took over:\n%s", notes)
	}
	gaps, zero := longestGaps(parseAdverts(capture.Output()), lab.Host(0).Addr4.String())
	if len(zero) > 0 || len(gaps) != 2 {
		t.Errorf("adverts of %d VRIDs captured, priority 0: %v", len(gaps), zero)
	}
	for vrid, g := range gaps {
		if g > 300*time.Millisecond {
			t.Errorf("VRID %d: the master was silent for %v", vrid, g)
		}
	}
	stopDaemon(t, master)
	if got := daemonVersion(t, bins[0], master.path("daemon.pid")); !strings.HasPrefix(got, "Running daemon:  none ") {
		t.Errorf("goalived -v after the daemon stopped: %q", got)
	}
	if _, err := os.Stat(versionFile(master.path("daemon.pid"))); !os.IsNotExist(err) {
		t.Errorf("version file left after the daemon stopped: %v", err)
	}
}

// stopDaemon sends TERM to the process d's pid file names and waits for
// it to exit.
func stopDaemon(t *testing.T, d *upgradeDaemon) {
	t.Helper()
	pid := d.pid()
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 30*time.Second, func() bool { return !nslab.Running(pid) },
		func() string { return fmt.Sprintf("goalived (pid %d) still running after TERM", pid) })
}
