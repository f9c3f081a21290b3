package main

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/goalived/goalived/netif/nslab"
	"github.com/goalived/goalived/netif/nstest"
)

// upgradeNetConf is two VRRPv3 instances at advert_int 0.1: NA (VRID 1)
// blocks its VIP 192.0.2.100 (no_accept), VM (VRID 2) carries
// 192.0.2.101 on its VMAC vrrp.2 (use_vmac).
func upgradeNetConf(prio int) string {
	return upgradeInstance("NA", 1, prio, "no_accept", "192.0.2.100/32") + upgradeInstance("VM", 2, prio, "use_vmac", "192.0.2.101/32")
}

// linkIndex is host i's interface index of name, 0 if it has none.
func linkIndex(lab *nstest.Lab, i int, name string) int {
	l, err := lab.Handle(i).LinkByName(name)
	if err != nil {
		return 0
	}
	return l.Attrs().Index
}

// TestIntegrationHotUpgradeNetState: a goalived master with a no_accept
// instance and a use_vmac one, beside a keepalived 2.2.7 backup, is
// upgraded twice in a row while a client pings both VIPs every 10 ms: the
// blocked VIP never answers and the other never misses a ping, both stay
// on the master at every 1 ms sample, the nftables table is the same
// after as before and the VMAC the same interface (never made again),
// the backup never leaves BACKUP and no priority 0 is on the wire. The
// final TERM removes the table and the VMAC and puts the kernel settings
// the first process changed for the VMAC back.
func TestIntegrationHotUpgradeNetState(t *testing.T) {
	t.Parallel()
	nstest.RequireRoot(t)
	keepalived := nstest.Keepalived(t)
	tcpdump := nstest.Program(t, "tcpdump", "tcpdump")
	bins := versionedBinaries(t)
	blockedVIP, openVIP := netip.MustParseAddr("192.0.2.100"), netip.MustParseAddr("192.0.2.101")
	lab := nstest.New(t, nstest.Hosts(3))
	knowEachOther(t, lab, 2, false, 0, 1)
	// The settings a VMAC changes, which the final stop puts back as
	// they were before the first process made it.
	lab.Exec(0, "sysctl", "-qw", "net.ipv4.conf.all.rp_filter=1")
	settings := func() string {
		return lab.Exec(0, "sysctl", "net.ipv4.conf.all.rp_filter", "net.ipv4.conf.default.rp_filter",
			"net.ipv4.conf.eth0.rp_filter", "net.ipv4.conf.eth0.arp_ignore", "net.ipv4.conf.eth0.arp_filter")
	}
	original := settings()
	master := startUpgradable(t, lab, 0, bins[0], upgradeNetConf(150))
	for _, v := range []netip.Addr{blockedVIP, openVIP} {
		lab.WaitAddr(0, v, true, 30*time.Second)
	}
	backup := prepareDaemon(t, upgradeNetConf(100))
	backup.proc = lab.Start(1, "env", append([]string{"TMPDIR=" + backup.dir, keepalived}, append(backup.args(), "-P")...)...)
	waitFor(t, 30*time.Second, func() bool { return strings.Count(fileText(backup.path("notify.log")), " BACKUP ") == 2 },
		func() string { return "backup not BACKUP:\n" + fileText(backup.path("notify.log")) })
	capture := lab.Start(2, tcpdump, "-i", "eth0", "-n", "-tt", "-l", "ip proto 112")
	open, err := nslab.StartPinger(lab.Host(2).Name, []netip.Addr{openVIP}, 10*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(open.Close)
	blocked, err := nslab.StartPinger(lab.Host(2).Name, []netip.Addr{blockedVIP}, 10*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(blocked.Close)
	waitFor(t, 10*time.Second, func() bool { return open.Silent() == 0 }, func() string { return "the client does not reach the VMAC's VIP" })
	if blocked.Silent() != 1 {
		t.Fatal("the no_accept VIP answers before the upgrade")
	}
	open.Count()
	blocked.Count()
	samples := startSampler(t, lab, 0, []netip.Addr{blockedVIP, openVIP})
	ruleset := nftNormal(lab.Exec(0, "nft", "list", "ruleset"))
	vmac := linkIndex(lab, 0, "vrrp.2")
	if vmac == 0 || !strings.Contains(ruleset, "table ip keepalived") {
		t.Fatalf("no VMAC (%d) or no table before the upgrade:\n%s", vmac, ruleset)
	}

	pids := []int{master.pid()}
	for i := range 2 {
		next := master.path(fmt.Sprintf("goalived.%d", i))
		install(t, bins[(i+1)%2], next)
		_, pid := upgrade(t, master, next, upgradeVersions[i%2], upgradeVersions[(i+1)%2])
		pids = append(pids, pid)
		seen := strings.Count(capture.Output(), "\n")
		waitFor(t, 10*time.Second, func() bool { return strings.Count(capture.Output(), "\n") >= seen+4 },
			func() string { return "no adverts after the upgrade" })
	}
	sent, lost := open.Lost(time.Second)
	bsent, blost := blocked.Lost(time.Second)
	samples.close()
	capture.Stop()

	if lost[openVIP] > 0 || sent == 0 {
		t.Errorf("%d of %d pings to the VMAC's VIP lost", lost[openVIP], sent)
	}
	if blost[blockedVIP] != bsent || bsent == 0 {
		t.Errorf("the no_accept VIP answered %d of %d pings", bsent-blost[blockedVIP], bsent)
	}
	if m := samples.missing.Load(); m > 0 || samples.samples.Load() < 500 {
		t.Errorf("%d of %d samples missed a VIP (first: %v)", m, samples.samples.Load(), samples.first.Load())
	}
	if got := nftNormal(lab.Exec(0, "nft", "list", "ruleset")); got != ruleset {
		t.Errorf("the table changed:\nbefore:\n%s\nafter:\n%s", ruleset, got)
	}
	if got := linkIndex(lab, 0, "vrrp.2"); got != vmac {
		t.Errorf("vrrp.2 is interface %d after the upgrades, was %d: made again", got, vmac)
	}
	if notes := fileText(backup.path("notify.log")); strings.Count(notes, "\n") != 2 || strings.Contains(notes, "MASTER") {
		t.Errorf("the backup's notify log shows a transition:\n%s", notes)
	}
	gaps, zero := longestGaps(parseAdverts(capture.Output()), lab.Host(0).Addr4.String())
	if len(zero) > 0 || len(gaps) != 2 {
		t.Errorf("adverts of %d VRIDs captured, priority 0: %v", len(gaps), zero)
	}
	for vrid, g := range gaps {
		if g >= 300*time.Millisecond {
			t.Errorf("VRID %d: the master was silent for %v", vrid, g)
		}
	}
	wantDaemonVersion(t, bins[0], master, upgradeVersions[0], pids[2], &upgradedFrom{Version: upgradeVersions[1], PID: pids[1]})

	stopDaemon(t, master)
	if out := lab.Exec(0, "nft", "list", "tables"); strings.Contains(out, "keepalived") {
		t.Errorf("table left after the final stop:\n%s", out)
	}
	if slices.Contains(vmacLinks(lab, 0), "vrrp.2") {
		t.Errorf("VMAC left after the final stop: %v", vmacLinks(lab, 0))
	}
	if got := settings(); got != original {
		t.Errorf("kernel settings after the final stop:\n%s\nwant, as before the first start:\n%s", got, original)
	}
}
