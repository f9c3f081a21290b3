package netif

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/nftables/expr"
)

// debugExpr renders one expression the way `nft --debug=netlink list
// ruleset` (libnftnl) prints it, for the kinds buildTable uses.
func debugExpr(t *testing.T, e expr.Any) string {
	t.Helper()
	switch e := e.(type) {
	case *expr.Payload:
		base := map[expr.PayloadBase]string{expr.PayloadBaseLLHeader: "link", expr.PayloadBaseNetworkHeader: "network", expr.PayloadBaseTransportHeader: "transport"}[e.Base]
		return fmt.Sprintf("[ payload load %db @ %s header + %d => reg %d ]", e.Len, base, e.Offset, e.DestRegister)
	case *expr.Cmp:
		return fmt.Sprintf("[ cmp eq reg %d %s ]", e.Register, words(e.Data))
	case *expr.Meta:
		key := map[expr.MetaKey]string{expr.MetaKeyL4PROTO: "l4proto", metaKeyOIFKIND: "oifkind", expr.MetaKeyOIF: "oif",
			expr.MetaKeyIIF: "iif", expr.MetaKeyIIFNAME: "iifname", expr.MetaKeyOIFNAME: "oifname"}[e.Key]
		return fmt.Sprintf("[ meta load %s => reg %d ]", key, e.Register)
	case *expr.Lookup:
		dreg := ""
		if e.IsDestRegSet {
			dreg = fmt.Sprintf("dreg %d ", e.DestRegister)
		}
		return fmt.Sprintf("[ lookup reg %d set %s %s0x0 ]", e.SourceRegister, e.SetName, dreg)
	case *expr.Bitwise:
		return fmt.Sprintf("[ bitwise reg %d = ( reg %d & %s ) ^ %s ]", e.DestRegister, e.SourceRegister, words(e.Mask), words(e.Xor))
	case *expr.Counter:
		return "[ counter pkts 0 bytes 0 ]"
	case *expr.Dup:
		return fmt.Sprintf("[ dup sreg_addr %d sreg_dev %d ]", e.RegAddr, e.RegDev)
	case *expr.Verdict:
		v := map[expr.VerdictKind]string{expr.VerdictDrop: "drop", expr.VerdictAccept: "accept", expr.VerdictGoto: "goto -> " + e.Chain}[e.Kind]
		return "[ immediate reg 0 " + v + " ]"
	}
	t.Fatalf("no debug rendering for %T", e)
	return ""
}

// words prints data as libnftnl does: 32-bit words in host order.
func words(b []byte) string {
	var out []string
	for i := 0; i < len(b); i += 4 {
		w := make([]byte, 4)
		copy(w, b[i:])
		out = append(out, fmt.Sprintf("0x%08x", binary.LittleEndian.Uint32(w)))
	}
	return strings.Join(out, " ")
}

var (
	ruleHeader = regexp.MustCompile(`^(ip6?) \S+ (\S+) \d+( \d+)?$`)
	counterRe  = regexp.MustCompile(`counter pkts \d+ bytes \d+`)
)

// keepalivedRules reads the rules of a `nft --debug=netlink list ruleset`
// capture of keepalived 2.2.7, by "family chain", in order.
func keepalivedRules(t *testing.T, file string) map[string][][]string {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "keepalived", file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][][]string{}
	var cur string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := sc.Text()
		if m := ruleHeader.FindStringSubmatch(l); m != nil {
			cur = m[1] + " " + m[2]
			out[cur] = append(out[cur], nil)
			continue
		}
		if strings.HasPrefix(l, "ip") { // a set's elements
			cur = ""
			continue
		}
		if cur != "" && strings.HasPrefix(l, "  [") {
			rs := out[cur]
			rs[len(rs)-1] = append(rs[len(rs)-1], counterRe.ReplaceAllString(strings.TrimSpace(l), "counter pkts 0 bytes 0"))
		}
	}
	return out
}

// TestBuildTableMatchesKeepalived compares, expression by expression, the
// rules buildTable makes with those keepalived 2.2.7 installed for VMAC
// instances with no_accept in both families and link-local VIPs matched
// by name and by index (testdata/keepalived/fw-*.debug).
func TestBuildTableMatchesKeepalived(t *testing.T) {
	all := fwFeatures{vmac: true, vips: true, llName: true, llIndex: true}
	for _, tc := range []struct {
		file     string
		counters bool
	}{{"fw-plain.debug", false}, {"fw-counters.debug", true}} {
		t.Run(tc.file, func(t *testing.T) {
			got := map[string][][]string{}
			for _, v6 := range []bool{false, true} {
				tab := buildTable(FirewallConfig{Counters: tc.counters}, v6, all)
				fam := map[bool]string{false: "ip", true: "ip6"}[v6]
				for _, r := range tab.rules {
					var lines []string
					for _, e := range r.Exprs {
						lines = append(lines, debugExpr(t, e))
					}
					k := fam + " " + r.Chain.Name
					got[k] = append(got[k], lines)
				}
			}
			if diff := cmp.Diff(keepalivedRules(t, tc.file), got); diff != "" {
				t.Errorf("rules by chain (-keepalived +goalived):\n%s", diff)
			}
		})
	}
}

// TestBuildTableChainsAndSets checks the structure per feature set: which
// chains and sets exist, their hooks and priority, as keepalived lists
// them.
func TestBuildTableChainsAndSets(t *testing.T) {
	prio := int32(-50)
	for _, tc := range []struct {
		name string
		cfg  FirewallConfig
		v6   bool
		f    fwFeatures
		want []string
	}{
		{"ipv4 vips", FirewallConfig{}, false, fwFeatures{vips: true},
			[]string{"table ip keepalived", "chain out output -1", "chain in input -1", "set vips ipv4_addr"}},
		{"ipv4 vmac, own table and priority", FirewallConfig{Table: "mytable", Priority: &prio}, false, fwFeatures{vmac: true},
			[]string{"table ip mytable", "chain out output -50", "set vmac_map iface_index map"}},
		{"ipv6 global vips", FirewallConfig{}, true, fwFeatures{vips: true},
			[]string{"table ip6 keepalived", "chain out output -1", "chain in input -1", "chain in_link_local", "chain out_link_local",
				"set vips ipv6_addr", "set neighbor-discovery icmpv6_type constant"}},
		{"ipv6 link-local by index only", FirewallConfig{}, true, fwFeatures{llIndex: true},
			[]string{"table ip6 keepalived", "chain out output -1", "chain in input -1", "chain in_link_local", "chain out_link_local",
				"set vips ipv6_addr", "set neighbor-discovery icmpv6_type constant", "set vips_link_local ipv6_addr . iface_index"}},
		{"ipv6 vmac", FirewallConfig{}, true, fwFeatures{vmac: true},
			[]string{"table ip6 keepalived", "chain out output -1", "set vmac_map iface_index map", "set vmac_set iface_index"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tab := buildTable(tc.cfg, tc.v6, tc.f)
			fam := map[bool]string{false: "ip", true: "ip6"}[tc.v6]
			got := []string{"table " + fam + " " + tab.table.Name}
			for _, c := range tab.chains {
				s := "chain " + c.Name
				if c.Hooknum != nil {
					s += fmt.Sprintf(" %s %d", map[bool]string{true: "input", false: "output"}[*c.Hooknum == 1], *c.Priority)
				}
				got = append(got, s)
			}
			for _, s := range tab.sets {
				d := "set " + s.Name + " " + s.KeyType.Name
				if s.Constant {
					d += " constant"
				}
				if s.IsMap {
					d += " map"
				}
				got = append(got, d)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("structure (-want +got):\n%s", diff)
			}
		})
	}
}
