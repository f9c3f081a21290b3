package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/goalived/goalived/netif/nstest"
)

// trackMergeConf has a sync group whose trackers its members track too:
// VI_1 with weights (taken over by the group's), VI_2 with weight 0
// (kept), and the group's track_interface on the members' own eth0
// (keepalived keeps their weight-0 entry), and on eth1, which VI_1 tracks
// with weight 0 through the track_group of a static address (kept too,
// silently). keepalived 2.2.7's effective priorities: VI_1 100 + 4 (chk)
// + 5*2 (prio) = 114, VI_2 100 + 0 + 10 + 5 (eth1) = 115; adding every
// entry would give 148 and 122.
const trackMergeConf = `global_defs {
  router_id trackmerge
  script_user root
  enable_script_security
}
vrrp_script chk {
  script /bin/true
  interval 1
}
track_group TG {
  group {
    VI_1
  }
}
static_ipaddress {
  198.51.100.81/24 dev eth1 track_group TG
}
track_file prio {
  file DIR/prio
  init_file 5 overwrite
}
vrrp_sync_group VG {
  group {
    VI_1
    VI_2
  }
  sync_group_tracking_weight
  track_script {
    chk weight 4
  }
  track_file {
    prio weight 2
  }
  track_interface {
    eth0 weight 3
    eth1 weight 5
  }
}
vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 81
  priority 100
  advert_int 0.5
  version 3
  virtual_ipaddress {
    192.0.2.181/24
  }
  track_script {
    chk weight 20
  }
  track_file {
    prio weight 10
  }
}
vrrp_instance VI_2 {
  interface eth0
  virtual_router_id 82
  priority 100
  advert_int 0.5
  version 3
  virtual_ipaddress {
    192.0.2.182/24
  }
  track_script {
    chk weight 0
  }
}
`

// TestIntegrationSyncGroupSharedTrackersMatchesKeepalived runs keepalived
// 2.2.7 and goalived on trackMergeConf: the effective priorities, the
// whole keepalived.data (the trackers' "Tracking VRRP instances" lists
// among it) and the "is configured on VRRP instance and sync group"
// lines must be keepalived's.
func TestIntegrationSyncGroupSharedTrackersMatchesKeepalived(t *testing.T) {
	t.Parallel()
	nstest.RequireRoot(t)
	ka := keepalivedBinary(t)
	bin := goalivedBinary(t)
	sc := dumpScenario{name: "trackmerge", conf: trackMergeConf, links: true,
		want:   []string{"   Effective priority = 114", "   Effective priority = 115"},
		counts: map[string]int{"   State = MASTER": 2}}
	var k, g dumpRun
	bothKinds(t, func(t *testing.T) {
		k = runForDump(t, ka, ka, sc, "-P", "-D", "-c", filepath.Join(t.TempDir(), "c.pid"))
	}, func(t *testing.T) { g = runForDump(t, ka, bin, sc) })
	if diff := cmp.Diff(dumpShape(k.data, k.dir), dumpShape(g.data, g.dir)); diff != "" {
		t.Errorf("keepalived.data differs (-keepalived +goalived):\n%s", diff)
	}
	for _, line := range []string{
		"(VI_1) track_script chk is configured on VRRP instance and sync group. Remove vrrp instance config",
		"(VI_2) track_script chk is configured on VRRP instance and sync group. Remove vrrp instance config",
		"(VI_1) track_file prio is configured on VRRP instance and sync group. Remove vrrp instance config",
		"(VI_1) track_interface eth0 is configured on VRRP instance and sync group. Remove vrrp instance or sync group config",
		"(VI_2) track_interface eth0 is configured on VRRP instance and sync group. Remove vrrp instance or sync group config",
	} {
		for who, out := range map[string]string{"keepalived": k.out, "goalived": g.out} {
			if n := strings.Count(out, line); n != 1 {
				t.Errorf("%s wrote %q %d times, want once", who, line, n)
			}
		}
	}
}
