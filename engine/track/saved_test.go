package track_test

import (
	"context"
	"encoding/json"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/goalived/goalived/engine/track"
	"github.com/goalived/goalived/engine/track/tracktest"
	"github.com/goalived/goalived/script"
	"github.com/goalived/goalived/vrrp"
)

const savedConf = `vrrp_script a {
    script "/usr/bin/a"
    weight 10
    rise 2
    fall 2
}
vrrp_script b {
    script "/usr/bin/b"
    weight -20
}
vrrp_track_process kdc {
    process krb5kdc
    weight 5
    terminate_delay 2
}
vrrp_sync_group G {
    group {
        VI_2
        VI_3
    }
}
`

// TestTrackerFreezeRestore hands tracking to a second Tracker as a hot
// upgrade does, through JSON: the scripts keep their conditions and
// rise/fall positions (one failure of a fall-2 script does not take it
// down), the process quorum stays while the exit of the process waits
// its terminate_delay, and the sync group keeps its state (the members'
// next reports notify nothing).
func TestTrackerFreezeRestore(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tracks := "    track_script {\n        a\n        b\n    }\n    track_process {\n        kdc\n    }"
		conf := savedConf + instance("VI_1", 1, 100, tracks) + instance("VI_2", 2, 100, "") + instance("VI_3", 3, 100, "")
		r := newRig(t, conf)
		kdc := r.sys.Procs.Start(1, "/usr/sbin/krb5kdc")
		r.start()
		r.sys.Checks.Check("a").Run(true)
		r.sys.Checks.Check("b").Run(false)
		for _, name := range []string{"VI_2", "VI_3"} {
			r.groups.MemberTransition(name, vrrp.StateMaster, true)
			r.groups.MemberTransition(name, vrrp.StateMaster, false)
		}
		r.want("before", map[string]got{"VI_1": {100 + 10 - 20 + 5, false}, "VI_2": {100, false}, "VI_3": {100, false}})
		lines := len(r.host.Lines())

		saved := r.tr.Freeze(context.Background())
		wire, err := json.Marshal(saved)
		if err != nil {
			t.Fatal(err)
		}
		var back track.Saved
		if err := json.Unmarshal(wire, &back); err != nil {
			t.Fatal(err)
		}
		r.sys.Procs.Exit(kdc) // during the handover

		groups := &track.Groups{}
		insts := map[string]*tracktest.Instance{}
		var list []track.Instance
		for _, pin := range r.cfg.Instances {
			in := tracktest.NewInstance(pin)
			in.SetPriority(r.insts[pin.Name].Priority()) // as vrrp.Saved carries it
			insts[pin.Name], list = in, append(list, in)
		}
		o := r.options(nil, false)
		o.Groups, o.Restored = groups, &back
		next := track.New(r.cfg, o)
		t.Cleanup(next.Close)
		if err := next.Start(list); err != nil {
			t.Fatal(err)
		}
		prio := func() int { synctest.Wait(); return insts["VI_1"].Priority() }
		if got := prio(); got != 95 {
			t.Errorf("restored priority %d, want 95 (a up, b down, kdc in quorum)", got)
		}
		if c := r.sys.Checks.Check("a").Config(); c.Resume == nil || c.Resume.Counter != 3 || c.Initial != script.Up {
			t.Errorf("check a resumed with %+v, initial %v; want counter 3, up", c.Resume, c.Initial)
		}
		r.sys.Checks.Check("a").Run(false)
		if got := prio(); got != 95 {
			t.Errorf("after one failure of a: priority %d, want 95 (fall 2)", got)
		}
		r.sys.Checks.Check("a").Run(false)
		if got := prio(); got != 85 {
			t.Errorf("after two failures of a: priority %d, want 85", got)
		}
		time.Sleep(3 * time.Second) // terminate_delay
		if got := prio(); got != 80 {
			t.Errorf("after kdc's terminate_delay: priority %d, want 80", got)
		}
		if diff := cmp.Diff(map[string]vrrp.State{"G": vrrp.StateMaster}, groups.States()); diff != "" {
			t.Errorf("group states (-want +got):\n%s", diff)
		}
		groups.MemberTransition("VI_2", vrrp.StateMaster, true)
		groups.MemberTransition("VI_2", vrrp.StateMaster, false)
		if n := len(r.host.Lines()); n != lines {
			t.Errorf("restored group notified: %v", r.host.Lines()[lines:])
		}
	})
}
