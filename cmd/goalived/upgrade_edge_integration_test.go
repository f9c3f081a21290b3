package main

import (
	"bytes"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/goalived/goalived/netif/nslab"
	"github.com/goalived/goalived/netif/nstest"
)

// The hot upgrade's edge cases that an unattended package upgrade meets:
// signals during the upgrade, a second upgrade right after the first,
// a new binary that dies soon after it took over, and a configuration
// changed with the binary.

// edgeLab is a goalived master of two VRRPv3 instances at advert_int
// 0.1 (VIPs 192.0.2.100 and .101) beside a goalived backup, with a
// capture of the adverts.
type edgeLab struct {
	lab            *nstest.Lab
	master, backup *upgradeDaemon
	capture        *nstest.Proc
	bins           [2]string
}

func newEdgeLab(t *testing.T) *edgeLab {
	t.Helper()
	nstest.RequireRoot(t)
	tcpdump := nstest.Program(t, "tcpdump", "tcpdump")
	e := &edgeLab{bins: versionedBinaries(t), lab: nstest.New(t, nstest.Hosts(3))}
	e.master = startUpgradable(t, e.lab, 0, e.bins[0], upgradeConf(2, 150, "@DIR@"))
	waitFor(t, 30*time.Second, func() bool { return hasVIPs(t, e.lab, 0, upgradeVIPs(2)) }, func() string { return "master without its VIPs" })
	e.backup = startUpgradable(t, e.lab, 1, goalivedBinary(t), upgradeConf(2, 100, "@DIR@"))
	waitFor(t, 30*time.Second, func() bool { return strings.Count(fileText(e.backup.path("notify.log")), " BACKUP ") == 2 },
		func() string { return "backup not BACKUP" })
	e.capture = e.lab.Start(2, tcpdump, "-i", "eth0", "-n", "-tt", "-l", "ip proto 112")
	return e
}

// replace renames a copy of build i over the master's binary.
func (e *edgeLab) replace(t *testing.T, i int) {
	t.Helper()
	install(t, e.bins[i], e.master.path("goalived"))
}

// upgradeTo replaces the master's binary by build i and sends SIGHUP to
// the process its pid file names, which it returns.
func (e *edgeLab) upgradeTo(t *testing.T, i int) int {
	t.Helper()
	pid := e.master.pid()
	e.replace(t, i)
	if err := syscall.Kill(pid, syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	return pid
}

// wantNoFailover checks that the backup never took over the instances
// named and that the master sent no priority 0 and was never silent for
// 300 ms.
func (e *edgeLab) wantNoFailover(t *testing.T, names ...string) {
	t.Helper()
	notes := fileText(e.backup.path("notify.log"))
	for _, n := range names {
		if strings.Contains(notes, "INSTANCE "+n+" MASTER") {
			t.Errorf("the backup took %s over:\n%s", n, notes)
		}
	}
	gaps, zero := longestGaps(parseAdverts(e.capture.Output()), e.lab.Host(0).Addr4.String())
	if len(zero) > 0 {
		t.Errorf("priority-0 adverts: %v", zero)
	}
	for vrid, g := range gaps {
		if g >= 300*time.Millisecond {
			t.Errorf("VRID %d: the master was silent for %v", vrid, g)
		}
	}
}

// running lists the processes started from path (argv[0]).
func running(path string) []int {
	var pids []int
	dirs, _ := os.ReadDir("/proc")
	for _, d := range dirs {
		pid, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", d.Name(), "cmdline"))
		if err == nil && bytes.HasPrefix(b, []byte(path+"\x00")) {
			pids = append(pids, pid)
		}
	}
	return pids
}

// TestIntegrationHotUpgradeSignals: signals that come while a hot
// upgrade runs are not lost. A SIGHUP right after the upgrade's (a
// configuration changed meanwhile) reaches the new process, which
// reloads; a TERM right after the upgrade's SIGHUP stops the daemon,
// whichever process runs the instances by then, and leaves none.
func TestIntegrationHotUpgradeSignals(t *testing.T) {
	t.Parallel()
	t.Run("HUP", func(t *testing.T) {
		t.Parallel()
		e := newEdgeLab(t)
		old := e.upgradeTo(t, 1)
		// The second SIGHUP once the first is being handled: the kernel
		// merges a signal sent while the same one is pending.
		waitFor(t, 10*time.Second, func() bool { return strings.Contains(e.master.proc.Output(), "hot upgrade: starting the new binary") },
			func() string { return "the upgrade to start\n" + e.master.proc.Output() })
		conf := e.master.path("keepalived.conf")
		changed := strings.Replace(fileText(conf), "192.0.2.100/32", "192.0.2.100/32\n        192.0.2.150/32", 1)
		if err := os.WriteFile(conf, []byte(changed), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := syscall.Kill(old, syscall.SIGHUP); err != nil {
			t.Fatal(err)
		}
		var next int
		waitFor(t, 30*time.Second, func() bool {
			next = e.master.pid()
			return next != old && !nslab.Running(old) && e.lab.HasAddr(0, upgradeVIPs(51)[50]) &&
				strings.Contains(e.master.proc.Output(), "Reload complete")
		}, func() string { return "the upgrade, then a reload with the new VIP\n" + e.master.proc.Output() })
		if !strings.Contains(e.master.proc.Output(), fmt.Sprintf("hangup came during the handover, passed on to the new process (pid %d)", next)) {
			t.Errorf("the second SIGHUP was not passed on:\n%s", e.master.proc.Output())
		}
		e.capture.Stop()
		e.wantNoFailover(t, "VI_1", "VI_2")
	})
	t.Run("TERM", func(t *testing.T) {
		t.Parallel()
		e := newEdgeLab(t)
		old := e.upgradeTo(t, 1)
		if err := syscall.Kill(old, syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		waitFor(t, 30*time.Second, func() bool { return len(running(e.master.path("goalived"))) == 0 },
			func() string {
				return fmt.Sprintf("goalived still running (pids %v) after TERM:\n%s", running(e.master.path("goalived")), e.master.proc.Output())
			})
		waitFor(t, 10*time.Second, func() bool { return strings.Count(fileText(e.backup.path("notify.log")), " MASTER ") == 2 },
			func() string { return "the backup to take over:\n" + fileText(e.backup.path("notify.log")) })
		if hasVIPs(t, e.lab, 0, upgradeVIPs(1)) {
			t.Errorf("the stopped master kept its VIPs:\n%s", e.lab.Exec(0, "ip", "addr"))
		}
		if _, err := os.Stat(e.master.path("daemon.pid")); !os.IsNotExist(err) {
			t.Errorf("pid file left: %v", err)
		}
	})
}

// TestIntegrationHotUpgradeBackToBack: a second package upgrade (binary
// replaced, SIGHUP to the new pid) while the first's old process has not
// exited yet waits for it and then upgrades: three pids in turn, no
// failover, and -v names the last version and the one before.
func TestIntegrationHotUpgradeBackToBack(t *testing.T) {
	t.Parallel()
	e := newEdgeLab(t)
	first := e.upgradeTo(t, 1)
	var second int
	waitFor(t, 30*time.Second, func() bool { second = e.master.pid(); return second != first },
		func() string { return "the first upgrade's new process\n" + e.master.proc.Output() })
	if !nslab.Running(first) {
		t.Log("the first old process exited before the second upgrade began: the test did not cover the overlap")
	}
	e.upgradeTo(t, 0)
	var third int
	waitFor(t, 40*time.Second, func() bool {
		third = e.master.pid()
		return third != second && !nslab.Running(second) && !nslab.Running(first)
	}, func() string { return "the second upgrade\n" + e.master.proc.Output() })
	if strings.Contains(e.master.proc.Output(), "hot upgrade failed") || strings.Contains(e.master.proc.Output(), "hot upgrade refused") {
		t.Errorf("an upgrade failed:\n%s", e.master.proc.Output())
	}
	if !hasVIPs(t, e.lab, 0, upgradeVIPs(2)) {
		t.Error("the master lost its VIPs")
	}
	e.capture.Stop()
	e.wantNoFailover(t, "VI_1", "VI_2")
	wantDaemonVersion(t, e.bins[0], e.master, upgradeVersions[0], third, &upgradedFrom{Version: upgradeVersions[1], PID: second})
}

// TestIntegrationHotUpgradeNewProcessDies: the new binary takes over and
// dies at once (killed as a crash would end it) while the old process
// has not exited: the old one carries on from its state, names itself
// in the pid file again, keeps the VIPs and advertising, and the backup
// never takes over. That process cannot hand over again (tableflip
// hands over once per process): the next SIGHUP with a new binary
// reloads and says so.
func TestIntegrationHotUpgradeNewProcessDies(t *testing.T) {
	t.Parallel()
	e := newEdgeLab(t)
	old := e.upgradeTo(t, 1)
	// Both processes log the line, the old one once the new one is
	// ready: the old one is then watching the new one.
	waitFor(t, 30*time.Second, func() bool { return strings.Count(e.master.proc.Output(), " took over from goalived ") == 2 },
		func() string { return "the new process to take over\n" + e.master.proc.Output() })
	next := e.master.pid()
	if next == old {
		t.Fatal("the pid file still names the old process")
	}
	if err := syscall.Kill(next, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, func() bool { return e.master.pid() == old },
		func() string { return "the old process to name itself again\n" + e.master.proc.Output() })
	if !strings.Contains(e.master.proc.Output(), fmt.Sprintf("the new process (pid %d) exited after taking over", next)) {
		t.Errorf("the old process does not say why it carries on:\n%s", e.master.proc.Output())
	}
	if !nslab.Running(old) || !hasVIPs(t, e.lab, 0, upgradeVIPs(2)) {
		t.Errorf("old process running %v, VIPs %v", nslab.Running(old), hasVIPs(t, e.lab, 0, upgradeVIPs(2)))
	}
	wantDaemonVersion(t, e.bins[0], e.master, upgradeVersions[0], old, nil)
	// Two more seconds of adverts, then a package upgrade's SIGHUP.
	seen := strings.Count(e.capture.Output(), "\n")
	waitFor(t, 10*time.Second, func() bool { return strings.Count(e.capture.Output(), "\n") >= seen+40 },
		func() string { return "adverts after the new process died" })
	e.upgradeTo(t, 0)
	waitFor(t, 20*time.Second, func() bool { return strings.Contains(e.master.proc.Output(), "Reload complete") },
		func() string { return "a reload\n" + e.master.proc.Output() })
	if !strings.Contains(e.master.proc.Output(), "hot upgrade: not possible again in this process") {
		t.Errorf("the reload does not say why it did not upgrade:\n%s", e.master.proc.Output())
	}
	e.capture.Stop()
	e.wantNoFailover(t, "VI_1", "VI_2")
}

// TestIntegrationHotUpgradeNewConfig: a package upgrade that changes the
// configuration with the binary. The new process applies the file as a
// reload would: VI_1 takes its new VIP in place (still master, nothing
// notified, the backup never takes over), VI_2, which the file dropped,
// stops as a reload removes it (priority 0: the backup takes over at
// once; FAULT notified; its no_accept rule lifted once the old process
// has gone), VI_3 starts afresh and preempts the backup.
func TestIntegrationHotUpgradeNewConfig(t *testing.T) {
	t.Parallel()
	nstest.RequireRoot(t)
	tcpdump := nstest.Program(t, "tcpdump", "tcpdump")
	bins := versionedBinaries(t)
	lab := nstest.New(t, nstest.Hosts(3))
	vip := func(i int) netip.Addr { return netip.AddrFrom4([4]byte{192, 0, 2, byte(i)}) }
	master := startUpgradable(t, lab, 0, bins[0], upgradeInstance("VI_1", 1, 150, "", "192.0.2.100/32")+
		upgradeInstance("VI_2", 2, 150, "no_accept", "192.0.2.101/32"))
	waitFor(t, 30*time.Second, func() bool { return lab.HasAddr(0, vip(100)) && lab.HasAddr(0, vip(101)) },
		func() string { return "master without its VIPs" })
	backup := startUpgradable(t, lab, 1, goalivedBinary(t), upgradeInstance("VI_1", 1, 100, "", "192.0.2.100/32")+
		upgradeInstance("VI_2", 2, 100, "", "192.0.2.101/32")+upgradeInstance("VI_3", 3, 100, "", "192.0.2.102/32"))
	waitFor(t, 30*time.Second, func() bool {
		log := fileText(backup.path("notify.log"))
		return slices.Equal(lines(log, "VI_1"), []string{"BACKUP"}) && slices.Equal(lines(log, "VI_2"), []string{"BACKUP"}) &&
			lab.HasAddr(1, vip(102))
	}, func() string {
		return "backup: VI_1 and VI_2 BACKUP, VI_3 MASTER\n" + fileText(backup.path("notify.log"))
	})
	if got := lab.Exec(0, "nft", "list", "set", "ip", "keepalived", "vips"); !strings.Contains(got, "192.0.2.101") {
		t.Fatalf("VI_2's VIP not blocked before the upgrade:\n%s", got)
	}
	capture := lab.Start(2, tcpdump, "-i", "eth0", "-n", "-tt", "-l", "ip proto 112")
	notified := len(strings.Split(strings.TrimSpace(fileText(master.path("notify.log"))), "\n"))

	conf := strings.ReplaceAll(upgradeInstance("VI_1", 1, 150, "", "192.0.2.100/32", "192.0.2.150/32")+
		upgradeInstance("VI_3", 3, 150, "", "192.0.2.102/32"), "@DIR@", master.dir)
	if err := os.WriteFile(master.path("keepalived.conf"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	install(t, bins[1], master.path("goalived.next"))
	upgrade(t, master, master.path("goalived.next"), upgradeVersions[0], upgradeVersions[1])
	waitFor(t, 30*time.Second, func() bool {
		return lab.HasAddr(0, vip(150)) && lab.HasAddr(0, vip(102)) && lab.HasAddr(1, vip(101)) && !lab.HasAddr(0, vip(101)) &&
			!lab.HasAddr(1, vip(102))
	}, func() string {
		return "the new configuration applied\n" + lab.Exec(0, "ip", "-4", "addr") + lab.Exec(1, "ip", "-4", "addr")
	})
	waitFor(t, 30*time.Second, func() bool {
		return !strings.Contains(lab.Exec(0, "nft", "list", "set", "ip", "keepalived", "vips"), "192.0.2.101")
	}, func() string { return "VI_2's rule lifted\n" + lab.Exec(0, "nft", "list", "ruleset") })
	capture.Stop()

	got := strings.Split(strings.TrimSpace(fileText(master.path("notify.log"))), "\n")[notified:]
	slices.Sort(got)
	want := []string{"INSTANCE VI_2 FAULT 150", "INSTANCE VI_3 BACKUP 150", "INSTANCE VI_3 MASTER 150"}
	if !slices.Equal(got, want) {
		t.Errorf("the master's notifications after the upgrade: %q, want %q", got, want)
	}
	if s := lines(fileText(backup.path("notify.log")), "VI_1"); !slices.Equal(s, []string{"BACKUP"}) {
		t.Errorf("the backup's VI_1 went %v", s)
	}
	if s := lines(fileText(backup.path("notify.log")), "VI_2"); !slices.Equal(s, []string{"BACKUP", "MASTER"}) {
		t.Errorf("the backup's VI_2 went %v, want BACKUP then MASTER (the dropped instance's priority 0)", s)
	}
	ads := parseAdverts(capture.Output())
	gaps, _ := longestGaps(ads, lab.Host(0).Addr4.String())
	if g := gaps[1]; g >= 300*time.Millisecond {
		t.Errorf("VI_1: the master was silent for %v", g)
	}
	zero := 0
	for _, a := range ads {
		if a.src == lab.Host(0).Addr4.String() && a.prio == 0 {
			zero++
			if a.vrid != 2 {
				t.Errorf("priority 0 for VRID %d", a.vrid)
			}
		}
	}
	if zero == 0 {
		t.Error("the dropped VI_2 sent no priority 0")
	}
}

// lines returns the states notify.log shows for an instance, in order.
func lines(log, name string) []string {
	var out []string
	for _, l := range strings.Split(log, "\n") {
		if f := strings.Fields(l); len(f) >= 3 && f[0] == "INSTANCE" && f[1] == name {
			out = append(out, f[2])
		}
	}
	return out
}
