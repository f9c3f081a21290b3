package parser

import (
	"net/netip"
	"testing"

	"github.com/goalived/goalived/config"
)

func vipConf(lines string) string {
	return instanceConf("virtual_ipaddress {\n" + lines + "\n}")
}

func TestVIPLines(t *testing.T) {
	vips := get(func(in *config.Instance) any { return in.VIPs })
	pfx := netip.MustParsePrefix
	addr := netip.MustParseAddr
	cases := []kwCase{
		{name: "defaults v4", src: vipConf("192.0.2.100"), get: vips, want: []config.VIP{{Prefix: pfx("192.0.2.100/32"), PreferredLft: config.LifetimeForever}}},
		{name: "all options v4", src: vipConf("192.0.2.100/24 brd + dev eth1 scope link label eth1:vip peer 192.0.2.200/32 home noprefixroute autojoin no_track preferred_lft 100 use_vmac"),
			get: vips, want: []config.VIP{{Prefix: pfx("192.0.2.100/24"), Dev: "eth1",
				Extra: &config.VIPExtra{Broadcast: addr("192.0.2.255"), Scope: "link", Label: "eth1:vip", Peer: pfx("192.0.2.200/32"),
					Home: true, NoPrefixRoute: true, AutoJoin: true}, NoTrack: true, PreferredLft: 100, UseVMAC: true}}},
		{name: "brd minus and explicit", src: vipConf("192.0.2.100/24 broadcast -\n192.0.2.101/24 brd 192.0.2.127"), get: vips,
			want: []config.VIP{{Prefix: pfx("192.0.2.100/24"), Extra: &config.VIPExtra{Broadcast: addr("192.0.2.0")}, PreferredLft: config.LifetimeForever},
				{Prefix: pfx("192.0.2.101/24"), Extra: &config.VIPExtra{Broadcast: addr("192.0.2.127")}, PreferredLft: config.LifetimeForever}}},
		{name: "ipv6 defaults", src: vipConf("2001:db8::1\n2001:db8::2/64\n2001:db8::3/64 -nodad mngtmpaddr\n2001:db8::4 preferred_lft forever"), get: vips,
			want: []config.VIP{{Prefix: pfx("2001:db8::1/128"), NoDAD: true, PreferredLft: 0},
				{Prefix: pfx("2001:db8::2/64"), NoDAD: true, PreferredLft: config.LifetimeForever},
				{Prefix: pfx("2001:db8::3/64"), Extra: &config.VIPExtra{MngTmpAddr: true}, PreferredLft: config.LifetimeForever},
				{Prefix: pfx("2001:db8::4/128"), NoDAD: true, PreferredLft: config.LifetimeForever}}},
		{name: "ipv6 scope and label dropped", src: vipConf("2001:db8::1/64 scope link label x"), get: vips,
			want:  []config.VIP{{Prefix: pfx("2001:db8::1/64"), NoDAD: true, PreferredLft: config.LifetimeForever}},
			diags: []string{"warning: 2001:db8::1/64: scope is IPv4 only, ignored", "warning: 2001:db8::1/64: label is IPv4 only, ignored"}},
		{name: "two addresses on a line", src: vipConf("192.0.2.100/24 192.0.2.101/24"), get: vips,
			want:  []config.VIP{{Prefix: pfx("192.0.2.100/24"), PreferredLft: config.LifetimeForever}},
			diags: []string{"warning: 192.0.2.100/24: unknown configuration entry '192.0.2.101/24' for ip address, ignored"}},
		{name: "bad prefix length", src: vipConf("192.0.2.100/33"), get: vips, want: []config.VIP{{Prefix: pfx("192.0.2.100/32"), PreferredLft: config.LifetimeForever}},
			diags: []string{"warning: 192.0.2.100/33: invalid prefix length '33', using 32"}},
		{name: "bad address", src: vipConf("192.0.2.300"), get: vips, want: []config.VIP(nil),
			diags: []string{"warning: 192.0.2.300: invalid address '192.0.2.300', ignored"}},
		{name: "duplicate", src: vipConf("192.0.2.100\n192.0.2.100/24"), get: vips, want: []config.VIP{{Prefix: pfx("192.0.2.100/32"), PreferredLft: config.LifetimeForever}},
			diags: []string{"note: 192.0.2.100/24: (VI_1) duplicate address 192.0.2.100/24, ignored"}},
		{name: "mixed family", src: vipConf("192.0.2.100\n2001:db8::1"), get: vips, want: []config.VIP{{Prefix: pfx("192.0.2.100/32"), PreferredLft: config.LifetimeForever}},
			diags: []string{"warning: 2001:db8::1: (VI_1) address 2001:db8::1 is not IPv4 like the instance's first address, ignored"}},
		{name: "excluded may mix", src: instanceConf("virtual_ipaddress {\n192.0.2.100\n}\nvirtual_ipaddress_excluded {\n2001:db8::1/64\n192.0.2.101\n}"),
			get:  get(func(in *config.Instance) any { return in.ExcludedVIPs() }),
			want: []config.VIP{{Prefix: pfx("2001:db8::1/64"), NoDAD: true, PreferredLft: config.LifetimeForever}, {Prefix: pfx("192.0.2.101/32"), PreferredLft: config.LifetimeForever}}},
		{name: "missing dev and long label", src: vipConf("192.0.2.100 dev nosuch1 label abcdefghijklmnop"), get: vips,
			want: []config.VIP{{Prefix: pfx("192.0.2.100/32"), Dev: "nosuch1", PreferredLft: config.LifetimeForever}},
			diags: []string{"warning: 192.0.2.100: interface nosuch1 for ip address 192.0.2.100/32 doesn't exist",
				"warning: 192.0.2.100: label 'abcdefghijklmnop' too long (max 15 characters), ignored"}},
		{name: "missing value", src: vipConf("192.0.2.100 dev"), get: vips, want: []config.VIP{{Prefix: pfx("192.0.2.100/32"), PreferredLft: config.LifetimeForever}},
			diags: []string{"warning: 192.0.2.100: missing value after 'dev'"}},
	}
	runCases(t, cases)
}

func TestStaticAddresses(t *testing.T) {
	cases := []kwCase{
		{name: "default interface", src: "track_group g1 {\n group {\n VI_1\n }\n}\nstatic_ipaddress {\n 192.0.2.1/24 scope link track_group g1\n 192.0.2.2 dev eth1\n 192.0.2.3 no_track\n}\n" + instanceConf(""),
			get: func(c *config.Config) any { return c.StaticAddresses },
			want: []config.VIP{{Prefix: netip.MustParsePrefix("192.0.2.1/24"), Dev: "eth0", Extra: &config.VIPExtra{Scope: "link", TrackGroup: "g1"}, PreferredLft: config.LifetimeForever},
				{Prefix: netip.MustParsePrefix("192.0.2.2/32"), Dev: "eth1", PreferredLft: config.LifetimeForever},
				{Prefix: netip.MustParsePrefix("192.0.2.3/32"), Dev: "eth0", PreferredLft: config.LifetimeForever, NoTrack: true}}},
		{name: "default interface missing is fatal", src: "global_defs {\n default_interface nosuch9\n}\nstatic_ipaddress {\n 192.0.2.1\n}\n",
			diags: []string{"error: static_ipaddress: static address 192.0.2.1/32 requires either an interface or an existing default interface (nosuch9)"}},
	}
	runCases(t, cases)
}

func TestRoutesAndRules(t *testing.T) {
	pfx := netip.MustParsePrefix
	addr := netip.MustParseAddr
	cases := []kwCase{
		{name: "routes", src: instanceConf("virtual_routes {\n src 192.0.2.1 198.51.100.0/24 via 192.0.2.254 dev eth1 metric 10 table 100 proto static scope link\n blackhole 198.51.100.1/32\n default gw 192.0.2.1 no_track\n 2001:db8:1::/48 via 2001:db8::1 mtu 1400 onlink\n 192.168.100./24 dev eth0\n}"),
			get: get(func(in *config.Instance) any { return in.Routes() }),
			want: []config.Route{
				{Words: []string{"src", "192.0.2.1", "198.51.100.0/24", "via", "192.0.2.254", "dev", "eth1", "metric", "10", "table", "100", "proto", "static", "scope", "link"},
					Dst: pfx("198.51.100.0/24"), Src: addr("192.0.2.1"), Via: addr("192.0.2.254"), Dev: "eth1", Table: "100", Metric: 10, Scope: "link", Protocol: "static"},
				{Words: []string{"blackhole", "198.51.100.1/32"}, Type: "blackhole", Dst: pfx("198.51.100.1/32"), NoTrack: true},
				{Words: []string{"default", "gw", "192.0.2.1", "no_track"}, Dst: pfx("0.0.0.0/0"), Via: addr("192.0.2.1"), NoTrack: true},
				{Words: []string{"2001:db8:1::/48", "via", "2001:db8::1", "mtu", "1400", "onlink"}, Dst: pfx("2001:db8:1::/48"), Via: addr("2001:db8::1"), NoTrack: true},
			},
			diags: []string{"warning: blackhole: cannot track route 198.51.100.1/32 with no interface specified, not tracking",
				`warning: default: "gw" for routes is deprecated, use "via"`,
				"warning: 2001:db8:1::/48: cannot track route 2001:db8:1::/48 with no interface specified, not tracking",
				"warning: 192.168.100./24: invalid route destination '192.168.100./24', route ignored"}},
		{name: "rules", src: instanceConf("virtual_rules {\n from 192.0.2.0/24 table 2 priority 100\n to 198.51.100.0/24 lookup main iif eth0 fwmark 0x10/0xff no_track\n from all oif eth1 table 5\n bogus\n}"),
			get: get(func(in *config.Instance) any { return in.Rules() }),
			want: []config.Rule{
				{Words: []string{"from", "192.0.2.0/24", "table", "2", "priority", "100"}, From: pfx("192.0.2.0/24"), Table: "2", Preference: 100},
				{Words: []string{"to", "198.51.100.0/24", "lookup", "main", "iif", "eth0", "fwmark", "0x10/0xff", "no_track"}, To: pfx("198.51.100.0/24"), Table: "main", IIF: "eth0", FWMark: "0x10/0xff", NoTrack: true, Preference: 16384},
				{Words: []string{"from", "all", "oif", "eth1", "table", "5"}, OIF: "eth1", Table: "5", Preference: 16383},
			},
			diags: []string{"warning: to: rule has no preference specified, setting it to 16384: this is probably not what you want",
				"warning: from: rule has no preference specified, setting it to 16383: this is probably not what you want",
				"warning: bogus: missing value after 'bogus' in rule, rule ignored"}},
		{name: "rule preference counters", src: "static_rules {\n from 192.0.2.0/24 table 1\n from 192.0.2.1 table 2 preference 100\n to 192.0.2.2 table 3\n from 2001:db8::/32 table 4\n}\n" +
			"vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n virtual_rules {\n from 192.0.2.3 table 5\n }\n}\n",
			get: func(c *config.Config) any {
				var out []int
				for _, r := range append(c.StaticRules, vi1(c).Rules()...) {
					out = append(out, r.Preference)
				}
				return out
			},
			// Observed with keepalived 2.2.7 -t: 16384, -, 16383, 16384 (IPv6), 16382.
			want: []int{16384, 100, 16383, 16384, 16382},
			diags: []string{"warning: from: rule has no preference specified, setting it to 16384: this is probably not what you want",
				"warning: to: rule has no preference specified, setting it to 16383: this is probably not what you want",
				"warning: from: rule has no preference specified, setting it to 16384: this is probably not what you want",
				"warning: from: rule has no preference specified, setting it to 16382: this is probably not what you want"}},
		{name: "deprecated route words", src: instanceConf("virtual_routes {\n 192.0.2.0/25 via 192.0.2.1 or 192.0.2.2 dev eth0\n}"),
			diags: []string{`warning: 192.0.2.0/25: "or" for routes is deprecated, use "nexthop"`}},
		{name: "static", src: "track_group g {\n group {\n VI_1\n }\n}\nstatic_routes {\n 198.51.100.0/24 via 192.0.2.1 dev eth0 track_group g\n}\nstatic_rules {\n from 192.0.2.0/24 iif eth0 table 3 track_group g\n}\n" + instanceConf(""),
			get: func(c *config.Config) any { return []any{c.StaticRoutes[0].TrackGroup, c.StaticRules[0].TrackGroup} }, want: []any{"g", "g"},
			diags: []string{"warning: from: rule has no preference specified, setting it to 16384: this is probably not what you want"}},
	}
	runCases(t, cases)
}
