package engine_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/goalived/goalived/engine"
	"github.com/goalived/goalived/netif"
	"github.com/goalived/goalived/vrrp"
	"github.com/goalived/goalived/vrrp/vrrptest"
)

// actionsMatching keeps the host's actions that start with one of
// prefixes.
func actionsMatching(acts []string, prefixes ...string) []string {
	var out []string
	for _, a := range acts {
		for _, p := range prefixes {
			if strings.HasPrefix(a, p) {
				out = append(out, a)
				break
			}
		}
	}
	return out
}

// firewallActions keeps the actions on the firewall and on the VIP
// 192.0.2.100.
func firewallActions(acts []string) []string {
	return actionsMatching(acts, "firewall", "block", "unblock", "add 192.0.2.100/", "del 192.0.2.100/")
}

// flap takes link down, expects instance inst in FAULT, brings the link
// up and expects the instance master again.
func (n *node) flap(link, inst string) {
	n.t.Helper()
	n.host.SetLink(link, false)
	wait(time.Second)
	n.wantState(inst, vrrp.StateFault)
	n.host.SetLink(link, true)
	wait(5 * time.Second)
	n.wantState(inst, vrrp.StateMaster)
}

// TestAcceptModeOrder: a no_accept master sets its drop rules before it
// adds its VIPs and lifts them after it removed them (a FAULT, then the
// stop), as keepalived 2.2.7 does; its table (keepalived's, since no
// nftables line names one) is opened at start and deleted at stop. The
// backup, which accepts, never blocks anything and opens no table.
func TestAcceptModeOrder(t *testing.T) {
	onSegment(t, func(t *testing.T, seg *vrrptest.Segment) {
		a := newNode(t, seg, "192.0.2.1/24")
		b := newNode(t, seg, "192.0.2.2/24")
		a.start(instance("VI_1", 51, 150, "192.0.2.100/32", "no_accept"), engine.Options{})
		b.start(instance("VI_1", 51, 100, "192.0.2.100/32"), engine.Options{})
		wait(5 * time.Second)
		a.wantState("VI_1", vrrp.StateMaster)
		a.flap("eth0", "VI_1")
		if err := a.eng.Close(); err != nil {
			t.Fatal(err)
		}
		want := []string{
			"firewall open keepalived priority -1 counters false",
			"block VI_1#1 192.0.2.100",
			"add 192.0.2.100/32 dev eth0",
			"del 192.0.2.100/32 dev eth0",
			"unblock VI_1#1",
			"block VI_1#1 192.0.2.100",
			"add 192.0.2.100/32 dev eth0",
			"del 192.0.2.100/32 dev eth0",
			"unblock VI_1#1",
			"firewall close keepalived",
		}
		if d := cmp.Diff(want, firewallActions(a.host.Actions())); d != "" {
			t.Errorf("a's actions (-want +got):\n%s", d)
		}
		if fw := b.host.Firewall(); fw.Config != (netif.FirewallConfig{}) {
			t.Errorf("b opened a firewall: %+v", fw)
		}
	})
}

// TestAcceptModeWhoBlocks: which instances block, and how the table is
// configured, for keepalived's combinations of no_accept, strict mode,
// the owner, VRRPv3 and the nftables globals.
func TestAcceptModeWhoBlocks(t *testing.T) {
	prio := func(p int32) *int32 { return &p }
	tests := []struct {
		name    string
		global  string
		extra   []string
		prio    int
		want    []string
		wantCfg netif.FirewallConfig // zero: no table opened
	}{
		{name: "accept by default", prio: 150},
		{name: "no_accept", prio: 150, extra: []string{"no_accept"}, want: []string{"192.0.2.100"},
			wantCfg: netif.FirewallConfig{Priority: prio(-1)}},
		{name: "owner with no_accept", prio: 255, extra: []string{"no_accept"}, wantCfg: netif.FirewallConfig{Priority: prio(-1)}},
		{name: "strict v2", global: "vrrp_strict", prio: 150, want: []string{"192.0.2.100"}, wantCfg: netif.FirewallConfig{Priority: prio(-1)}},
		// keepalived resets accept for VRRPv2 in strict mode.
		{name: "strict v2 accept", global: "vrrp_strict", prio: 150, extra: []string{"accept"}, want: []string{"192.0.2.100"},
			wantCfg: netif.FirewallConfig{Priority: prio(-1)}},
		{name: "strict v3 accept", global: "vrrp_strict", prio: 150, extra: []string{"version 3", "accept"}},
		{name: "strict owner", global: "vrrp_strict", prio: 255},
		{name: "nftables named", global: "nftables mytable\nnftables_priority -50\nnftables_counters", prio: 150,
			extra: []string{"no_accept"}, want: []string{"192.0.2.100"},
			wantCfg: netif.FirewallConfig{Table: "mytable", Priority: prio(-50), Counters: true}},
		{name: "nftables without no_accept", global: "nftables", prio: 150,
			wantCfg: netif.FirewallConfig{Table: "keepalived", Priority: prio(-1)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			onSegment(t, func(t *testing.T, seg *vrrptest.Segment) {
				a := newNode(t, seg, "192.0.2.1/24")
				conf := instance("VI_1", 51, tc.prio, "192.0.2.100/32", tc.extra...)
				if tc.global != "" {
					conf = "global_defs {\n" + tc.global + "\n}\n" + conf
				}
				a.start(conf, engine.Options{})
				wait(5 * time.Second)
				a.wantState("VI_1", vrrp.StateMaster)
				if d := cmp.Diff(tc.want, a.host.BlockedAddrs()); d != "" {
					t.Errorf("blocked (-want +got):\n%s", d)
				}
				if d := cmp.Diff(tc.wantCfg, a.host.Firewall().Config); d != "" {
					t.Errorf("table (-want +got):\n%s", d)
				}
			})
		})
	}
}

// TestAcceptModeLinkLocal: an IPv6 link-local VIP is blocked on its
// interface, by name when keepalived 2.2.7 matches it so
// (dont_track_primary without nftables_ifindex), else by index; the
// excluded VIPs are blocked too.
func TestAcceptModeLinkLocal(t *testing.T) {
	for _, tc := range []struct {
		name, global string
		extra        []string
		want         []string
	}{
		{name: "by index", want: []string{"2001:db8::100", "2001:db8::200", "fe80::100%eth0#1"}},
		{name: "by name", extra: []string{"dont_track_primary"}, want: []string{"2001:db8::100", "2001:db8::200", "fe80::100%eth0(name)"}},
		{name: "nftables_ifindex", global: "global_defs {\nnftables_ifindex\n}\n", extra: []string{"dont_track_primary"},
			want: []string{"2001:db8::100", "2001:db8::200", "fe80::100%eth0#1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			onSegment(t, func(t *testing.T, seg *vrrptest.Segment) {
				a := newNode(t, seg, "fe80::1/64", "2001:db8::1/64")
				extra := append([]string{"no_accept", "virtual_ipaddress_excluded {\n 2001:db8::200/64\n}"}, tc.extra...)
				a.start(tc.global+instance("V6", 52, 150, "fe80::100/64\n 2001:db8::100/64", extra...), engine.Options{})
				wait(5 * time.Second)
				a.wantState("V6", vrrp.StateMaster)
				if d := cmp.Diff(tc.want, a.host.BlockedAddrs()); d != "" {
					t.Errorf("blocked (-want +got):\n%s", d)
				}
			})
		})
	}
}

// TestAcceptModeReload: a reload that removes no_accept from a master
// lifts its block at once (keepalived 2.2.7 leaves the drop rules until
// the table is deleted, a documented difference); one that adds it
// blocks at once; one that changes the table name is refused, as
// keepalived refuses it.
func TestAcceptModeReload(t *testing.T) {
	onSegment(t, func(t *testing.T, seg *vrrptest.Segment) {
		a := newNode(t, seg, "192.0.2.1/24")
		a.start(instance("VI_1", 51, 150, "192.0.2.100/32", "no_accept"), engine.Options{})
		wait(5 * time.Second)
		a.wantState("VI_1", vrrp.StateMaster)
		a.host.Actions()

		res := a.reload(instance("VI_1", 51, 150, "192.0.2.100/32"))
		if d := cmp.Diff(engine.ReloadResult{Updated: []string{"VI_1"}}, res); d != "" {
			t.Errorf("reload (-want +got):\n%s", d)
		}
		if got := a.host.BlockedAddrs(); got != nil {
			t.Errorf("still blocked after no_accept left: %q", got)
		}
		res = a.reload(instance("VI_1", 51, 150, "192.0.2.100/32", "no_accept"))
		if d := cmp.Diff(engine.ReloadResult{Updated: []string{"VI_1"}}, res); d != "" {
			t.Errorf("reload (-want +got):\n%s", d)
		}
		if d := cmp.Diff([]string{"unblock VI_1#1", "block VI_1#1 192.0.2.100"}, firewallActions(a.host.Actions())); d != "" {
			t.Errorf("actions (-want +got):\n%s", d)
		}
		a.wantState("VI_1", vrrp.StateMaster)

		_, err := a.eng.Reload(load(t, "global_defs {\nnftables other\n}\n"+instance("VI_1", 51, 150, "192.0.2.100/32")))
		if err == nil || !strings.Contains(err.Error(), "cannot change nftables table name") {
			t.Errorf("reload to another table: %v, want it refused", err)
		}
		if got := a.host.BlockedAddrs(); len(got) != 1 {
			t.Errorf("refused reload changed the block: %q", got)
		}
	})
}

// TestAcceptModeFirewallFails: a firewall that cannot be opened (no
// nf_tables) is logged and the instances run without drop rules, as
// keepalived 2.2.7 logs its nftables errors and runs on.
func TestAcceptModeFirewallFails(t *testing.T) {
	onSegment(t, func(t *testing.T, seg *vrrptest.Segment) {
		a := newNode(t, seg, "192.0.2.1/24")
		a.host.FailFirewall(errors.New("nftables: operation not supported"))
		a.start(instance("VI_1", 51, 150, "192.0.2.100/32", "no_accept"), engine.Options{})
		wait(5 * time.Second)
		a.wantState("VI_1", vrrp.StateMaster)
		a.wantAddr("192.0.2.100/32", true)
		if !strings.Contains(a.log.String(), "nftables table not opened") {
			t.Errorf("not logged:\n%s", a.log)
		}
	})
}
