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
	forKinds(t, func(t *testing.T, kind string) {
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

		a := startDaemon(t, l, 0, kind, confA)
		b := startDaemon(t, l, 1, kind, confB)
		holds := func(host int, within time.Duration) {
			t.Helper()
			waitAddr(t, l, host, "192.0.2.184", true, within)
			waitAddr(t, l, host, "192.0.2.185", true, within)
			waitAddr(t, l, 1-host, "192.0.2.184", false, within)
			waitAddr(t, l, 1-host, "192.0.2.185", false, within)
		}
		holds(0, 5*time.Second)
		a.waitLine(t, "notify.log", "GROUP G MASTER 0", 1, 2*time.Second)
		b.waitLine(t, "notify.log", "GROUP G BACKUP 0", 1, 2*time.Second)
		a.waitLine(t, "fifo.log", `GROUP "G" MASTER 0`, 1, 2*time.Second)
		if first := a.lines("fifo.log")[0]; first != `GROUP "G" BACKUP 0` {
			t.Errorf("first FIFO line %q, want the group's initial BACKUP before its members'", first)
		}

		set := func(d *daemon, name, v string) {
			t.Helper()
			if err := os.WriteFile(d.path(name), []byte(v), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		// Only VI_1 tracks the file; VI_2 goes to FAULT with it.
		set(a, "fail", "1")
		holds(1, 3*time.Second)
		a.waitPrefix(t, "notify.log", "INSTANCE VI_1 FAULT ", 2*time.Second)
		a.waitPrefix(t, "notify.log", "INSTANCE VI_2 FAULT ", 2*time.Second)
		a.waitLine(t, "fifo.log", `GROUP "G" FAULT 0`, 1, 2*time.Second)
		// As keepalived, the group's line follows its members' lines.
		fifo := strings.Join(a.lines("fifo.log"), "\n")
		g := strings.Index(fifo, `GROUP "G" FAULT 0`)
		for _, m := range []string{`INSTANCE "VI_1" FAULT 200`, `INSTANCE "VI_2" FAULT 200`} {
			if i := strings.Index(fifo, m); i < 0 || i > g {
				t.Errorf("FIFO: want %q before the group's FAULT line:\n%s", m, fifo)
			}
		}
		b.waitLine(t, "notify.log", "GROUP G MASTER 0", 1, 2*time.Second)

		set(a, "fail", "0")
		holds(0, 3*time.Second)
		a.waitLine(t, "notify.log", "GROUP G MASTER 0", 2, 2*time.Second)

		// The group's tracker lowers both members below router B.
		set(a, "gprio", "-150")
		holds(1, 3*time.Second)
		a.waitLine(t, "notify.log", "INSTANCE VI_1 BACKUP 50", 1, 2*time.Second)
		a.waitLine(t, "notify.log", "INSTANCE VI_2 BACKUP 50", 1, 2*time.Second)

		time.Sleep(300 * time.Millisecond) // let late duplicates show
		var seq []string
		for _, l := range a.lines("notify.log") {
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
