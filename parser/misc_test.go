package parser

import (
	"fmt"
	"strings"
	"testing"

	"github.com/goalived/goalived/config"
)

// TestEdgeCases covers the less common branches of the handlers.
func TestEdgeCases(t *testing.T) {
	manyVIPs := func(n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "10.0.%d.%d\n", i/256, i%256)
		}
		return b.String()
	}
	cases := []kwCase{
		{name: "native_ipv6", src: instanceConf("native_ipv6"), get: get(func(in *config.Instance) any { return []any{in.Family, in.Version, in.McastDstIP.String()} }),
			want: []any{config.IPv6, 3, "ff02::12"}, diags: []string{"warning: virtual_ipaddress: (VI_1) No VIP specified; at least one is required"}},
		{name: "native_ipv6 after ipv4", src: instanceConf("virtual_ipaddress {\n192.0.2.1\n}\nnative_ipv6"), get: get(func(in *config.Instance) any { return in.Family }),
			want: config.IPv4, diags: []string{"warning: native_ipv6: (VI_1) native_ipv6 after IPv4 addresses, ignored"}},
		{name: "old_unicast_checksum bare", src: instanceConf("unicast_peer {\n192.0.2.2\n}\nold_unicast_checksum"),
			get: get(func(in *config.Instance) any { return in.OldUnicastChecksum() }), want: "on"},
		{name: "old_unicast_checksum bad", src: instanceConf("unicast_peer {\n192.0.2.2\n}\nold_unicast_checksum always"),
			get: get(func(in *config.Instance) any { return in.OldUnicastChecksum() }), want: "",
			diags: []string{"warning: old_unicast_checksum: unknown option 'always', expected never"}},
		{name: "garp_master_repeat 0", src: instanceConf("garp_master_repeat 0"), get: get(func(in *config.Instance) any { return in.GARP.MasterRepeat }), want: 1,
			diags: []string{"warning: garp_master_repeat: garp_master_repeat must be at least 1, using 1"}},
		{name: "auth without pass", src: instanceConf("authentication {\n auth_type PASS\n}"), get: get(func(in *config.Instance) any { return in.Auth }), want: (*config.Auth)(nil),
			diags: []string{"warning: authentication: (VI_1) PASS authentication without auth_pass, ignored"}},
		{name: "strict v2 accept", src: instanceConf("strict_mode\naccept\nvirtual_ipaddress {\n192.0.2.1\n}"), get: get(func(in *config.Instance) any { return in.Accept }), want: false,
			diags: []string{"warning: accept: (VI_1) accept mode is not allowed in strict mode for VRRPv2, resetting"}},
		{name: "strict owner accepts", src: instanceConf("strict_mode\npriority 255\nvirtual_ipaddress {\n192.0.2.1\n}"), get: get(func(in *config.Instance) any { return in.Accept }), want: true},
		{name: "strict down_timer_adverts", src: instanceConf("strict_mode\ndown_timer_adverts 5\nvirtual_ipaddress {\n192.0.2.1\n}"),
			get: get(func(in *config.Instance) any { return in.DownTimerAdverts }), want: 3,
			diags: []string{"warning: down_timer_adverts: (VI_1) down_timer_adverts is incompatible with strict mode, resetting"}},
		{name: "strict without vips", src: instanceConf("strict_mode"),
			diags: []string{"warning: virtual_ipaddress: (VI_1) No VIP specified; at least one is required"}},
		{name: "more than 255 vips", src: instanceConf("virtual_ipaddress {\n" + manyVIPs(257) + "}"),
			get: get(func(in *config.Instance) any { return [2]int{len(in.VIPs), len(in.ExcludedVIPs())} }), want: [2]int{255, 2},
			diags: []string{"warning: virtual_ipaddress: (VI_1) more than 255 addresses, 2 moved to virtual_ipaddress_excluded"}},
		{name: "numeric and bad scope", src: instanceConf("virtual_ipaddress {\n192.0.2.1 scope 200\n192.0.2.2 scope galaxy\n}"),
			get: get(func(in *config.Instance) any { return []string{in.VIPs[0].Scope(), in.VIPs[1].Scope()} }), want: []string{"200", ""},
			diags: []string{"warning: 192.0.2.2: invalid scope 'galaxy', ignored"}},
		{name: "bad brd and peer", src: instanceConf("virtual_ipaddress {\n192.0.2.1 brd x peer 2001:db8::1 preferred_lft soon\n}"),
			get: get(func(in *config.Instance) any { return in.VIPs[0].Broadcast().IsValid() || in.VIPs[0].Peer().IsValid() }), want: false,
			diags: []string{"warning: 192.0.2.1: invalid broadcast address 'x', ignored", "warning: 192.0.2.1: invalid peer address '2001:db8::1', ignored",
				"warning: 192.0.2.1: invalid preferred_lft 'soon', ignored"}},
		{name: "param_match bare", src: "vrrp_track_process p {\n process x a\n param_match\n weight 3 sideways\n}\n",
			get: func(c *config.Config) any { return []any{c.TrackProcesses[0].ParamMatch, c.TrackProcesses[0].Reverse} }, want: []any{"exact", false},
			diags: []string{"warning: weight: unknown option 'sideways', expected reverse"}},
		{name: "param_match bad", src: "vrrp_track_process p {\n process x\n param_match fuzzy\n}\n",
			diags: []string{"warning: param_match: unknown param_match 'fuzzy', expected initial or partial"}},
		{name: "track_process without process", src: "vrrp_track_process p {\n weight 1\n}\n",
			diags: []string{"warning: vrrp_track_process: no process set for vrrp_track_process p, removed"}},
		{name: "track_file weight option", src: "track_file f {\n file /x\n weight 2 sideways\n}\n",
			get: func(c *config.Config) any { return c.TrackFiles[0].Weight }, want: 2,
			diags: []string{"warning: weight: unknown option 'sideways', expected reverse"}},
		{name: "dynamic_interfaces bad", src: globalConf("dynamic_interfaces always"),
			get: func(c *config.Config) any { return [2]bool{c.Global.DynamicInterfaces, c.Global.AllowIfChanges} }, want: [2]bool{true, false},
			diags: []string{"warning: dynamic_interfaces: unknown option 'always', expected allow_if_changes"}},
		{name: "dynamic_interfaces allows missing", src: "global_defs {\n dynamic_interfaces\n}\n" + instanceConf("virtual_ipaddress {\n192.0.2.1 dev nosuch7\n}\ntrack_interface {\nnosuch8\n}"),
			get: get(func(in *config.Instance) any { return len(in.TrackInterfaces()) }), want: 1},
		{name: "script_user missing", src: globalConf("script_user"), diags: []string{"warning: script_user: missing user"}},
		{name: "block name missing", src: "vrrp_instance {\n interface eth0\n}\n",
			diags: []string{"warning: vrrp_instance: vrrp_instance name missing, block ignored"}},
		{name: "unknown top level", src: "vrrp_instanse VI_1 {\n}\nglobal_def {\n}\n",
			diags: []string{"warning: vrrp_instanse: unknown keyword 'vrrp_instanse', did you mean 'vrrp_instance'? (its block is ignored)",
				"warning: global_def: unknown keyword 'global_def', did you mean 'global_defs'? (its block is ignored)"}},
		{name: "unsupported top level block skipped", src: "virtual_server 192.0.2.1 80 {\n lb_algo rr\n real_server 192.0.2.2 80 {\n  TCP_CHECK {\n  }\n }\n}\n",
			get:   func(c *config.Config) any { return c.Unsupported },
			want:  []config.Feature{{Keyword: "virtual_server", Pos: "test.conf:1:1", Args: []string{"192.0.2.1", "80"}}},
			diags: []string{"warning: virtual_server: virtual_server is not supported by goalived, ignored"}},
		{name: "notify_deleted user missing", src: instanceConf("notify_deleted \"/bin/d\" nosuchuser"),
			get: get(func(in *config.Instance) any { return [2]bool{in.Notify().Deleted, in.Notify().DeletedCmd == nil} }), want: [2]bool{true, true},
			diags: []string{"note: notify_deleted: script user 'nosuchuser' does not exist, script ignored (an unquoted word after the command is taken as a user name: put the command and its arguments in one quoted string)"}},
		{name: "notify bad group", src: instanceConf("notify \"/bin/n\" root nosuchgroup"),
			diags: []string{"note: notify: script group 'nosuchgroup' does not exist, script ignored"}},
		{name: "notify empty", src: instanceConf("notify \"\""), diags: []string{"warning: notify: missing command"}},
	}
	runCases(t, cases)
}

func TestNoVIPWarning(t *testing.T) {
	for src, want := range map[string]string{
		instanceConf(""):          "warning: virtual_ipaddress: " + noVIPWarning,
		instanceConf("version 3"): "warning: virtual_ipaddress: (VI_1) No VIP specified; at least one is required",
	} {
		_, diags := load(t, src)
		if len(diags) != 1 || fmt.Sprintf("%s: %s: %s", diags[0].Severity, diags[0].Keyword, diags[0].Msg) != want {
			t.Errorf("diagnostics %v, want %q", diags, want)
		}
	}
}
