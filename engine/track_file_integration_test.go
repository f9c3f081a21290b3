package engine

import (
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/goalived/goalived/netif/nstest"
)

// TestIntegrationTrackFile: the daemon follows a track_file (created by
// init_file) as keepalived does: value*weight moves the priority (FIFO
// MASTER_PRIORITY lines with vrrp_notify_priority_changes), a result of
// -254 or less is FAULT (VIP released) with the priority left where it
// was, and back to 0 it recovers. The FIFO lines are those keepalived
// 2.2.7 writes for the same steps.
func TestIntegrationTrackFile(t *testing.T) {
	t.Parallel()
	nstest.ForKinds(t, func(t *testing.T, kind nstest.Kind) {
		l := nstest.New(t, nstest.Hosts(1))
		conf := globalDefs[:len(globalDefs)-2] + `    vrrp_notify_priority_changes
}

track_file prio_file {
    file {{DIR}}/prio
    weight 2
    init_file 0
}
` + instanceConf("VI_1", 82, 100, "192.0.2.182", `    track_file {
        prio_file
    }`)
		d := nstest.StartDaemon(t, l, 0, kind, conf)
		d.WaitLine(t, "fifo.log", `INSTANCE "VI_1" MASTER 100`, 1, 10*time.Second)
		if got := d.Read("prio"); got != "0\n" {
			t.Fatalf("init_file: file holds %q, want \"0\\n\"", got)
		}
		waitAddr(t, l, 0, "192.0.2.182", true, 10*time.Second)

		set := func(v string) {
			t.Helper()
			if err := os.WriteFile(d.Path("prio"), []byte(v), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		set("10\n")
		d.WaitLine(t, "fifo.log", `INSTANCE "VI_1" MASTER_PRIORITY 120`, 1, 10*time.Second)
		if kind == "goalived" {
			// A reload keeps the instance and its file-driven priority,
			// silently (keepalived 2.2.7 writes a spurious BACKUP_PRIORITY
			// line here, reference 3.1), and the file is still followed.
			d.Signal(t, syscall.SIGHUP)
			nstest.WaitFor(t, 10*time.Second, func() bool { return strings.Contains(d.Proc.Output(), "Reload complete") },
				func() string { return "the reload" })
			if got := len(d.Lines("fifo.log")); got != 3 {
				t.Errorf("FIFO after reload: %d lines, want the same 3:\n%s", got, d.Read("fifo.log"))
			}
		}
		set("-20\n")
		d.WaitLine(t, "fifo.log", `INSTANCE "VI_1" MASTER_PRIORITY 60`, 1, 10*time.Second)
		// -254: FAULT, and the priority stays where it was.
		set("-127")
		d.WaitLine(t, "fifo.log", `INSTANCE "VI_1" FAULT 60`, 1, 10*time.Second)
		d.WaitLine(t, "notify.log", "INSTANCE VI_1 FAULT 60", 1, 10*time.Second)
		waitAddr(t, l, 0, "192.0.2.182", false, 10*time.Second)
		set("0")
		d.WaitLine(t, "fifo.log", `INSTANCE "VI_1" MASTER 100`, 2, 10*time.Second)
		waitAddr(t, l, 0, "192.0.2.182", true, 10*time.Second)
		want := []string{
			`INSTANCE "VI_1" BACKUP 100`, `INSTANCE "VI_1" MASTER 100`,
			`INSTANCE "VI_1" MASTER_PRIORITY 120`, `INSTANCE "VI_1" MASTER_PRIORITY 60`, `INSTANCE "VI_1" FAULT 60`,
			`INSTANCE "VI_1" BACKUP 100`, `INSTANCE "VI_1" MASTER 100`,
		}
		if diff := cmp.Diff(want, d.Lines("fifo.log")); diff != "" {
			t.Errorf("FIFO lines (-want +got):\n%s", diff)
		}

		// At shutdown the reader the daemon started is stopped before the
		// STOP notifications: the notify script sees STOP, the reader not.
		d.Proc.Stop()
		d.WaitLine(t, "notify.log", "INSTANCE VI_1 STOP 100", 1, 10*time.Second)
		if diff := cmp.Diff(want, d.Lines("fifo.log")); diff != "" {
			t.Errorf("FIFO lines after stop (-want +got):\n%s", diff)
		}
		if _, err := os.Stat(d.Path("vrrp.fifo")); !os.IsNotExist(err) {
			t.Errorf("the FIFO the daemon created is still there after exit: %v", err)
		}
	})
}

// TestIntegrationBackupPriority: with vrrp_notify_priority_changes a
// BACKUP whose priority moves writes BACKUP_PRIORITY lines.
func TestIntegrationBackupPriority(t *testing.T) {
	t.Parallel()
	nstest.ForKinds(t, func(t *testing.T, kind nstest.Kind) {
		l := nstest.New(t, nstest.Hosts(2))
		conf := strings.Replace(globalDefs, "}\n", "    vrrp_notify_priority_changes\n}\n", 1) + `
track_file prio_file {
    file {{DIR}}/prio
    init_file 0 overwrite
}
` + instanceConf("VI_1", 87, 100, "192.0.2.187", `    track_file {
        prio_file
    }`)
		nstest.StartDaemon(t, l, 1, kind, globalDefs+instanceConf("VI_1", 87, 150, "192.0.2.187", ""))
		waitAddr(t, l, 1, "192.0.2.187", true, 10*time.Second)
		d := nstest.StartDaemon(t, l, 0, kind, conf)
		d.WaitLine(t, "fifo.log", `INSTANCE "VI_1" BACKUP 100`, 1, 10*time.Second)
		if err := os.WriteFile(d.Path("prio"), []byte("10\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		d.WaitLine(t, "fifo.log", `INSTANCE "VI_1" BACKUP_PRIORITY 110`, 1, 10*time.Second)
		// A second change marks the end: a spurious line after the first
		// would come before it.
		if err := os.WriteFile(d.Path("prio"), []byte("20\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		d.WaitLine(t, "fifo.log", `INSTANCE "VI_1" BACKUP_PRIORITY 120`, 1, 10*time.Second)
		want := []string{`INSTANCE "VI_1" BACKUP 100`, `INSTANCE "VI_1" BACKUP_PRIORITY 110`, `INSTANCE "VI_1" BACKUP_PRIORITY 120`}
		if diff := cmp.Diff(want, d.Lines("fifo.log")); diff != "" {
			t.Errorf("FIFO lines (-want +got):\n%s", diff)
		}
	})
}
