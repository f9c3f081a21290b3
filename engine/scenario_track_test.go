package engine_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/goalived/goalived/engine"
	"github.com/goalived/goalived/vrrp"
	"github.com/goalived/goalived/vrrp/vrrptest"
)

// trackedPair starts a master a (priority 150) whose VI_1 has the given
// extra lines and an eth1 to track, and a backup b (priority 120).
func trackedPair(t *testing.T, seg *vrrptest.Segment, extra ...string) (a, b *node) {
	a = newNode(t, seg, "192.0.2.1/24")
	a.host.AddLink("eth1", nil, "198.51.100.1/24")
	b = newNode(t, seg, "192.0.2.2/24")
	a.start("global_defs {\n  vrrp_notify_fifo /run/vrrp.fifo\n}\n"+
		instance("VI_1", 51, 150, "192.0.2.100/32", extra...), engine.Options{})
	b.start(instance("VI_1", 51, 120, "192.0.2.100/32"), engine.Options{})
	wait(5 * time.Second)
	a.wantState("VI_1", vrrp.StateMaster)
	return a, b
}

// TestTrackInterfaceWeight: a tracked interface going down lowers the
// effective priority by its weight (here below the backup's, which then
// preempts); coming back restores it. With notify_priority_changes the
// FIFO gets the priority changes.
func TestTrackInterfaceWeight(t *testing.T) {
	onSegment(t, func(t *testing.T, seg *vrrptest.Segment) {
		a, b := trackedPair(t, seg, "track_interface {\n    eth1 weight -50\n  }", "notify_priority_changes")
		if p := a.status("VI_1").Priority; p != 150 {
			t.Fatalf("priority %d, want 150", p)
		}
		a.host.SetLink("eth1", false)
		wait(5 * time.Second)
		if p := a.status("VI_1").Priority; p != 100 {
			t.Errorf("priority with eth1 down %d, want 100", p)
		}
		a.wantState("VI_1", vrrp.StateBackup)
		b.wantState("VI_1", vrrp.StateMaster)
		a.host.SetLink("eth1", true)
		wait(5 * time.Second)
		a.wantState("VI_1", vrrp.StateMaster)
		b.wantState("VI_1", vrrp.StateBackup)
		want := []string{
			`INSTANCE "VI_1" BACKUP 150`, `INSTANCE "VI_1" MASTER 150`,
			`INSTANCE "VI_1" MASTER_PRIORITY 100`, `INSTANCE "VI_1" BACKUP 100`,
			`INSTANCE "VI_1" BACKUP_PRIORITY 150`, `INSTANCE "VI_1" MASTER 150`,
		}
		if diff := cmp.Diff(want, a.host.FIFOLines("/run/vrrp.fifo")); diff != "" {
			t.Errorf("fifo lines (-want +got):\n%s", diff)
		}
	})
}

// TestTrackInterfaceFault: a tracked interface without weight, and the
// instance's own interface, put it in FAULT while down; it leaves FAULT
// when the link is back.
func TestTrackInterfaceFault(t *testing.T) {
	for _, ifname := range []string{"eth1", "eth0"} {
		t.Run(ifname, func(t *testing.T) {
			onSegment(t, func(t *testing.T, seg *vrrptest.Segment) {
				a, b := trackedPair(t, seg, "track_interface {\n    eth1\n  }")
				a.host.SetLink(ifname, false)
				wait(5 * time.Second)
				a.wantState("VI_1", vrrp.StateFault)
				a.wantAddr("192.0.2.100/32", false)
				b.wantState("VI_1", vrrp.StateMaster)
				a.host.SetLink(ifname, true)
				wait(5 * time.Second)
				a.wantState("VI_1", vrrp.StateMaster)
				want := []string{`INSTANCE "VI_1" BACKUP 150`, `INSTANCE "VI_1" MASTER 150`, `INSTANCE "VI_1" FAULT 150`,
					`INSTANCE "VI_1" BACKUP 150`, `INSTANCE "VI_1" MASTER 150`}
				if diff := cmp.Diff(want, a.host.FIFOLines("/run/vrrp.fifo")); diff != "" {
					t.Errorf("fifo lines (-want +got):\n%s", diff)
				}
			})
		})
	}
}

// TestUnicastFaultNoPeer: a unicast instance without peers stays in FAULT
// with unicast_fault_no_peer, instead of falling back to multicast.
func TestUnicastFaultNoPeer(t *testing.T) {
	onSegment(t, func(t *testing.T, seg *vrrptest.Segment) {
		a := newNode(t, seg, "192.0.2.1/24")
		a.start(instance("VI_1", 51, 150, "192.0.2.100/32", "unicast_src_ip 192.0.2.1", "unicast_fault_no_peer"), engine.Options{})
		wait(5 * time.Second)
		a.wantState("VI_1", vrrp.StateFault)
	})
}

// TestNotifyOrder: each transition runs its state's script with its own
// arguments and the generic script with keepalived's four, in the order
// of the transitions, and writes its FIFO line; a script that fails
// changes nothing.
func TestNotifyOrder(t *testing.T) {
	onSegment(t, func(t *testing.T, seg *vrrptest.Segment) {
		a := newNode(t, seg, "192.0.2.1/24")
		a.host.AddLink("eth1", nil, "198.51.100.1/24")
		a.host.SetScript("/bin/fault.sh", func([]string) int { return 2 })
		a.start("global_defs {\n  vrrp_notify_fifo /run/vrrp.fifo\n}\n"+instance("VI_1", 51, 150, "192.0.2.100/32",
			notifyAll, `notify_master "/bin/master.sh up"`, "notify_backup /bin/backup.sh", "notify_fault /bin/fault.sh",
			"notify_stop /bin/stop.sh", "track_interface {\n    eth1\n  }"), engine.Options{})
		wait(5 * time.Second)
		a.host.SetLink("eth1", false)
		wait(time.Second)
		a.host.SetLink("eth1", true)
		wait(5 * time.Second)
		a.eng.Close()
		want := map[string][]string{
			"/bin/notify.sh": {"/bin/notify.sh INSTANCE VI_1 BACKUP 150", "/bin/notify.sh INSTANCE VI_1 MASTER 150",
				"/bin/notify.sh INSTANCE VI_1 FAULT 150", "/bin/notify.sh INSTANCE VI_1 BACKUP 150",
				"/bin/notify.sh INSTANCE VI_1 MASTER 150", "/bin/notify.sh INSTANCE VI_1 STOP 150"},
			"/bin/master.sh": {"/bin/master.sh up", "/bin/master.sh up"},
			"/bin/backup.sh": {"/bin/backup.sh", "/bin/backup.sh"},
			"/bin/fault.sh":  {"/bin/fault.sh"},
			"/bin/stop.sh":   {"/bin/stop.sh"},
		}
		got := map[string][]string{}
		for prog := range want {
			got[prog] = a.host.RunLines(prog)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("runs (-want +got):\n%s", diff)
		}
		wantFIFO := []string{`INSTANCE "VI_1" BACKUP 150`, `INSTANCE "VI_1" MASTER 150`, `INSTANCE "VI_1" FAULT 150`,
			`INSTANCE "VI_1" BACKUP 150`, `INSTANCE "VI_1" MASTER 150`, `INSTANCE "VI_1" STOP 150`}
		if diff := cmp.Diff(wantFIFO, a.host.FIFOLines("/run/vrrp.fifo")); diff != "" {
			t.Errorf("fifo lines (-want +got):\n%s", diff)
		}
	})
}
