package parser

import (
	"testing"
	"time"

	"github.com/goalived/goalived/config"
)

const twoInstances = "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n}\nvrrp_instance VI_2 {\n interface eth1\n virtual_router_id 52\n}\n"

func TestSyncGroup(t *testing.T) {
	sec := "global_defs {\n enable_script_security\n script_user root\n}\n"
	g1 := func(c *config.Config) any {
		if len(c.SyncGroups) == 0 {
			return "no group"
		}
		return c.SyncGroups[0].Members
	}
	cases := []kwCase{
		{name: "members resolved after parsing", src: "vrrp_sync_group G1 {\n group {\n VI_1\n VI_2\n }\n}\n" + twoInstances,
			get: func(c *config.Config) any { return []any{c.SyncGroups[0].Members, vi1(c).SyncGroup} }, want: []any{[]string{"VI_1", "VI_2"}, "G1"}},
		{name: "unknown member", src: "vrrp_sync_group G1 {\n group {\n VI_1\n VI_2\n VI_9\n }\n}\n" + twoInstances,
			get: g1, want: []string{"VI_1", "VI_2"},
			diags: []string{"warning: VI_9: (G1) virtual router VI_9 specified in sync group doesn't exist, ignoring"}},
		{name: "one member", src: "vrrp_sync_group G1 {\n group {\n VI_1\n }\n}\n" + twoInstances, get: g1, want: []string{"VI_1"},
			diags: []string{"warning: vrrp_sync_group: sync group G1 has only 1 virtual router, this probably isn't what you want"}},
		{name: "no member", src: "vrrp_sync_group G1 {\n group {\n VI_8\n }\n}\n" + twoInstances, get: g1, want: "no group",
			diags: []string{"warning: VI_8: (G1) virtual router VI_8 specified in sync group doesn't exist, ignoring",
				"warning: vrrp_sync_group: sync group G1 has no virtual router(s), removed"}},
		{name: "in two groups", src: "vrrp_sync_group G1 {\n group {\n VI_1\n VI_2\n }\n}\nvrrp_sync_group G2 {\n group {\n VI_1\n }\n}\n" + twoInstances,
			get: func(c *config.Config) any { return len(c.SyncGroups) }, want: 1,
			diags: []string{"warning: VI_1: (G2) instance VI_1 is already in sync group G1, ignoring",
				"warning: vrrp_sync_group: sync group G2 has no virtual router(s), removed"}},
		{name: "weighted member trackers dropped", src: sec + "vrrp_script s {\n script /bin/true\n weight 10\n}\nvrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n track_script {\n s\n }\n track_interface {\n eth3 weight 5\n }\n}\nvrrp_instance VI_2 {\n interface eth1\n virtual_router_id 52\n}\nvrrp_sync_group G1 {\n group {\n VI_1\n VI_2\n }\n}\n",
			get: get(func(in *config.Instance) any { return []any{in.TrackScripts(), in.TrackInterfaces()} }), want: []any{[]config.Track{}, []config.Track{{Name: "eth3"}}},
			diags: []string{"warning: track_script: (VI_1) ignoring tracked script s with weights due to SYNC group G1",
				"warning: track_interface: (VI_1) ignoring weight of tracked interface eth3 due to SYNC group G1"}},
		{name: "tracking weight keeps them", src: sec + "vrrp_script s {\n script /bin/true\n weight 10\n}\nvrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n track_script {\n s\n }\n}\nvrrp_instance VI_2 {\n interface eth1\n virtual_router_id 52\n}\nvrrp_sync_group G1 {\n group {\n VI_1\n VI_2\n }\n sync_group_tracking_weight\n}\n",
			get: get(func(in *config.Instance) any { return in.TrackScripts() }), want: []config.Track{{Name: "s", Weight: 10}}},
		{name: "group keywords", src: sec + "vrrp_script s {\n script /bin/true\n}\n" + twoInstances + "vrrp_sync_group G1 {\n group {\n VI_1 VI_2\n }\n track_script {\n s weight 5\n }\n track_interface {\n eth2\n }\n notify_master \"/bin/gm x\"\n notify \"/bin/g\"\n notify_priority_changes\n global_tracking\n smtp_alert\n}\n",
			get: func(c *config.Config) any {
				g := c.SyncGroups[0]
				return []any{g.Members, g.TrackScripts, g.TrackInterfaces, g.Notify.Master.Argv, g.Notify.Generic.Cmd, g.NotifyPriorityChanges, g.TrackingWeight, g.SMTPAlert}
			},
			want:  []any{[]string{"VI_1", "VI_2"}, []config.Track{{Name: "s", Weight: 5}}, []config.Track{{Name: "eth2"}}, []string{"/bin/gm", "x"}, "/bin/g", true, true, true},
			diags: []string{"warning: global_tracking: global_tracking is deprecated, use sync_group_tracking_weight"}},
		{name: "notify_priority_changes from the group", src: "global_defs {\n vrrp_notify_priority_changes\n}\n" +
			"vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n}\nvrrp_instance VI_2 {\n interface eth1\n virtual_router_id 52\n notify_priority_changes\n}\n" +
			"vrrp_instance VI_3 {\n interface eth1\n virtual_router_id 53\n}\n" +
			"vrrp_sync_group G1 {\n group {\n VI_1 VI_2\n }\n notify_priority_changes off\n}\nvrrp_sync_group G2 {\n group {\n VI_3\n }\n}\n",
			get: func(c *config.Config) any {
				return []bool{c.Instance("VI_1").NotifyPriorityChanges, c.Instance("VI_2").NotifyPriorityChanges, c.Instance("VI_3").NotifyPriorityChanges,
					c.SyncGroups[0].NotifyPriorityChangesWritten, c.SyncGroups[1].NotifyPriorityChangesWritten}
			},
			want:  []bool{false, true, true, true, false},
			diags: []string{"warning: vrrp_sync_group: sync group G2 has only 1 virtual router, this probably isn't what you want"}},
		{name: "group track_interface a member tracks", src: "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n track_interface {\n eth2\n }\n}\n" +
			"vrrp_instance VI_2 {\n interface eth1\n virtual_router_id 52\n dont_track_primary\n}\n" +
			"vrrp_sync_group G1 {\n group {\n VI_1 VI_2\n }\n track_interface {\n eth0 weight 3\n eth1 weight 2\n eth2 weight 1\n }\n}\n",
			get:  func(c *config.Config) any { return c.SyncGroups[0].TrackInterfaces },
			want: []config.Track{{Name: "eth0", Weight: 3}, {Name: "eth1", Weight: 2}, {Name: "eth2", Weight: 1}},
			// VI_2's own eth1 is not tracked (dont_track_primary): no error.
			diags: []string{"warning: track_interface: (VI_1) track_interface eth0 is configured on VRRP instance and sync group. Remove vrrp instance or sync group config",
				"warning: track_interface: (VI_1) track_interface eth2 is configured on VRRP instance and sync group. Remove vrrp instance or sync group config"}},
		{name: "group track_interface on an untracked own interface a virtual route names",
			src: "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n dont_track_primary\n virtual_routes {\n 192.0.2.128/25 dev eth0\n }\n}\n" +
				"vrrp_instance VI_2 {\n interface eth1\n virtual_router_id 52\n dont_track_primary\n virtual_routes {\n 192.0.2.128/25 dev eth1 no_track\n }\n}\n" +
				"vrrp_sync_group G1 {\n group {\n VI_1 VI_2\n }\n track_interface {\n eth0 weight 3\n eth1 weight 2\n }\n}\n",
			get:  func(c *config.Config) any { return c.SyncGroups[0].TrackInterfaces },
			want: []config.Track{{Name: "eth0", Weight: 3}, {Name: "eth1", Weight: 2}},
			// keepalived 2.2.7 tracks VI_1's eth0 for its route (weight 0);
			// VI_2's route has no_track.
			diags: []string{"warning: track_interface: (VI_1) track_interface eth0 is configured on VRRP instance and sync group. Remove vrrp instance or sync group config"}},
		{name: "notify_deleted not in groups", src: twoInstances + "vrrp_sync_group G1 {\n group {\n VI_1\n VI_2\n }\n notify_deleted\n}\n",
			diags: []string{"warning: notify_deleted: unknown keyword 'notify_deleted'"}},
	}
	runCases(t, cases)
}

func TestTrackFileAndProcess(t *testing.T) {
	sec := "global_defs {\n enable_script_security\n}\n"
	cases := []kwCase{
		{name: "track_file", src: sec + "track_file tf {\n file /run/w\n weight -3 reverse\n init_file 7 overwrite\n}\nvrrp_track_file tf2 {\n file \"/run/x y\"\n}\n" +
			"vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n track_file {\n tf\n tf2 weight 2 noreverse\n }\n}\n",
			get: func(c *config.Config) any {
				return []any{*c.TrackFiles[0], c.TrackFiles[1].File, c.TrackFiles[1].Weight, vi1(c).TrackFiles()}
			},
			want: []any{config.TrackFile{Name: "tf", File: "/run/w", Weight: -3, Reverse: true, InitFile: true, InitValue: 7, InitOverwrite: true},
				"/run/x y", 1, []config.Track{{Name: "tf", Weight: -3, Reverse: true}, {Name: "tf2", Weight: 2}}}},
		{name: "track_file without file", src: "track_file tf {\n weight 2\n}\n",
			diags: []string{"warning: track_file: no file set for track_file tf, removed"}},
		{name: "owner track_file default weight zeroed", src: sec + "track_file tf {\n file /run/w\n}\nvrrp_instance VI_1 {\n interface eth0\n state MASTER\n virtual_router_id 51\n track_file {\n tf\n }\n}\n",
			get: get(func(in *config.Instance) any { return in.TrackFiles() }), want: []config.Track{{Name: "tf"}}},
		{name: "track_process", src: sec + "vrrp_track_process tp {\n process haproxy -f /etc/h.cfg\n param_match initial\n weight 20 reverse\n quorum 2\n quorum_max 4\n delay 1.5\n terminate_delay 0.5\n full_command\n}\n" +
			"vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n track_process {\n tp\n }\n}\n",
			get: func(c *config.Config) any {
				return []any{*c.TrackProcesses[0], vi1(c).TrackProcesses()}
			},
			want: []any{config.TrackProcess{Name: "tp", Process: "haproxy", Params: []string{"-f", "/etc/h.cfg"}, ParamMatch: "initial", Weight: 20, Reverse: true,
				Quorum: 2, QuorumMax: 4, ForkDelay: 1500 * time.Millisecond, TerminateDelay: 500 * time.Millisecond, FullCommand: true},
				[]config.Track{{Name: "tp", Weight: 20, Reverse: true}}}},
		{name: "track_process defaults", src: "vrrp_track_process tp {\n process nginx\n}\n",
			get: func(c *config.Config) any {
				p := c.TrackProcesses[0]
				return []any{p.Quorum, p.QuorumMax, p.Weight, p.ParamMatch}
			},
			want: []any{1, -1, 0, ""}},
		{name: "track_process quorum_max below quorum", src: "vrrp_track_process tp {\n process nginx\n quorum 3\n quorum_max 2\n}\n",
			get: func(c *config.Config) any { return len(c.TrackProcesses) }, want: 0,
			diags: []string{"warning: vrrp_track_process: vrrp_track_process tp: quorum_max 2 below quorum 3, removed"}},
		{name: "track_interface", src: instanceConf("track_interface {\n eth1 weight 10 reverse\n eth0\n nosuch3\n eth2 weight 300\n}"),
			get: get(func(in *config.Instance) any { return in.TrackInterfaces() }), want: []config.Track{{Name: "eth1", Weight: 10, Reverse: true}},
			diags: []string{"warning: nosuch3: (VI_1) tracked interface nosuch3 doesn't exist",
				"warning: eth2: number '300' outside range [-254, 254]", "warning: eth2: track interface eth2 ignored",
				"warning: track_interface: (VI_1) ignoring track_interface eth0: it is the instance's own interface"}},
	}
	runCases(t, cases)
}
