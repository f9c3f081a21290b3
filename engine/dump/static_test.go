package dump

import (
	"bytes"
	"net"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/vrrp"
)

// TestStaticAndGroupTrackingMatchKeepalived227 renders static.conf (static
// addresses, routes and rules naming two track_groups, and a sync group
// tracking an interface that its members already track) and compares
// with what keepalived 2.2.7 wrote for it (static.want): the static
// sections, the sync group and the instances listed under eth0 and eth1,
// where the static items' track groups come before the sync group and
// keep weight 0.
func TestStaticAndGroupTrackingMatchKeepalived227(t *testing.T) {
	cfg := loadTestConfig(t, "testdata/keepalived-2.2.7/static.conf")
	s := &Snapshot{Now: testEpoch, Config: cfg, GroupStates: map[string]vrrp.State{"VG": vrrp.StateMaster},
		Links: []Link{loopback, ethernet("eth0", 3, "192.0.2.11", "fe80::1", net.HardwareAddr{2, 0, 0, 0, 0, 1}),
			ethernet("eth1", 5, "198.51.100.11", "fe80::2", net.HardwareAddr{2, 0, 0, 0, 0, 2})}}
	var b bytes.Buffer
	d := &dumpWriter{w: &b}
	writeStatic(d, cfg)
	writeSyncGroups(d, s)
	for _, ifc := range interfaces(s) {
		if len(ifc.Tracking) == 0 {
			continue
		}
		d.line(" Name = %s", ifc.Name)
		d.line("   Tracking VRRP instances :")
		for _, t := range ifc.Tracking {
			d.line("     %s, weight %d%s", t.Name, t.Weight, reverse(t.Reverse))
		}
	}
	matchRecorded(t, "testdata/keepalived-2.2.7/static.want", b.String())
}

// TestTrackerMerge: an instance tracking an object itself and through
// its sync group is listed once, with the group's weight unless its own
// was 0, or the group's is keepalived's "not tracked" marker.
func TestTrackerMerge(t *testing.T) {
	for _, c := range []struct {
		name       string
		own, group Tracker
		want       Tracker
	}{
		{"group weight wins", Tracker{"A", 5, false}, Tracker{"A", -3, true}, Tracker{"A", -3, true}},
		{"unweighted stays", Tracker{"A", 0, false}, Tracker{"A", 7, false}, Tracker{"A", 0, false}},
		{"not tracked marker ignored", Tracker{"A", 5, false}, Tracker{"A", notVRRPTracked, false}, Tracker{"A", 5, false}},
		{"not tracked takes a weight", Tracker{"A", notVRRPTracked, false}, Tracker{"A", 3, false}, Tracker{"A", 3, false}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := addTracker(addTracker([]Tracker{{"B", 1, false}}, c.own), c.group)
			if diff := cmp.Diff([]Tracker{{"B", 1, false}, c.want}, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestTrackingOfGroup: a sync group's tracker on an object a member
// tracks too merges into the member's entry; for a track_process
// keepalived 2.2.7 takes the group's weight but keeps the member's
// reverse flag.
func TestTrackingOfGroup(t *testing.T) {
	own := []config.Track{{Name: "x", Weight: 5}}
	group := []config.Track{{Name: "x", Weight: 2, Reverse: true}}
	cfg := &config.Config{
		Instances: []*config.Instance{
			{Name: "VI_1", Trackers: &config.Trackers{TrackScripts: own, TrackProcesses: own}},
			{Name: "VI_2"},
		},
		SyncGroups: []*config.SyncGroup{{Name: "G", Members: []string{"VI_1", "VI_2"}, TrackScripts: group, TrackProcesses: group}},
	}
	for _, c := range []struct {
		kind trackKind
		want []Tracker
	}{
		{trackScripts, []Tracker{{"VI_1", 2, true}, {"VI_2", 2, true}}},
		{trackProcesses, []Tracker{{"VI_1", 2, false}, {"VI_2", 2, true}}},
	} {
		if diff := cmp.Diff(c.want, trackingOf(cfg, "x", c.kind)); diff != "" {
			t.Errorf("kind %d (-want +got):\n%s", c.kind, diff)
		}
	}
}
