package engine_test

import (
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/goalived/goalived/engine"
	"github.com/goalived/goalived/vrrp"
	"github.com/goalived/goalived/vrrp/vrrptest"
)

// TestHandoverKeepsFirewallAndVMACs hands a master with no_accept, one
// with use_vmac and one with both to a new engine, whose configuration
// drops the last: the new engine adopts the table and the VMACs instead
// of deleting and making them again, so the kept masters' VIPs stay
// blocked and on their VMACs throughout; what only the dropped instance
// had (its VMAC, its rules) stays until Settle, which the new process
// calls once the old one has gone; the final stop deletes all of it.
func TestHandoverKeepsFirewallAndVMACs(t *testing.T) {
	onSegment(t, func(t *testing.T, seg *vrrptest.Segment) {
		a := newNode(t, seg, "192.0.2.1/24")
		b := newNode(t, seg, "192.0.2.2/24")
		conf := func(prio int, dropped bool) string {
			c := instance("NA", 51, prio, "192.0.2.100/24", "no_accept") +
				instance("VM", 52, prio, "192.0.2.101/24", "use_vmac")
			if !dropped {
				c += instance("BOTH", 53, prio, "192.0.2.102/24", "use_vmac", "no_accept")
			}
			return c
		}
		a.start(conf(150, false), engine.Options{})
		b.start(conf(100, false), engine.Options{})
		wait(5 * time.Second)
		a.wantState("NA", vrrp.StateMaster, "VM", vrrp.StateMaster, "BOTH", vrrp.StateMaster)
		blocked := []string{"192.0.2.100", "192.0.2.102"}
		if d := cmp.Diff(blocked, a.host.BlockedAddrs()); d != "" {
			t.Fatalf("blocked before the handover (-want +got):\n%s", d)
		}
		a.host.AddrChanges()
		a.host.Actions()

		next := handOver(t, a, conf(150, true), 5*time.Millisecond)
		wait(2 * time.Second)
		a.wantState("NA", vrrp.StateMaster, "VM", vrrp.StateMaster)
		b.wantState("NA", vrrp.StateBackup, "VM", vrrp.StateBackup, "BOTH", vrrp.StateMaster)
		want := []string{
			"firewall adopt keepalived",
			"vmacs adopt vrrp.52 vrrp.53",
			"vmac keep vrrp.52",
			"vmac rules VM#2 vrrp.52->eth0 v4=true v6=false",
		}
		if d := cmp.Diff(want, vmacActions(a.host.Actions())); d != "" {
			t.Errorf("VMAC and firewall actions of the handover (-want +got):\n%s", d)
		}
		// The dropped master released its VIP (as a reload removes it),
		// the kept ones changed nothing.
		if d := cmp.Diff([]string{"del 192.0.2.102/24 dev vrrp.53"}, a.host.AddrChanges()); d != "" {
			t.Errorf("address changes (-want +got):\n%s", d)
		}
		if d := cmp.Diff(blocked, a.host.BlockedAddrs()); d != "" {
			t.Errorf("blocked before Settle (-want +got):\n%s", d)
		}

		a.host.Actions()
		if err := next.Settle(); err != nil {
			t.Fatal(err)
		}
		want = []string{"firewall reconcile keepalived", "vmac del vrrp.53"}
		if d := cmp.Diff(want, vmacActions(a.host.Actions())); d != "" {
			t.Errorf("Settle's actions (-want +got):\n%s", d)
		}
		if d := cmp.Diff([]string{"192.0.2.100"}, a.host.BlockedAddrs()); d != "" {
			t.Errorf("blocked after Settle (-want +got):\n%s", d)
		}
		a.wantState("NA", vrrp.StateMaster, "VM", vrrp.StateMaster)

		a.host.Actions()
		if err := next.Close(); err != nil {
			t.Fatal(err)
		}
		want = []string{"del 192.0.2.101/24 dev vrrp.52", "del 192.0.2.100/24 dev eth0", "unblock NA#1", "vmac del vrrp.52",
			"firewall close keepalived"}
		got := a.host.Actions()
		// The instances stop side by side: NA removes its VIP before it
		// lifts its block, VM's removal falls anywhere among those.
		if i, j := slices.Index(got, want[1]), slices.Index(got, want[2]); i < 0 || j < i {
			t.Errorf("NA lifted its block before removing its VIP: %q", got)
		}
		if len(got) >= 3 {
			slices.Sort(got[:3])
		}
		slices.Sort(want[:3])
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("the final stop's actions (-want +got):\n%s", d)
		}
	})
}

// TestHandoverRefusesTableChange: a hot upgrade applies its configuration
// as a reload would, and a reload cannot rename the nftables table: the
// new engine refuses the state, the old one thaws and runs on.
func TestHandoverRefusesTableChange(t *testing.T) {
	onSegment(t, func(t *testing.T, seg *vrrptest.Segment) {
		a := newNode(t, seg, "192.0.2.1/24")
		conf := instance("NA", 51, 150, "192.0.2.100/24", "no_accept")
		a.start(conf, engine.Options{})
		wait(5 * time.Second)
		next := engine.New(load(t, "global_defs {\n  nftables other\n}\n"+conf), a.host.Engine(), engine.Options{})
		if err := next.Prepare(); err != nil {
			t.Fatal(err)
		}
		st, err := a.eng.Freeze(t.Context(), nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := next.Resume(st, st.At); err == nil {
			t.Error("the new engine resumed with another table name")
		}
		next.Abandon()
		if err := a.eng.Thaw(); err != nil {
			t.Fatal(err)
		}
		wait(2 * time.Second)
		a.wantState("NA", vrrp.StateMaster)
		if d := cmp.Diff([]string{"192.0.2.100"}, a.host.BlockedAddrs()); d != "" {
			t.Errorf("blocked (-want +got):\n%s", d)
		}
	})
}
