package netif_test

import (
	"encoding/json"
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/goalived/goalived/netif"
	"github.com/goalived/goalived/netif/nstest"
)

// setElements lists the elements of one set of the keepalived table.
func setElements(t *testing.T, lab *nstest.Lab, family, set string) string {
	t.Helper()
	out := lab.Exec(0, "nft", "list", "set", family, "keepalived", set)
	_, elems, ok := strings.Cut(out, "elements = {")
	if !ok {
		return ""
	}
	elems, _, _ = strings.Cut(elems, "}")
	return strings.Join(strings.Fields(elems), " ")
}

// TestIntegrationFirewallAdopt: a hot upgrade's new process adopts the
// old one's table. Adopting changes nothing, nor do declarations that
// cover only part of it; what the old process withdraws meanwhile (an
// instance the new configuration dropped) does not upset the new one's
// next change; Reconcile then leaves exactly what was declared; a change
// after another process deleted elements behind its back still applies;
// Close deletes the table.
func TestIntegrationFirewallAdopt(t *testing.T) {
	lab := nstest.New(t, nstest.Hosts(1))
	addMacvlans(t, lab, "vrrp.51", "vrrp.52")
	old := openFirewall(t, lab, 0, netif.FirewallConfig{Counters: true})
	keepalivedState(t, lab, old)
	ruleset := normaliseRuleset(lab.Exec(0, "nft", "list", "ruleset"))

	var fw *netif.Firewall
	lab.Do(0, func() {
		var err error
		if fw, err = netif.AdoptFirewall(netif.FirewallConfig{Counters: true}); err != nil {
			t.Fatal(err)
		}
	})
	t.Cleanup(func() { fw.Close() })
	if d := cmp.Diff(ruleset, normaliseRuleset(lab.Exec(0, "nft", "list", "ruleset"))); d != "" {
		t.Fatalf("ruleset changed by the adoption (-before +after):\n%s", d)
	}
	v4 := []netif.Blocked{{Addr: netip.MustParseAddr("192.0.2.100")}, {Addr: netip.MustParseAddr("192.0.2.101")}}
	idx := func(name string) int { return ifindex(t, lab, 0, name) }
	vmac51 := []netif.VMACLink{{Ifindex: idx("vrrp.51"), BaseIfindex: idx("eth0"), IPv4: true}}
	for _, err := range []error{fw.SetBlocked("V4", v4), fw.SetVMAC("vrrp.51", vmac51)} {
		if err != nil {
			t.Fatal(err)
		}
	}
	if d := cmp.Diff(ruleset, normaliseRuleset(lab.Exec(0, "nft", "list", "ruleset"))); d != "" {
		t.Errorf("ruleset changed by declarations it held (-before +after):\n%s", d)
	}

	// The old process stops an instance the new one does not have,
	// lifting its rules, and then the new one changes its own.
	if err := old.SetBlocked("V6", nil); err != nil {
		t.Fatal(err)
	}
	if err := fw.SetBlocked("V4", v4[:1]); err != nil {
		t.Fatalf("a change after the old process changed the table: %v", err)
	}
	if err := fw.SetBlocked("V4", v4); err != nil {
		t.Fatal(err)
	}
	if err := fw.Reconcile(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ family, set, want string }{
		{"ip", "vips", "192.0.2.100, 192.0.2.101"},
		{"ip6", "vips", ""},
		{"ip6", "vips_link_local", ""},
		{"ip6", "vips_link_local_name", ""},
		{"ip6", "vmac_set", ""},
	} {
		if got := setElements(t, lab, tc.family, tc.set); got != tc.want {
			t.Errorf("%s %s after Reconcile: %q, want %q", tc.family, tc.set, got, tc.want)
		}
	}
	if got := lab.Exec(0, "nft", "list", "map", "ip", "keepalived", "vmac_map"); !strings.Contains(got, "elements = {") {
		t.Errorf("vrrp.51's multicast rule gone:\n%s", got)
	}

	// Changed behind its back (the old process thawing after the new one
	// failed): the batch that deletes an element already gone is refused,
	// and made again from what the kernel holds.
	if err := old.SetBlocked("V4", nil); err != nil {
		t.Fatal(err)
	}
	if err := fw.SetBlocked("V4", v4[:1]); err != nil {
		t.Fatalf("a change after another process changed the table: %v", err)
	}
	if got := setElements(t, lab, "ip", "vips"); got != "192.0.2.100" {
		t.Errorf("ip vips: %q, want 192.0.2.100", got)
	}
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	if got := lab.Exec(0, "nft", "list", "ruleset"); strings.TrimSpace(got) != "" {
		t.Errorf("ruleset after Close:\n%s", got)
	}
}

// TestIntegrationVMACAdopt: a hot upgrade's new process adopts the old
// one's VMAC with the kernel settings' originals (through JSON, as
// between processes): Ensure keeps the interface (same index, still up)
// and the settings, and Close deletes it and puts every setting back as
// it was before the old process made the VMAC.
func TestIntegrationVMACAdopt(t *testing.T) {
	lab := nstest.New(t, nstest.Hosts(1))
	lab.Exec(0, "sysctl", "-qw", "net.ipv4.conf.all.rp_filter=1")
	before := sysctlIn(t, lab, 0, vmacSysctlKeys...)
	v := netif.VMAC{Name: "vrrp.51", Base: "eth0", MAC: netif.VirtualMAC(51, false)}
	var saved []byte
	var idx int
	lab.Do(0, func() {
		old, err := netif.OpenVMACs()
		if err != nil {
			t.Fatal(err)
		}
		if idx, err = old.Ensure(v); err != nil {
			t.Fatal(err)
		}
		if saved, err = json.Marshal(old.Saved()); err != nil {
			t.Fatal(err)
		}
		// The old process exits without closing.
	})
	made := sysctlIn(t, lab, 0, vmacSysctlKeys...)
	var s netif.VMACsSaved
	if err := json.Unmarshal(saved, &s); err != nil {
		t.Fatal(err)
	}
	var vm *netif.VMACs
	lab.Do(0, func() {
		var err error
		if vm, err = netif.AdoptVMACs(s); err != nil {
			t.Fatal(err)
		}
		got, err := vm.Ensure(v)
		if err != nil {
			t.Fatal(err)
		}
		if got != idx {
			t.Errorf("ifindex %d after adoption, want %d (the same interface)", got, idx)
		}
	})
	t.Cleanup(func() { vm.Close() })
	if d := cmp.Diff(made, sysctlIn(t, lab, 0, vmacSysctlKeys...)); d != "" {
		t.Errorf("settings changed by the adoption (-before +after):\n%s", d)
	}
	if out := lab.Exec(0, "ip", "-d", "link", "show", "vrrp.51"); !strings.Contains(out, ",UP,") {
		t.Errorf("vrrp.51 not up:\n%s", out)
	}
	lab.Do(0, func() {
		if err := vm.Close(); err != nil {
			t.Fatal(err)
		}
	})
	if out := lab.Exec(0, "ip", "-o", "link", "show"); strings.Contains(out, "vrrp.51") {
		t.Errorf("VMAC left after Close:\n%s", out)
	}
	if d := cmp.Diff(before, sysctlIn(t, lab, 0, vmacSysctlKeys...)); d != "" {
		t.Errorf("sysctls after Close (-before +after):\n%s", d)
	}
}
