package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/goalived/goalived/netif/nstest"
)

// itemTrackConf has instances on eth0 whose addresses and routes are on
// eth1, which keepalived 2.2.7 tracks for them with weight 0: VI_1's
// address (its track_interface weight -10 on eth1 gives way to the 0),
// VI_2's route, VI_4's address (the sync group's weight 5 on eth1 gives
// way too, VI_5 takes it). VI_3's excluded address has no_track. With
// eth1 down, VI_1, VI_2 and VI_4 (and VI_5 with it) are in FAULT.
const itemTrackConf = `global_defs {
  router_id itemtrack
}
vrrp_sync_group G {
  group {
    VI_4
    VI_5
  }
  sync_group_tracking_weight
  track_interface {
    eth1 weight 5
  }
}
vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 91
  priority 100
  advert_int 0.5
  version 3
  virtual_ipaddress {
    192.0.2.191/24 dev eth1
  }
  track_interface {
    eth1 weight -10
  }
}
vrrp_instance VI_2 {
  interface eth0
  virtual_router_id 92
  priority 100
  advert_int 0.5
  version 3
  virtual_ipaddress {
    192.0.2.192/24
  }
  virtual_routes {
    198.51.100.128/25 dev eth1
  }
}
vrrp_instance VI_3 {
  interface eth0
  virtual_router_id 93
  priority 100
  advert_int 0.5
  version 3
  virtual_ipaddress {
    192.0.2.193/24
  }
  virtual_ipaddress_excluded {
    198.51.100.193/24 dev eth1 no_track
  }
}
vrrp_instance VI_4 {
  interface eth0
  virtual_router_id 94
  priority 100
  advert_int 0.5
  version 3
  virtual_ipaddress {
    192.0.2.194/24 dev eth1
  }
}
vrrp_instance VI_5 {
  interface eth0
  virtual_router_id 95
  priority 100
  advert_int 0.5
  version 3
  virtual_ipaddress {
    192.0.2.195/24
  }
}
`

// TestIntegrationItemInterfacesMatchesKeepalived runs keepalived 2.2.7 and
// goalived on itemTrackConf, takes eth1 down and up again, and compares
// the instances' states, effective priorities and fault counts and the
// interfaces' "Tracking VRRP instances" lists in keepalived.data at each
// step, and the states each instance logs it enters.
func TestIntegrationItemInterfacesMatchesKeepalived(t *testing.T) {
	t.Parallel()
	nstest.RequireRoot(t)
	ka := keepalivedBinary(t)
	bin := goalivedBinary(t)
	sc := dumpScenario{name: "itemtrack", conf: itemTrackConf, links: true,
		want:   []string{"   Effective priority = 105"},
		counts: map[string]int{"   State = MASTER": 5}}
	var k, g itemRun
	bothKinds(t, func(t *testing.T) {
		k = runItemTracking(t, ka, ka, sc, "-P", "-D", "-c", filepath.Join(t.TempDir(), "c.pid"))
	}, func(t *testing.T) { g = runItemTracking(t, ka, bin, sc) })
	for i, step := range []string{"start", "eth1 down", "eth1 up"} {
		if diff := cmp.Diff(k.dumps[i], g.dumps[i]); diff != "" {
			t.Errorf("%s: keepalived.data's tracking differs (-keepalived +goalived):\n%s", step, diff)
		}
	}
	if diff := cmp.Diff(transitions(k.out), transitions(g.out)); diff != "" {
		t.Errorf("the states entered differ (-keepalived +goalived):\n%s", diff)
	}
}

// itemRun is what one daemon showed of itemTrackConf: the tracking part
// of keepalived.data at start, with eth1 down and up again, and its
// console output.
type itemRun struct {
	dumps [][]string
	out   string
}

func runItemTracking(t *testing.T, ka, prog string, sc dumpScenario, extra ...string) itemRun {
	t.Helper()
	r := runForDump(t, ka, prog, sc, extra...)
	run := itemRun{dumps: [][]string{trackingShape(r.data)}}
	path := filepath.Join(r.dir, "dump", "keepalived.data")
	for _, s := range []struct {
		updown string
		counts map[string]int
	}{
		{"down", map[string]int{"   State = MASTER": 1, "   State = FAULT": 4}},
		{"up", map[string]int{"   State = MASTER": 5}},
	} {
		r.lab.Exec(0, "ip", "link", "set", "eth1", s.updown)
		settled := dumpScenario{counts: s.counts}.settled
		run.dumps = append(run.dumps, trackingShape(dumpUntil(t, r.proc, syscall.SIGUSR1, path, 60*time.Second, settled)))
	}
	run.out = r.proc.Output()
	t.Logf("%s output:\n%s", filepath.Base(prog), run.out)
	return run
}

var (
	// trackingLine are the lines of keepalived.data trackingShape keeps.
	trackingLine = regexp.MustCompile(`^( VRRP Instance = | Name = |   State = [A-Z]+$|   Effective priority = |` +
		`   Number of interface and track script faults = )`)
	trackingList = regexp.MustCompile(`^   (Tracking VRRP instances|Tracked interfaces) :$`)
)

// trackingShape is what keepalived.data says of interface tracking: each
// instance's state, effective priority, fault count and tracked
// interfaces, and the instances each interface is tracked by.
func trackingShape(data string) []string {
	var out []string
	inList := false
	for _, l := range strings.Split(data, "\n") {
		switch {
		case trackingList.MatchString(l):
			inList = true
		case inList && strings.HasPrefix(l, "     "):
		case trackingLine.MatchString(l):
			inList = false
		default:
			inList = false
			continue
		}
		out = append(out, l)
	}
	return out
}

var entering = regexp.MustCompile(`\((VI_\d)\) Entering ([A-Z]+) STATE`)

// transitions are the states each instance logged it entered, in order.
func transitions(out string) map[string][]string {
	got := map[string][]string{}
	for _, m := range entering.FindAllStringSubmatch(out, -1) {
		got[m[1]] = append(got[m[1]], m[2])
	}
	return got
}
