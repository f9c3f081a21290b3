package engine_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/goalived/goalived/engine"
	"github.com/goalived/goalived/vrrp"
	"github.com/goalived/goalived/vrrp/vrrptest"
)

// syncConf is two instances in sync group G1 with a group notify script;
// VI_1 tracks eth1.
func syncConf(prio int) string {
	return "global_defs {\n  vrrp_notify_fifo /run/vrrp.fifo\n}\n" +
		"vrrp_sync_group G1 {\n  group {\n    VI_1\n    VI_2\n  }\n  notify /bin/group.sh\n}\n" +
		instance("VI_1", 51, prio, "192.0.2.100/32", "track_interface {\n    eth1\n  }") +
		instance("VI_2", 52, prio, "192.0.2.200/32")
}

// TestSyncGroup: the members of a sync group share a fault (one tracked
// interface down takes the whole group to FAULT, and the other router's
// group to MASTER) and notify the group once every member has reached
// its state, after the members' lines, as keepalived 2.2.7 writes them.
func TestSyncGroup(t *testing.T) {
	onSegment(t, func(t *testing.T, seg *vrrptest.Segment) {
		a := newNode(t, seg, "192.0.2.1/24")
		a.host.AddLink("eth1", nil, "198.51.100.1/24")
		b := newNode(t, seg, "192.0.2.2/24")
		b.host.AddLink("eth1", nil, "198.51.100.2/24")
		a.start(syncConf(150), engine.Options{})
		b.start(syncConf(100), engine.Options{})
		wait(5 * time.Second)
		a.wantState("VI_1", vrrp.StateMaster, "VI_2", vrrp.StateMaster)
		b.wantState("VI_1", vrrp.StateBackup, "VI_2", vrrp.StateBackup)

		a.host.SetLink("eth1", false)
		wait(5 * time.Second)
		a.wantState("VI_1", vrrp.StateFault, "VI_2", vrrp.StateFault)
		b.wantState("VI_1", vrrp.StateMaster, "VI_2", vrrp.StateMaster)
		a.wantAddr("192.0.2.200/32", false)
		b.wantAddr("192.0.2.200/32", true)

		a.host.SetLink("eth1", true)
		wait(5 * time.Second)
		a.wantState("VI_1", vrrp.StateMaster, "VI_2", vrrp.StateMaster)
		b.wantState("VI_1", vrrp.StateBackup, "VI_2", vrrp.StateBackup)

		// The group's first state comes first; then each group line
		// follows its members' (which come in either order).
		want := [][]string{
			{`GROUP "G1" BACKUP 0`},
			{`INSTANCE "VI_1" BACKUP 150`, `INSTANCE "VI_1" MASTER 150`, `INSTANCE "VI_2" BACKUP 150`,
				`INSTANCE "VI_2" MASTER 150`, `GROUP "G1" MASTER 0`},
			{`INSTANCE "VI_1" FAULT 150`, `INSTANCE "VI_2" FAULT 150`, `GROUP "G1" FAULT 0`},
			{`INSTANCE "VI_1" BACKUP 150`, `INSTANCE "VI_2" BACKUP 150`, `GROUP "G1" BACKUP 0`},
			{`INSTANCE "VI_1" MASTER 150`, `INSTANCE "VI_2" MASTER 150`, `GROUP "G1" MASTER 0`},
		}
		if diff := cmp.Diff(want, groupChunks(a.host.FIFOLines("/run/vrrp.fifo"))); diff != "" {
			t.Errorf("fifo lines (-want +got):\n%s", diff)
		}
		wantRuns := []string{"/bin/group.sh GROUP G1 BACKUP 0", "/bin/group.sh GROUP G1 MASTER 0",
			"/bin/group.sh GROUP G1 FAULT 0", "/bin/group.sh GROUP G1 BACKUP 0", "/bin/group.sh GROUP G1 MASTER 0"}
		if diff := cmp.Diff(wantRuns, a.host.RunLines("/bin/group.sh")); diff != "" {
			t.Errorf("group notify runs (-want +got):\n%s", diff)
		}
	})
}

// groupChunks cuts FIFO lines after each GROUP line and sorts the member
// lines of each chunk.
func groupChunks(lines []string) [][]string {
	var out [][]string
	var cur []string
	for _, l := range lines {
		if strings.HasPrefix(l, "GROUP") {
			slices.Sort(cur)
			out = append(out, append(cur, l))
			cur = nil
			continue
		}
		cur = append(cur, l)
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}
