package parser

import (
	"testing"

	"github.com/goalived/goalived/config"
)

// TestGlobalFirewall: the nftables globals, vrrp_iptables and the VMAC
// name prefixes as keepalived 2.2.7 reads them (its messages were taken
// from keepalived -t on the same lines).
func TestGlobalFirewall(t *testing.T) {
	type fw struct {
		Table              string
		Prio               int
		Counters, Ifindex  bool
		VMACPfx, VMACAddrP string
	}
	get := func(c *config.Config) any {
		g := c.Global
		return fw{g.Nftables, g.NftablesPriority, g.NftablesCounters, g.NftablesIfindex, g.VMACPrefix, g.VMACAddrPrefix}
	}
	cases := []kwCase{
		{name: "defaults", src: globalConf(""), get: get, want: fw{Prio: -1}},
		{name: "bare nftables", src: globalConf("nftables"), get: get, want: fw{Table: "keepalived", Prio: -1}},
		{name: "named with priority and flags", src: globalConf("nftables mytable\nnftables_priority -50\nnftables_counters\nnftables_ifindex"),
			get: get, want: fw{Table: "mytable", Prio: -50, Counters: true, Ifindex: true}},
		// keepalived's nftables handler resets the priority.
		{name: "priority before nftables is lost", src: globalConf("nftables_priority -50\nnftables abc"), get: get, want: fw{Table: "abc", Prio: -1}},
		{name: "priority without nftables", src: globalConf("nftables_priority 10"), get: get, want: fw{Prio: 10}},
		{name: "second nftables", src: globalConf("nftables abc\nnftables def"), get: get, want: fw{Table: "abc", Prio: -1},
			diags: []string{"warning: nftables: nftables already specified - ignoring"}},
		{name: "bad priority", src: globalConf("nftables_priority xyz"), get: get, want: fw{Prio: -1},
			diags: []string{"warning: nftables_priority: invalid nftables chain priority 'xyz'"}},
		{name: "priority beyond int32", src: globalConf("nftables_priority 2147483648"), get: get, want: fw{Prio: -1},
			diags: []string{"warning: nftables_priority: invalid nftables chain priority '2147483648'"}},
		{name: "vrrp_iptables", src: globalConf("vrrp_iptables MYIN MYOUT"), get: get, want: fw{Table: "keepalived", Prio: -1},
			diags: []string{"warning: vrrp_iptables: iptables not supported, using nftables instead. Please replace 'vrrp_iptables and 'vrrp_ipsets' with 'nftables' config option"}},
		{name: "vrrp_iptables then nftables", src: globalConf("vrrp_iptables\nnftables other"), get: get, want: fw{Table: "keepalived", Prio: -1},
			diags: []string{
				"warning: vrrp_iptables: iptables not supported, using nftables instead. Please replace 'vrrp_iptables and 'vrrp_ipsets' with 'nftables' config option",
				"warning: nftables: nftables already specified - ignoring",
			}},
		{name: "vmac prefixes", src: globalConf("vmac_prefix vr\nvmac_addr_prefix va\nvmac_prefix x"), get: get, want: fw{Prio: -1, VMACPfx: "vr", VMACAddrP: "va"},
			diags: []string{"warning: vmac_prefix: vmac prefix has already been specified - ignoring x"}},
		{name: "vmac prefix missing", src: globalConf("vmac_addr_prefix"), get: get, want: fw{Prio: -1},
			diags: []string{"warning: vmac_addr_prefix: missing value"}},
		{name: "flag with a word", src: globalConf("nftables_counters yes"), get: get, want: fw{Prio: -1, Counters: true},
			diags: []string{"note: nftables_counters: extra words after 'nftables_counters' ignored: yes"}},
	}
	runCases(t, cases)
}
