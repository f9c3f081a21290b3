package track

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/goalived/goalived/config"
)

// TestMergeTracks: a tracker that a sync group and its member both name
// is one entry, as keepalived 2.2.7 keeps it (add_vrrp_to_track_script
// and its kin): the member's weight 0 stays, a weighted member entry
// takes the group's weight (and reverse, except for processes), the
// member's own interface keeps its weight-0 entry unless
// dont_track_primary.
func TestMergeTracks(t *testing.T) {
	tr := func(name string, w int, rev bool) config.Track {
		return config.Track{Name: name, Weight: w, Reverse: rev}
	}
	list := func(ts ...config.Track) []config.Track { return ts }
	tests := []struct {
		name     string
		in       config.Instance
		group    *config.SyncGroup
		static   []string // the interfaces of the member's static items
		want     memberTracks
		overlaps []overlap
	}{
		{name: "no group", in: config.Instance{Trackers: &config.Trackers{TrackScripts: list(tr("s", 5, false))}},
			want: memberTracks{scripts: list(tr("s", 5, false))}},
		{name: "group only", in: config.Instance{Interface: "eth0"},
			group: &config.SyncGroup{TrackScripts: list(tr("s", 3, false)), TrackInterfaces: list(tr("eth1", 2, false)),
				TrackFiles: list(tr("f", 4, false)), TrackProcesses: list(tr("p", 6, true))},
			want: memberTracks{scripts: list(tr("s", 3, false)), ifaces: list(tr("eth1", 2, false)),
				files: list(tr("f", 4, false)), procs: list(tr("p", 6, true))}},
		{name: "different trackers add up", in: config.Instance{Trackers: &config.Trackers{TrackScripts: list(tr("a", 5, false))}},
			group: &config.SyncGroup{TrackScripts: list(tr("b", 3, false))},
			want:  memberTracks{scripts: list(tr("a", 5, false), tr("b", 3, false))}},
		{name: "member weight 0 stays", in: config.Instance{Trackers: &config.Trackers{TrackScripts: list(tr("s", 0, false)), TrackInterfaces: list(tr("eth1", 0, false)), TrackFiles: list(tr("f", 0, false)), TrackProcesses: list(tr("p", 0, false))}},
			group: &config.SyncGroup{TrackScripts: list(tr("s", 3, true)), TrackInterfaces: list(tr("eth1", 2, true)),
				TrackFiles: list(tr("f", 4, true)), TrackProcesses: list(tr("p", 6, true))},
			want: memberTracks{scripts: list(tr("s", 0, false)), ifaces: list(tr("eth1", 0, false)),
				files: list(tr("f", 0, false)), procs: list(tr("p", 0, false))},
			overlaps: []overlap{{"track_script", "s"}, {"track_file", "f"}, {"track_process", "p"}, {"track_interface", "eth1"}}},
		{name: "weighted member takes the group's weight", in: config.Instance{Trackers: &config.Trackers{TrackScripts: list(tr("s", 5, false)), TrackInterfaces: list(tr("eth1", 5, false)), TrackFiles: list(tr("f", 5, false)), TrackProcesses: list(tr("p", 5, false))}},
			group: &config.SyncGroup{TrackScripts: list(tr("s", -3, true)), TrackInterfaces: list(tr("eth1", 2, true)),
				TrackFiles: list(tr("f", 4, true)), TrackProcesses: list(tr("p", 6, true))},
			// keepalived's add_vrrp_to_track_process changes the weight only.
			want: memberTracks{scripts: list(tr("s", -3, true)), ifaces: list(tr("eth1", 2, true)),
				files: list(tr("f", 4, true)), procs: list(tr("p", 6, false))},
			overlaps: []overlap{{"track_script", "s"}, {"track_file", "f"}, {"track_process", "p"}, {"track_interface", "eth1"}}},
		{name: "own interface keeps weight 0", in: config.Instance{Interface: "eth0"},
			group:    &config.SyncGroup{TrackInterfaces: list(tr("eth0", 3, false), tr("eth1", 2, false))},
			want:     memberTracks{ifaces: list(tr("eth1", 2, false))},
			overlaps: []overlap{{"track_interface", "eth0"}}},
		{name: "own interface under dont_track_primary takes the group's", in: config.Instance{Interface: "eth0", DontTrackPrimary: true},
			group: &config.SyncGroup{TrackInterfaces: list(tr("eth0", 3, false))},
			want:  memberTracks{ifaces: list(tr("eth0", 3, false))}},
		{name: "own interface under dont_track_primary takes a weight 0", in: config.Instance{Interface: "eth0", DontTrackPrimary: true},
			group: &config.SyncGroup{TrackInterfaces: list(tr("eth0", 0, false))},
			want:  memberTracks{ifaces: list(tr("eth0", 0, false))}},
		{name: "static item's interface keeps weight 0 silently", in: config.Instance{Interface: "eth0"}, static: []string{"eth1"},
			group: &config.SyncGroup{TrackInterfaces: list(tr("eth1", 2, false))},
			want:  memberTracks{}},
		{name: "static item's interface unweights the member's", in: config.Instance{Interface: "eth0", Trackers: &config.Trackers{TrackInterfaces: list(tr("eth1", 5, true))}},
			static: []string{"eth1"},
			want:   memberTracks{ifaces: list(tr("eth1", 0, false))}},
		{name: "static item on the untracked own interface tracks it", in: config.Instance{Interface: "eth0", DontTrackPrimary: true},
			static: []string{"eth0"}, group: &config.SyncGroup{TrackInterfaces: list(tr("eth0", 3, false))},
			want: memberTracks{}, overlaps: []overlap{{"track_interface", "eth0"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			own := memberTracks{scripts: append([]config.Track(nil), in.TrackScripts()...)}
			got, ov := mergeTracks(&in, tc.group, tc.static)
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(memberTracks{}, overlap{})); diff != "" {
				t.Errorf("tracks (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.overlaps, ov, cmp.AllowUnexported(overlap{})); diff != "" {
				t.Errorf("overlaps (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(own.scripts, in.TrackScripts()); diff != "" {
				t.Errorf("the instance's own list changed (-before +after):\n%s", diff)
			}
		})
	}
}
