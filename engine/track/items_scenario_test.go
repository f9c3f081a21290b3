package track_test

import (
	"testing"
	"testing/synctest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/goalived/goalived/script"
)

// itemsConf has instances whose addresses, routes and rules name other
// interfaces than their own, as keepalived 2.2.7 tracks them (weight 0):
// VI_1's address is on eth1, which its track_interface weighs -10 (the
// address's entry makes it weight 0); VI_2's route is on its untracked
// own interface; VI_3's address on eth2 has no_track, its rule's iif is
// eth3; VI_4's address on its own interface stays untracked, its
// excluded address is on eth2; VI_5 and VI_6 are a sync group tracking
// eth1 with weight 5, which VI_5's address keeps weight 0 (VI_5's fault
// is the group's).
const itemsConf = `vrrp_sync_group G {
    group {
        VI_5
        VI_6
    }
    track_interface {
        eth1 weight 5
    }
}
vrrp_instance VI_1 {
    interface eth0
    virtual_router_id 1
    priority 100
    virtual_ipaddress {
        192.0.2.50/24 dev eth1
    }
    track_interface {
        eth1 weight -10
    }
}
vrrp_instance VI_2 {
    interface eth0
    virtual_router_id 2
    priority 100
    dont_track_primary
    virtual_ipaddress {
        192.0.2.51/24
    }
    virtual_routes {
        192.0.2.128/25 dev eth0
    }
}
vrrp_instance VI_3 {
    interface eth0
    virtual_router_id 3
    priority 100
    virtual_ipaddress {
        192.0.2.52/24 dev eth2 no_track
    }
    virtual_rules {
        from 192.0.2.60 iif eth3 table 100
    }
}
vrrp_instance VI_4 {
    interface eth0
    virtual_router_id 4
    priority 100
    dont_track_primary
    virtual_ipaddress {
        192.0.2.53/24 dev eth0
    }
    virtual_ipaddress_excluded {
        192.0.2.54/24 dev eth2
    }
}
vrrp_instance VI_5 {
    interface eth0
    virtual_router_id 5
    priority 100
    virtual_ipaddress {
        192.0.2.55/24 dev eth1
    }
}
vrrp_instance VI_6 {
    interface eth0
    virtual_router_id 6
    priority 100
    virtual_ipaddress {
        192.0.2.56/24
    }
}
`

// TestItemInterfaces: an interface that an instance's address, route or
// rule names puts it in FAULT while down, as in keepalived 2.2.7, whatever
// weight a track_interface or the sync group gives it; no_track and an
// address on an untracked own interface track nothing. One interface is
// one fault however many entries name it.
func TestItemInterfaces(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, itemsConf)
		for _, name := range []string{"eth1", "eth2", "eth3"} {
			r.sys.Links.SetLink(name, true)
		}
		r.start()
		all := func(changes map[string]got) map[string]got {
			out := map[string]got{"VI_1": {100, false}, "VI_2": {100, false}, "VI_3": {100, false},
				"VI_4": {100, false}, "VI_5": {100, false}, "VI_6": {105, false}}
			for k, v := range changes {
				out[k] = v
			}
			return out
		}
		r.want("start", all(nil))
		steps := []struct {
			name   string
			link   string
			up     bool
			want   map[string]got
			faults map[string]int // fault counts that are not 0
		}{
			{"eth1 down", "eth1", false, map[string]got{"VI_1": {100, true}, "VI_5": {100, true}, "VI_6": {100, true}}, map[string]int{"VI_1": 1, "VI_5": 1}},
			{"eth0 down", "eth0", false, map[string]got{"VI_1": {100, true}, "VI_2": {100, true}, "VI_3": {100, true}, "VI_5": {100, true}, "VI_6": {100, true}},
				map[string]int{"VI_1": 2, "VI_2": 1, "VI_3": 1, "VI_5": 2, "VI_6": 1}},
			{"eth1 and eth0 up", "eth0", true, nil, nil},
			{"eth2 down", "eth2", false, map[string]got{"VI_4": {100, true}}, map[string]int{"VI_4": 1}},
			{"eth2 up", "eth2", true, nil, nil},
			{"eth3 down", "eth3", false, map[string]got{"VI_3": {100, true}}, map[string]int{"VI_3": 1}},
			{"eth3 up", "eth3", true, nil, nil},
		}
		for _, s := range steps {
			if s.name == "eth1 and eth0 up" {
				r.sys.Links.SetLink("eth1", true)
			}
			r.sys.Links.SetLink(s.link, s.up)
			r.want(s.name, all(s.want))
			faults := map[string]int{}
			for _, in := range r.cfg.Instances {
				if n := len(script.Evaluate(in.Priority, r.tr.Trackers(in)).Fault); n != 0 {
					faults[in.Name] = n
				}
			}
			if diff := cmp.Diff(s.faults, faults, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("%s: fault counts (-want +got):\n%s", s.name, diff)
			}
		}
		want := []string{"Netlink reports eth1 down", "Netlink reports eth0 down", "Netlink reports eth1 up", "Netlink reports eth0 up",
			"Netlink reports eth2 down", "Netlink reports eth2 up", "Netlink reports eth3 down", "Netlink reports eth3 up"}
		if diff := cmp.Diff(want, r.messages("Netlink")); diff != "" {
			t.Errorf("keepalived's lines (-want +got):\n%s", diff)
		}
	})
}
