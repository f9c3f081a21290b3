package netif_test

import (
	"fmt"
	"math/bits"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/goalived/goalived/netif"
	"github.com/goalived/goalived/netif/nstest"
)

// normaliseRuleset makes two `nft list ruleset` outputs comparable: set
// elements are listed in hash order (sorted here, multi-line lists
// joined), counter values differ, and blank lines carry nothing.
func normaliseRuleset(s string) string {
	var out []string
	lines := strings.Split(s, "\n")
	for i := 0; i < len(lines); i++ {
		l := strings.TrimSpace(lines[i])
		if l == "" {
			continue
		}
		if strings.HasPrefix(l, "elements = {") {
			for !strings.HasSuffix(l, "}") && i+1 < len(lines) {
				i++
				l += " " + strings.TrimSpace(lines[i])
			}
			items := strings.Split(strings.TrimSuffix(strings.TrimPrefix(l, "elements = {"), "}"), ",")
			for j := range items {
				items[j] = strings.TrimSpace(items[j])
			}
			slices.Sort(items)
			l = "elements = { " + strings.Join(items, ", ") + " }"
		}
		if j := strings.Index(l, "counter packets "); j >= 0 {
			rest := strings.Fields(l[j:]) // counter packets N bytes N verdict...
			l = l[:j] + "counter " + strings.Join(rest[5:], " ")
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

// keepalivedState is the firewall state of keepalived 2.2.7's capture in
// testdata/keepalived/fw-*.nft: instance V4 (VRID 51, use_vmac,
// no_accept, 192.0.2.100/24 and 192.0.2.101/32) and V6 (VRID 52, VRRPv3,
// use_vmac, no_accept, dont_track_primary, fe80::100/64 and
// 2001:db8::100/64, excluded fe80::200/64 dev lo), both master.
func keepalivedState(t *testing.T, lab *nstest.Lab, fw *netif.Firewall) {
	t.Helper()
	idx := func(name string) int { return ifindex(t, lab, 0, name) }
	steps := []error{
		fw.SetVMAC("vrrp.51", []netif.VMACLink{{Ifindex: idx("vrrp.51"), BaseIfindex: idx("eth0"), IPv4: true}}),
		fw.SetVMAC("vrrp.52", []netif.VMACLink{{Ifindex: idx("vrrp.52"), BaseIfindex: idx("eth0"), IPv6: true}}),
		fw.SetBlocked("V4", []netif.Blocked{{Addr: netip.MustParseAddr("192.0.2.100")}, {Addr: netip.MustParseAddr("192.0.2.101")}}),
		fw.SetBlocked("V6", []netif.Blocked{
			{Addr: netip.MustParseAddr("fe80::100"), Dev: "vrrp.52", Ifindex: idx("vrrp.52"), ByName: true},
			{Addr: netip.MustParseAddr("2001:db8::100")},
			{Addr: netip.MustParseAddr("fe80::200"), Dev: "lo", Ifindex: idx("lo")},
		}),
	}
	for _, err := range steps {
		if err != nil {
			t.Fatal(err)
		}
	}
}

func ifindex(t *testing.T, lab *nstest.Lab, i int, name string) int {
	t.Helper()
	var n int
	lab.Do(i, func() { n = mustIfi(t, name).Index })
	return n
}

// addMacvlans creates the VMAC interfaces of keepalived's capture, so
// that nft prints the same names.
func addMacvlans(t *testing.T, lab *nstest.Lab, names ...string) {
	t.Helper()
	for _, n := range names {
		lab.Exec(0, "ip", "link", "add", n, "link", "eth0", "type", "macvlan", "mode", "private")
	}
}

func openFirewall(t *testing.T, lab *nstest.Lab, i int, cfg netif.FirewallConfig) *netif.Firewall {
	t.Helper()
	var fw *netif.Firewall
	lab.Do(i, func() {
		var err error
		if fw, err = netif.OpenFirewall(cfg); err != nil {
			t.Fatal(err)
		}
	})
	t.Cleanup(func() { fw.Close() })
	return fw
}

// TestIntegrationFirewallMatchesKeepalived installs the state of a
// keepalived 2.2.7 capture and compares `nft list ruleset` with it, with
// and without nftables_counters.
func TestIntegrationFirewallMatchesKeepalived(t *testing.T) {
	for _, tc := range []struct {
		file     string
		counters bool
	}{{"fw-plain.nft", false}, {"fw-counters.nft", true}} {
		t.Run(tc.file, func(t *testing.T) {
			lab := nstest.New(t, nstest.Hosts(1))
			addMacvlans(t, lab, "vrrp.51", "vrrp.52")
			fw := openFirewall(t, lab, 0, netif.FirewallConfig{Counters: tc.counters})
			keepalivedState(t, lab, fw)
			want, err := os.ReadFile(filepath.Join("testdata", "keepalived", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			// A documented difference: keepalived tags vmac_map with the
			// data byte order (host), which github.com/google/nftables
			// cannot write, so nft prints the base interface's index
			// read as big endian instead of its name. The bytes in the
			// kernel, and what dup does with them, are the same.
			base := fmt.Sprint(bits.ReverseBytes32(uint32(ifindex(t, lab, 0, "eth0"))))
			wantText := strings.ReplaceAll(string(want), `: "eth0"`, ": "+base)
			got := lab.Exec(0, "nft", "list", "ruleset")
			if diff := cmp.Diff(normaliseRuleset(wantText), normaliseRuleset(got)); diff != "" {
				t.Errorf("nft list ruleset (-keepalived +goalived):\n%s", diff)
			}
			if err := fw.Close(); err != nil {
				t.Fatal(err)
			}
			if got := lab.Exec(0, "nft", "list", "ruleset"); strings.TrimSpace(got) != "" {
				t.Errorf("ruleset after Close:\n%s", got)
			}
		})
	}
}
