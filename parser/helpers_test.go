package parser

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/parser/syntax"
)

// cmpOpts compare netip values and skip the builder's private fields.
var cmpOpts = cmp.Options{
	cmpopts.EquateComparable(netip.Addr{}, netip.Prefix{}),
	cmpopts.IgnoreUnexported(config.Instance{}, config.VRRPScript{}, config.SyncGroup{}, config.Command{}),
}

// testOptions makes loads independent of the host: every interface exists
// except names starting with "nosuch", every user and group exists except
// names starting with "nosuch" and keepalived_script.
func testOptions() Options {
	exists := func(name string) bool { return len(name) < 6 || name[:6] != "nosuch" }
	return Options{
		InterfaceExists: exists,
		LookupUser:      func(n string) bool { return exists(n) && n != "keepalived_script" },
		LookupGroup:     exists,
		ScriptUsable:    func(argv0 string) bool { return len(argv0) < 7 || argv0[:7] != "/nosuch" },
		Hostname:        "testhost",
		Username:        "tester",
		ConfigID:        "testhost",
		RandomSeed:      1,
	}
}

func load(t testing.TB, src string) (*config.Config, Diagnostics) {
	t.Helper()
	return LoadBytes("test.conf", []byte(src), testOptions())
}

// noVIPWarning is what every instance without addresses gets; most table
// cases leave out virtual_ipaddress, so diagStrings drops it
// (TestNoVIPWarning checks it).
const noVIPWarning = "(VI_1) No VIP specified; at least one is sensible"

// notYetSuffix ends the warning of every notYet entry; the keyword cases
// are about values, so diagStrings drops it too (TestNotYetTable and the
// golden files check it).
const notYetSuffix = "is not supported by goalived yet, ignored"

// diagStrings renders diagnostics without positions: "severity: keyword: msg".
func diagStrings(ds Diagnostics) []string {
	var out []string
	for _, d := range ds {
		if strings.HasSuffix(d.Msg, "No VIP specified; at least one is sensible") || strings.Contains(d.Msg, notYetSuffix) {
			continue
		}
		out = append(out, fmt.Sprintf("%s: %s: %s", d.Severity, d.Keyword, d.Msg))
	}
	return out
}

// instanceConf wraps instance keywords into a minimal valid configuration.
func instanceConf(body string) string {
	return "global_defs {\n enable_script_security\n script_user root\n}\nvrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n" + body + "\n}\n"
}

// kwCase is one table case: a configuration, what to read from the
// model, its expected value and the expected diagnostics.
type kwCase struct {
	name  string
	src   string
	get   func(c *config.Config) any
	want  any
	diags []string
}

func runCases(t *testing.T, cases []kwCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg, diags := load(t, tc.src)
			if diff := cmp.Diff(tc.diags, diagStrings(diags)); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s", diff)
			}
			if tc.get == nil {
				return
			}
			if diff := cmp.Diff(tc.want, tc.get(cfg), cmpOpts); diff != "" {
				t.Errorf("value (-want +got):\n%s", diff)
			}
		})
	}
}

// vi1 returns instance VI_1 or nil.
func vi1(c *config.Config) *config.Instance { return c.Instance("VI_1") }

// pos is a position in test.conf at column 1.
func pos(line int) syntax.Pos {
	if line == 0 {
		return syntax.Pos{}
	}
	return syntax.Pos{File: "test.conf", Line: line, Col: 1}
}
