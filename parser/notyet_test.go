package parser

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// notYetCases hold one configuration per notYet entry; TestNotYetTable
// fails when an entry has none, so the table and the test stay together.
var notYetCases = []struct {
	keyword string
	src     string
	want    string // the warning, "keyword: message"
}{
	{"owner_ignore_adverts", instanceConf("owner_ignore_adverts"), ""},
	{"vrrp_owner_ignore_adverts", "global_defs {\n vrrp_owner_ignore_adverts true\n}\n", ""},
}

// notYetDiags returns the notYet warnings of a load as "keyword: message".
func notYetDiags(ds Diagnostics) []string {
	var out []string
	for _, d := range ds {
		if strings.Contains(d.Msg, notYetSuffix) {
			out = append(out, d.Keyword+": "+d.Msg)
		}
	}
	return out
}

// TestNotYetTable loads one line per entry and expects exactly one
// warning and one Config.Unsupported record marked NotYet.
func TestNotYetTable(t *testing.T) {
	covered := map[string]bool{}
	for _, tc := range notYetCases {
		covered[tc.keyword] = true
		t.Run(tc.keyword, func(t *testing.T) {
			want := tc.want
			if want == "" {
				want = tc.keyword + ": " + tc.keyword + " " + notYetSuffix
			}
			cfg, diags := load(t, tc.src)
			if d := cmp.Diff([]string{want}, notYetDiags(diags)); d != "" {
				t.Errorf("warnings (-want +got):\n%s\nall diagnostics:\n%s", d, diags)
			}
			var got []string
			for _, f := range cfg.Unsupported {
				if f.NotYet {
					got = append(got, f.Keyword)
				}
			}
			if d := cmp.Diff([]string{tc.keyword}, got); d != "" {
				t.Errorf("Config.Unsupported NotYet records (-want +got):\n%s", d)
			}
		})
	}
	for _, e := range notYet {
		if !covered[e.keyword] {
			t.Errorf("notYet entry %s %s has no case in notYetCases", e.block, e.keyword)
		}
	}
}

// TestNotYetQuiet: values asking for goalived's own behaviour, and the
// keywords the engine implements, are not reported.
func TestNotYetQuiet(t *testing.T) {
	for name, src := range map[string]string{
		"auth_type PASS":                  instanceConf("authentication {\n auth_type PASS\n auth_pass x\n}"),
		"auth_type AH":                    instanceConf("authentication {\n auth_type AH\n auth_pass x\n}"),
		"owner_ignore_adverts off":        instanceConf("owner_ignore_adverts off"),
		"vrrp_owner_ignore_adverts false": "global_defs {\n vrrp_owner_ignore_adverts false\n}\n",
		"accept":                          instanceConf("accept"),
		"no_accept then accept":           instanceConf("no_accept\naccept"),
		"strict owner accepts":            instanceConf("strict_mode\npriority 255\nvirtual_ipaddress {\n192.0.2.1\n}"),
		"strict v3 accept":                instanceConf("strict_mode\nversion 3\naccept\nvirtual_ipaddress {\n192.0.2.1\n}"),
		"implemented":                     instanceConf("unicast_src_ip 192.0.2.1\nunicast_peer {\n 192.0.2.2\n}\nnopreempt\ndont_track_primary\nvirtual_routes {\n 192.0.2.0/24 dev eth0\n}\nvirtual_rules {\n from 192.0.2.1 table 1 preference 10\n}"),
		"sync group smtp_alert": "global_defs {\n notification_email {\n ops@example.com\n }\n smtp_server 192.0.2.25\n smtp_alert\n}\n" +
			strings.TrimPrefix(instanceConf("virtual_ipaddress {\n192.0.2.1\n}"), "global_defs {\n enable_script_security\n script_user root\n}\n") +
			"vrrp_sync_group G {\n group {\n VI_1\n }\n smtp_alert\n}\nvrrp_sync_group H {\n group {\n VI_1\n }\n}\n",
		"implemented top level": "global_defs {\n default_interface eth1\n}\nstatic_ipaddress {\n 192.0.2.1/32 dev eth0\n}\nstatic_routes {\n 192.0.2.0/24 dev eth0\n}\nstatic_rules {\n from 192.0.2.1 table 1 preference 10\n}\n",
	} {
		_, diags := load(t, src)
		if got := notYetDiags(diags); len(got) != 0 {
			t.Errorf("%s: unexpected notYet warnings %q", name, got)
		}
	}
}

// TestNotYetEntries: each entry names a block with a keyword table, is
// listed once and is not also in the block's unsupported list.
func TestNotYetEntries(t *testing.T) {
	tables := map[string][]string{
		"top level":       topTable.unsupported,
		"global_defs":     globalTable.unsupported,
		"vrrp_instance":   instanceTable.unsupported,
		"authentication":  authTable.unsupported,
		"vrrp_sync_group": syncGroupTable.unsupported,
	}
	seen := map[string]bool{}
	for _, e := range notYet {
		unsupported, ok := tables[e.block]
		if !ok {
			t.Errorf("%s: unknown block %q", e.keyword, e.block)
			continue
		}
		for _, u := range unsupported {
			if u == e.keyword {
				t.Errorf("%s: also in the %s unsupported list", e.keyword, e.block)
			}
		}
		if seen[e.block+" "+e.keyword] {
			t.Errorf("%s %s listed twice", e.block, e.keyword)
		}
		seen[e.block+" "+e.keyword] = true
	}
}

// TestNotYetEngine reads engine/*.go (without tests and the state dumps,
// which print the configuration whatever is implemented) and fails when
// it mentions an entry's field: the engine acts on the keyword now, so
// the entry must leave the table.
func TestNotYetEngine(t *testing.T) {
	files, err := filepath.Glob("../engine/*.go")
	if err != nil || len(files) == 0 {
		t.Skipf("engine sources not found: %v", err)
	}
	var src strings.Builder
	for _, f := range files {
		base := filepath.Base(f)
		if strings.HasSuffix(base, "_test.go") || strings.HasPrefix(base, "dump_") {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		src.Write(data)
	}
	for _, e := range notYet {
		if e.field == "" {
			continue
		}
		if regexp.MustCompile(`\.` + e.field + `\b`).MatchString(src.String()) {
			t.Errorf("engine/*.go reads .%s: remove %s %s from the notYet table", e.field, e.block, e.keyword)
		}
	}
}
