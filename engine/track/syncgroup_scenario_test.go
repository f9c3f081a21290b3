package track_test

import (
	"testing"
	"testing/synctest"

	"github.com/google/go-cmp/cmp"

	"github.com/goalived/goalived/engine/track"
	"github.com/goalived/goalived/vrrp"
)

func groupConf(groupExtra string) string {
	return `track_file fail {
    file /run/fail
    weight 0
}
track_file prio {
    file /run/prio
    weight 10
}
track_file gprio {
    file /run/gprio
    weight 2
}
vrrp_sync_group G {
    group {
        VI_1
        VI_2
    }
` + groupExtra + `
}
` + instance("VI_1", 1, 100, "    track_file {\n        fail\n        prio\n    }") + instance("VI_2", 2, 150, "") +
		instance("VI_3", 3, 100, "")
}

// TestSyncGroupTracking: one member's fault faults every member; group
// trackers move every member by their weight; a member's own weighted
// trackers count only with sync_group_tracking_weight (the parser drops
// them otherwise, as keepalived does).
func TestSyncGroupTracking(t *testing.T) {
	type write struct {
		path, contents string
		want           map[string]got
	}
	tests := []struct {
		name, groupExtra string
		writes           []write
	}{
		{"without sync_group_tracking_weight", "    track_file {\n        gprio\n    }", []write{
			{"/run/prio", "3", map[string]got{"VI_1": {100, false}, "VI_2": {150, false}, "VI_3": {100, false}}},
			{"/run/gprio", "5", map[string]got{"VI_1": {110, false}, "VI_2": {160, false}, "VI_3": {100, false}}},
			{"/run/fail", "1", map[string]got{"VI_1": {110, true}, "VI_2": {160, true}, "VI_3": {100, false}}},
			{"/run/fail", "0", map[string]got{"VI_1": {110, false}, "VI_2": {160, false}, "VI_3": {100, false}}},
		}},
		{"with sync_group_tracking_weight", "    sync_group_tracking_weight\n    track_file {\n        gprio\n    }", []write{
			{"/run/prio", "3", map[string]got{"VI_1": {130, false}, "VI_2": {150, false}, "VI_3": {100, false}}},
			{"/run/gprio", "5", map[string]got{"VI_1": {140, false}, "VI_2": {160, false}, "VI_3": {100, false}}},
			{"/run/fail", "1", map[string]got{"VI_1": {140, true}, "VI_2": {160, true}, "VI_3": {100, false}}},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				r := newRig(t, groupConf(tc.groupExtra)).start()
				r.want("start", map[string]got{"VI_1": {100, false}, "VI_2": {150, false}, "VI_3": {100, false}})
				for _, w := range tc.writes {
					r.sys.Files.Write(w.path, w.contents)
					r.want(w.path+" "+w.contents, w.want)
				}
				for _, name := range []string{"VI_1", "VI_2"} {
					if n := len(r.insts[name].Groups()); n != 1 {
						t.Errorf("%s joined %d groups, want 1", name, n)
					}
				}
				if n := len(r.insts["VI_3"].Groups()); n != 0 {
					t.Errorf("VI_3 joined %d groups, want none", n)
				}
			})
		})
	}
}

// TestSyncGroupNotifyPriority: the group's notify_priority_changes
// applies to its members.
func TestSyncGroupNotifyPriority(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, groupConf("    notify_priority_changes\n    track_file {\n        gprio\n    }"))
		r.insts["VI_1"].SetState(vrrp.StateMaster)
		r.insts["VI_2"].SetState(vrrp.StateMaster)
		r.start()
		r.sys.Files.Write("/run/gprio", "-5")
		synctest.Wait()
		want := []string{`INSTANCE "VI_1" MASTER_PRIORITY 90`, `INSTANCE "VI_2" MASTER_PRIORITY 140`}
		if diff := cmp.Diff(want, r.host.Lines()); diff != "" {
			t.Errorf("FIFO lines (-want +got):\n%s", diff)
		}
	})
}

// TestGroupsNotify: a group's state follows its members' transitions: the
// first member out of INIT takes the group along (its notify before the
// member's), later states once every member is in them (after theirs); a
// reload keeps the state, so nothing is notified again.
func TestGroupsNotify(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, groupConf("")).start()
		g := r.groups
		if !g.Has("VI_1") || g.Has("VI_3") {
			t.Errorf("Has: VI_1 %v VI_3 %v, want true false", g.Has("VI_1"), g.Has("VI_3"))
		}
		if diff := cmp.Diff(map[string]vrrp.State{}, g.States()); diff != "" {
			t.Errorf("states before any transition (-want +got):\n%s", diff)
		}
		report := func(name string, to vrrp.State) {
			g.MemberTransition(name, to, true)
			g.MemberTransition(name, to, false)
		}
		report("VI_1", vrrp.StateBackup)
		report("VI_2", vrrp.StateBackup)
		report("VI_3", vrrp.StateMaster) // no group
		report("VI_1", vrrp.StateFault)
		report("VI_2", vrrp.StateFault)
		if diff := cmp.Diff(map[string]vrrp.State{"G": vrrp.StateFault}, g.States()); diff != "" {
			t.Errorf("states (-want +got):\n%s", diff)
		}
		r.reload(groupConf(""))
		report("VI_1", vrrp.StateFault)
		report("VI_2", vrrp.StateFault)
		want := []string{`GROUP "G" BACKUP 0`, `GROUP "G" FAULT 0`}
		if diff := cmp.Diff(want, r.host.Lines()); diff != "" {
			t.Errorf("FIFO lines (-want +got):\n%s", diff)
		}
		if !r.logged(`msg="VRRP_Group(G) Syncing instances to FAULT state"`, "group=G", "to=FAULT", "member=VI_1") {
			t.Errorf("no log of the group change:\n%s", r.logs)
		}
	})
}

// TestGroupsZero: without a configuration there are no groups: every
// instance may become MASTER.
func TestGroupsZero(t *testing.T) {
	var g track.Groups
	g.MemberTransition("VI_1", vrrp.StateMaster, true)
	if !g.MayBecomeMaster("VI_1", vrrp.StateBackup) || g.Has("VI_1") || g.States() != nil {
		t.Error("the zero Groups has a group")
	}
}

// TestGroupMixedOwners: keepalived warns about a group whose members are
// partly address owners.
func TestGroupMixedOwners(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		conf := "vrrp_sync_group G {\n    group {\n        VI_1\n        VI_2\n    }\n}\n" +
			instance("VI_1", 1, 255, "") + instance("VI_2", 2, 100, "")
		r := newRig(t, conf).start()
		if !r.logged(`msg="Sync group G has some member(s) as address owner and some not as address owner. This won't work."`, "group=G") {
			t.Errorf("no warning:\n%s", r.logs)
		}
	})
}

// TestSyncGroupSharedTrackers: a tracker that a sync group and a member
// both name counts once for the member, with the group's weight unless
// the member's is 0, and keepalived 2.2.7's line is logged for it; the
// group's track_interface on the members' own interface adds nothing.
func TestSyncGroupSharedTrackers(t *testing.T) {
	conf := `track_file prio {
    file /run/prio
}
vrrp_sync_group G {
    group {
        VI_1
        VI_2
    }
    sync_group_tracking_weight
    track_file {
        prio weight 2
    }
    track_interface {
        eth0 weight 3
    }
}
` + instance("VI_1", 1, 100, "    track_file {\n        prio weight 10\n    }") +
		instance("VI_2", 2, 150, "    track_file {\n        prio weight 0\n    }")
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, conf).start()
		r.want("start", map[string]got{"VI_1": {100, false}, "VI_2": {150, false}})
		r.sys.Files.Write("/run/prio", "5")
		// VI_2's weight-0 entry faults it (and the group) and adds nothing.
		r.want("prio 5", map[string]got{"VI_1": {110, true}, "VI_2": {150, true}})
		r.sys.Files.Write("/run/prio", "0")
		r.want("prio 0", map[string]got{"VI_1": {100, false}, "VI_2": {150, false}})
		want := []string{
			"(VI_1) track_file prio is configured on VRRP instance and sync group. Remove vrrp instance config",
			"(VI_2) track_file prio is configured on VRRP instance and sync group. Remove vrrp instance config",
		}
		if diff := cmp.Diff(want, r.messages("is configured on VRRP instance")); diff != "" {
			t.Errorf("log (-want +got):\n%s", diff)
		}
	})
}
