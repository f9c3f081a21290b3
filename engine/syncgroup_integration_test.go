package engine

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/goalived/goalived/netif/nstest"
)

// TestIntegrationSyncGroup: two routers with the same two-member sync
// group. A fault of one member on the master takes both members (and
// both VIPs) to the backup router, with one group notify per group
// transition; a tracker configured on the group moves every member's
// priority.
func TestIntegrationSyncGroup(t *testing.T) {
	t.Parallel()
	nstest.ForKinds(t, func(t *testing.T, kind nstest.Kind) {
		l := nstest.New(t, nstest.Hosts(2))
		group := `
vrrp_sync_group G {
    group {
        VI_1
        VI_2
    }
%s
    notify {{DIR}}/notify.sh
}
`
		confA := globalDefs + `
track_file fail_a {
    file {{DIR}}/fail
    weight 0
    init_file 0 overwrite
}

track_file group_prio {
    file {{DIR}}/gprio
    init_file 0 overwrite
}
` + instanceConf("VI_1", 84, 200, "192.0.2.184", "    track_file {\n        fail_a\n    }") +
			instanceConf("VI_2", 85, 200, "192.0.2.185", "") +
			sprintf(group, "    track_file {\n        group_prio\n    }")
		confB := globalDefs + instanceConf("VI_1", 84, 100, "192.0.2.184", "") +
			instanceConf("VI_2", 85, 100, "192.0.2.185", "") + sprintf(group, "")

		a := nstest.StartDaemon(t, l, 0, kind, confA)
		b := nstest.StartDaemon(t, l, 1, kind, confB)
		holds := func(host int, within time.Duration) {
			t.Helper()
			waitAddr(t, l, host, "192.0.2.184", true, within)
			waitAddr(t, l, host, "192.0.2.185", true, within)
			waitAddr(t, l, 1-host, "192.0.2.184", false, within)
			waitAddr(t, l, 1-host, "192.0.2.185", false, within)
		}
		holds(0, 10*time.Second)
		a.WaitLine(t, "notify.log", "GROUP G MASTER 0", 1, 10*time.Second)
		b.WaitLine(t, "notify.log", "GROUP G BACKUP 0", 1, 10*time.Second)
		a.WaitLine(t, "fifo.log", `GROUP "G" MASTER 0`, 1, 10*time.Second)
		if first := a.Lines("fifo.log")[0]; first != `GROUP "G" BACKUP 0` {
			t.Errorf("first FIFO line %q, want the group's initial BACKUP before its members'", first)
		}

		set := func(d *nstest.Daemon, name, v string) {
			t.Helper()
			if err := os.WriteFile(d.Path(name), []byte(v), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		// Only VI_1 tracks the file; VI_2 goes to FAULT with it.
		set(a, "fail", "1")
		holds(1, 10*time.Second)
		a.WaitPrefix(t, "notify.log", "INSTANCE VI_1 FAULT ", 10*time.Second)
		a.WaitPrefix(t, "notify.log", "INSTANCE VI_2 FAULT ", 10*time.Second)
		a.WaitLine(t, "fifo.log", `GROUP "G" FAULT 0`, 1, 10*time.Second)
		// As keepalived, the group's line follows its members' lines.
		fifo := strings.Join(a.Lines("fifo.log"), "\n")
		g := strings.Index(fifo, `GROUP "G" FAULT 0`)
		for _, m := range []string{`INSTANCE "VI_1" FAULT 200`, `INSTANCE "VI_2" FAULT 200`} {
			if i := strings.Index(fifo, m); i < 0 || i > g {
				t.Errorf("FIFO: want %q before the group's FAULT line:\n%s", m, fifo)
			}
		}
		b.WaitLine(t, "notify.log", "GROUP G MASTER 0", 1, 10*time.Second)

		set(a, "fail", "0")
		holds(0, 10*time.Second)
		a.WaitLine(t, "notify.log", "GROUP G MASTER 0", 2, 10*time.Second)

		// The group's tracker lowers both members below router B.
		set(a, "gprio", "-150")
		holds(1, 10*time.Second)
		a.WaitLine(t, "notify.log", "INSTANCE VI_1 BACKUP 50", 1, 10*time.Second)
		a.WaitLine(t, "notify.log", "INSTANCE VI_2 BACKUP 50", 1, 10*time.Second)

		time.Sleep(300 * time.Millisecond) // let late duplicates show
		var seq []string
		for _, l := range a.Lines("notify.log") {
			if strings.HasPrefix(l, "GROUP ") {
				seq = append(seq, l)
			}
		}
		faults := 0
		for i, l := range seq {
			if i > 0 && seq[i-1] == l {
				t.Errorf("router A: group notify %q twice in a row (want once per group transition): %q", l, seq)
			}
			if l == "GROUP G FAULT 0" {
				faults++
			}
		}
		if faults != 1 || seq[len(seq)-1] != "GROUP G BACKUP 0" {
			t.Errorf("router A: group notifies %q: want one FAULT and BACKUP last", seq)
		}
	})
}

// TestIntegrationSyncGroupMembers: what one member's trackers do to a
// two-member group on each of two hosts, checked against keepalived:
//
//   - with sync_group_tracking_weight, master A's VI_1 alone dropping
//     below B moves nothing: B's VI_1 wants MASTER but B's VI_2 still
//     accepts A's VI_2, and a member becomes MASTER only when every
//     member of its group wants to (vrrp_sync_can_goto_master);
//   - VI_1's tracked interface going down faults A's whole group and B
//     takes both members;
//   - back up with VI_1 still low, A's VI_2 wants MASTER but VI_1 accepts
//     B's adverts: B keeps both; once VI_1's priority is back, every
//     member of A wants MASTER and A takes both back.
func TestIntegrationSyncGroupMembers(t *testing.T) {
	t.Parallel()
	nstest.ForKinds(t, func(t *testing.T, kind nstest.Kind) {
		l := nstest.New(t, nstest.Hosts(2))
		l.Exec(0, "ip", "link", "add", "trk0", "type", "veth", "peer", "name", "trk1")
		l.Exec(0, "ip", "link", "set", "trk1", "up")
		l.Exec(0, "ip", "link", "set", "trk0", "up")
		group := `
vrrp_sync_group G {
    group {
        VI_1
        VI_2
    }
    sync_group_tracking_weight
    notify {{DIR}}/notify.sh
}
`
		confA := globalDefs + `
track_file prio_a {
    file {{DIR}}/prio
    init_file 0 overwrite
}
` + instanceConf("VI_1", 86, 200, "192.0.2.186", "    track_file {\n        prio_a\n    }\n    track_interface {\n        trk0\n    }") +
			instanceConf("VI_2", 87, 200, "192.0.2.187", "") + group
		confB := globalDefs + instanceConf("VI_1", 86, 100, "192.0.2.186", "") +
			instanceConf("VI_2", 87, 100, "192.0.2.187", "") + group

		a := nstest.StartDaemon(t, l, 0, kind, confA)
		holds := func(host int, within time.Duration) {
			t.Helper()
			for _, vip := range []string{"192.0.2.186", "192.0.2.187"} {
				waitAddr(t, l, host, vip, true, within)
				waitAddr(t, l, 1-host, vip, false, within)
			}
		}
		stays := func(host int, d time.Duration) {
			t.Helper()
			for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
				for _, vip := range []string{"192.0.2.186", "192.0.2.187"} {
					if !hasAddr(t, l, host, vip) || hasAddr(t, l, 1-host, vip) {
						t.Fatalf("%s left host %d (or showed up on the other)", vip, host)
					}
				}
			}
		}
		// B starts once A holds both VIPs: started together on a loaded
		// machine, B can win the first election for a moment and its
		// notify lines from that start would land after the count below.
		a.WaitLine(t, "notify.log", "GROUP G MASTER 0", 1, 10*time.Second)
		b := nstest.StartDaemon(t, l, 1, kind, confB)
		holds(0, 10*time.Second)
		b.WaitLine(t, "notify.log", "GROUP G BACKUP 0", 1, 30*time.Second)

		// VI_1 alone drops to 50, below B's 100: nothing moves.
		before := len(b.Lines("notify.log"))
		if err := os.WriteFile(a.Path("prio"), []byte("-150"), 0o644); err != nil {
			t.Fatal(err)
		}
		stays(0, 4*time.Second) // more than ten of B's master-down intervals
		for _, line := range b.Lines("notify.log")[before:] {
			if strings.Contains(line, "MASTER") {
				t.Errorf("router B: %q while A's VI_2 still advertises 200", line)
			}
		}

		// VI_1's tracked interface goes down: the whole group of A faults.
		l.Exec(0, "ip", "link", "set", "trk0", "down")
		holds(1, 10*time.Second)
		a.WaitLine(t, "notify.log", "GROUP G FAULT 0", 1, 10*time.Second)
		b.WaitLine(t, "notify.log", "GROUP G MASTER 0", 1, 10*time.Second)

		// Up again with VI_1 still at 50: A's VI_2 wants MASTER, VI_1 does
		// not, so B keeps both.
		l.Exec(0, "ip", "link", "set", "trk0", "up")
		a.WaitLine(t, "notify.log", "GROUP G BACKUP 0", 1, 10*time.Second)
		stays(1, 3*time.Second)

		// VI_1 back at 200: every member of A wants MASTER.
		if err := os.WriteFile(a.Path("prio"), []byte("0"), 0o644); err != nil {
			t.Fatal(err)
		}
		holds(0, 10*time.Second)
		a.WaitLine(t, "notify.log", "GROUP G MASTER 0", 2, 10*time.Second)
		b.WaitLine(t, "notify.log", "GROUP G BACKUP 0", 2, 10*time.Second)
	})
}

// TestIntegrationSyncGroupStart: at start (observed with keepalived
// 2.2.7) an address owner whose group has a member that is not an owner
// starts BACKUP and waits for the group: its first notify is BACKUP and
// both members become MASTER together, once the other member's down
// timer fires.
func TestIntegrationSyncGroupStart(t *testing.T) {
	t.Parallel()
	nstest.ForKinds(t, func(t *testing.T, kind nstest.Kind) {
		l := nstest.New(t, nstest.Hosts(1))
		owner := strings.Replace(instanceConf("VI_1", 88, 255, "192.0.2.188", ""), "state BACKUP", "state MASTER", 1)
		conf := globalDefs + owner + instanceConf("VI_2", 89, 100, "192.0.2.189", "") + `
vrrp_sync_group G {
    group {
        VI_1
        VI_2
    }
}
`
		d := nstest.StartDaemon(t, l, 0, kind, conf)
		d.WaitLine(t, "fifo.log", `INSTANCE "VI_1" MASTER 255`, 1, 10*time.Second)
		d.WaitLine(t, "fifo.log", `INSTANCE "VI_2" MASTER 100`, 1, 10*time.Second)
		// The notify scripts run beside the FIFO lines (keepalived forks
		// them): wait for the owner's MASTER notify before reading.
		d.WaitLine(t, "notify.log", "INSTANCE VI_1 MASTER 255", 1, 10*time.Second)
		var vi1 []string
		for _, line := range d.Lines("notify.log") {
			if strings.HasPrefix(line, "INSTANCE VI_1 ") {
				vi1 = append(vi1, line)
			}
		}
		if len(vi1) < 2 || vi1[0] != "INSTANCE VI_1 BACKUP 255" || vi1[1] != "INSTANCE VI_1 MASTER 255" {
			t.Errorf("owner's notifies %q, want BACKUP then MASTER", vi1)
		}
		waitAddr(t, l, 0, "192.0.2.188", true, 10*time.Second)
		waitAddr(t, l, 0, "192.0.2.189", true, 10*time.Second)
	})
}
