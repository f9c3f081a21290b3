package parser

import (
	"net/netip"
	"testing"
	"time"

	"github.com/goalived/goalived/config"
)

func globalConf(body string) string { return "global_defs {\n" + body + "\n}\n" }

func TestGlobalDefaults(t *testing.T) {
	cfg, diags := load(t, "")
	if len(diags) != 0 {
		t.Fatalf("diagnostics: %v", diags)
	}
	g := cfg.Global
	want := defaultGlobal("testhost")
	if g.RouterID != "testhost" || g.GARP != want.GARP || g.Version != 2 ||
		g.McastGroup4 != netip.MustParseAddr("224.0.0.18") || g.McastGroup6 != netip.MustParseAddr("ff02::12") ||
		g.DownTimerAdverts != 3 || g.DefaultInterface != "eth0" {
		t.Errorf("defaults: %+v", g)
	}
	if g.GARP.MasterDelay != 5*time.Second || g.GARP.MasterRepeat != 5 || g.GARP.MasterRefresh != 0 ||
		g.GARP.MasterRefreshRepeat != 1 || g.GARP.LowerPrioDelay != 5*time.Second || g.GARP.LowerPrioRepeat != 5 {
		t.Errorf("garp defaults: %+v", g.GARP)
	}
}

func TestGlobalKeywords(t *testing.T) {
	gl := func(f func(g *config.GlobalDefs) any) func(*config.Config) any {
		return func(c *config.Config) any { return f(&c.Global) }
	}
	cases := []kwCase{
		{name: "router_id", src: globalConf("router_id r1"), get: gl(func(g *config.GlobalDefs) any { return g.RouterID }), want: "r1"},
		{name: "router_id missing", src: globalConf("router_id"), get: gl(func(g *config.GlobalDefs) any { return g.RouterID }), want: "testhost",
			diags: []string{"warning: router_id: router_id name missing, ignored"}},
		{name: "script_user", src: globalConf("script_user alice :staff"), get: gl(func(g *config.GlobalDefs) any { return *g.ScriptUser }),
			want: config.User{User: "alice", Group: "staff", SupplementaryGroups: true}},
		{name: "script_user unknown", src: globalConf("script_user nosuchuser"), get: gl(func(g *config.GlobalDefs) any { return g.ScriptUser == nil }), want: true,
			diags: []string{"warning: script_user: script user 'nosuchuser' does not exist"}},
		{name: "enable_script_security", src: globalConf("enable_script_security"), get: gl(func(g *config.GlobalDefs) any { return g.EnableScriptSecurity }), want: true},
		{name: "garp master", src: globalConf("vrrp_garp_master_delay 10\nvrrp_garp_master_repeat 3\nvrrp_garp_master_refresh 60\nvrrp_garp_master_refresh_repeat 2"),
			get:  gl(func(g *config.GlobalDefs) any { return g.GARP }),
			want: config.GARP{MasterDelay: 10 * time.Second, MasterRepeat: 3, MasterRefresh: time.Minute, MasterRefreshRepeat: 2, LowerPrioDelay: 10 * time.Second, LowerPrioRepeat: 3}},
		{name: "garp lower prio explicit", src: globalConf("vrrp_garp_lower_prio_delay 2\nvrrp_garp_lower_prio_repeat 0"),
			get:  gl(func(g *config.GlobalDefs) any { return [2]any{g.GARP.LowerPrioDelay, g.GARP.LowerPrioRepeat} }),
			want: [2]any{2 * time.Second, 0}},
		{name: "garp repeat 0", src: globalConf("vrrp_garp_master_repeat 0"), get: gl(func(g *config.GlobalDefs) any { return g.GARP.MasterRepeat }), want: 1,
			diags: []string{"warning: vrrp_garp_master_repeat: vrrp_garp_master_repeat must be at least 1, using 1"}},
		{name: "garp delay negative", src: globalConf("vrrp_garp_master_delay -1"), get: gl(func(g *config.GlobalDefs) any { return g.GARP.MasterDelay }), want: 5 * time.Second,
			diags: []string{"warning: vrrp_garp_master_delay: number '-1' outside range [0, 2147483647]"}},
		{name: "garp delay garbage", src: globalConf("vrrp_garp_master_delay 5x"), get: gl(func(g *config.GlobalDefs) any { return g.GARP.MasterDelay }), want: 5 * time.Second,
			diags: []string{"warning: vrrp_garp_master_delay: invalid number '5x'"}},
		{name: "min_garp", src: globalConf("vrrp_min_garp\nvrrp_garp_master_refresh 30"), get: gl(func(g *config.GlobalDefs) any { return g.GARP }),
			want: config.GARP{MasterDelay: 0, MasterRepeat: 1, MasterRefresh: 30 * time.Second, MasterRefreshRepeat: 0, LowerPrioDelay: 0, LowerPrioRepeat: 1}},
		{name: "min_garp keeps written refresh repeat", src: globalConf("vrrp_garp_master_refresh_repeat 3\nvrrp_min_garp"),
			get: gl(func(g *config.GlobalDefs) any { return g.GARP.MasterRefreshRepeat }), want: 3},
		{name: "garp lower prio written", src: globalConf("vrrp_garp_lower_prio_repeat 2"),
			get: gl(func(g *config.GlobalDefs) any { return [2]bool{g.LowerPrioDelayWritten, g.LowerPrioRepeatWritten} }), want: [2]bool{false, true}},
		{name: "data_use_instance", src: globalConf("data_use_instance"), get: gl(func(g *config.GlobalDefs) any { return g.DataUseInstance }), want: true},
		{name: "data_use_instance off", src: globalConf("data_use_instance false"), get: gl(func(g *config.GlobalDefs) any { return g.DataUseInstance }), want: false},
		{name: "min_garp off", src: globalConf("vrrp_min_garp off"), get: gl(func(g *config.GlobalDefs) any { return g.GARP.MasterRepeat }), want: 5},
		{name: "garp_interval", src: globalConf("vrrp_garp_interval 0.001\nvrrp_gna_interval 0.0000015"),
			get: gl(func(g *config.GlobalDefs) any { return [2]time.Duration{g.GARPInterval, g.GNAInterval} }), want: [2]time.Duration{time.Millisecond, 2 * time.Microsecond},
			diags: []string{"warning: vrrp_gna_interval: number '0.0000015' has too many decimal places, using 2µs"}},
		{name: "garp_interval 0 is invalid", src: globalConf("vrrp_garp_interval 0\nvrrp_gna_interval 0"),
			get: gl(func(g *config.GlobalDefs) any { return [2]time.Duration{g.GARPInterval, g.GNAInterval} }), want: [2]time.Duration{},
			diags: []string{"warning: vrrp_garp_interval: number '0' outside range [0.000001, 4294.967295]", "warning: vrrp_garp_interval: vrrp_garp_interval '0' is invalid",
				"warning: vrrp_gna_interval: number '0' outside range [0.000001, 4294.967295]", "warning: vrrp_gna_interval: vrrp_gna_interval '0' is invalid"}},
		{name: "garp_interval range", src: globalConf("vrrp_garp_interval 2000\nvrrp_gna_interval 4294.967296"),
			get: gl(func(g *config.GlobalDefs) any { return [2]time.Duration{g.GARPInterval, g.GNAInterval} }), want: [2]time.Duration{2000 * time.Second, 0},
			diags: []string{"warning: vrrp_gna_interval: number '4294.967296' outside range [0.000001, 4294.967295]", "warning: vrrp_gna_interval: vrrp_gna_interval '4294.967296' is invalid"}},
		{name: "vrrp_version", src: globalConf("vrrp_version 3"), get: gl(func(g *config.GlobalDefs) any { return g.Version }), want: 3},
		{name: "vrrp_version bad", src: globalConf("vrrp_version 4"), get: gl(func(g *config.GlobalDefs) any { return g.Version }), want: 2,
			diags: []string{"warning: vrrp_version: number '4' outside range [2, 3]"}},
		{name: "mcast groups", src: globalConf("vrrp_mcast_group4 224.0.0.19\nvrrp_mcast_group6 ff02::13"),
			get: gl(func(g *config.GlobalDefs) any { return g.McastGroup4.String() + " " + g.McastGroup6.String() }), want: "224.0.0.19 ff02::13"},
		{name: "mcast group not multicast", src: globalConf("vrrp_mcast_group4 192.0.2.1"), get: gl(func(g *config.GlobalDefs) any { return g.McastGroup4.String() }), want: "224.0.0.18",
			diags: []string{"warning: vrrp_mcast_group4: 192.0.2.1 is not an IPv4 multicast address, ignored"}},
		{name: "flags", src: globalConf("vrrp_check_unicast_src\nvrrp_skip_check_adv_addr\nvrrp_lower_prio_no_advert on\nvrrp_higher_prio_send_advert yes\ndisable_local_igmp\nv3_checksum_as_v2\nlog_unknown_vrids\nfifo_write_vrrp_states_on_reload\nvrrp_notify_priority_changes true\nvrrp_owner_ignore_adverts"),
			get: gl(func(g *config.GlobalDefs) any {
				return []bool{g.CheckUnicastSrc, g.SkipCheckAdvAddr, g.LowerPrioNoAdvert, g.HigherPrioSendAdvert, g.DisableLocalIGMP, g.V3ChecksumAsV2, g.LogUnknownVRIDs, g.FIFOWriteStatesOnReload, g.NotifyPriorityChanges, g.OwnerIgnoreAdverts}
			}),
			want: []bool{true, true, true, true, true, true, true, true, true, true}},
		{name: "bool bad", src: globalConf("vrrp_skip_check_adv_addr On"), get: gl(func(g *config.GlobalDefs) any { return g.SkipCheckAdvAddr }), want: false,
			diags: []string{"warning: vrrp_skip_check_adv_addr: invalid boolean 'On', expected on|off|true|false|yes|no"}},
		{name: "strict off is on", src: globalConf("vrrp_strict off"), get: gl(func(g *config.GlobalDefs) any { return g.Strict }), want: true,
			diags: []string{"warning: vrrp_strict: vrrp_strict takes no value, 'off' ignored: strict mode is on"}},
		// Strict mode applies per instance; the global values stay as
		// written (keepalived 2.2.7's dumps show them so).
		{name: "strict", src: globalConf("vrrp_strict\nvrrp_higher_prio_send_advert"),
			get: gl(func(g *config.GlobalDefs) any { return [3]bool{g.Strict, g.LowerPrioNoAdvert, g.HigherPrioSendAdvert} }), want: [3]bool{true, false, true}},
		{name: "down_timer_adverts", src: globalConf("vrrp_down_timer_adverts 101"), get: gl(func(g *config.GlobalDefs) any { return g.DownTimerAdverts }), want: 3,
			diags: []string{"warning: vrrp_down_timer_adverts: number '101' outside range [1, 100]"}},
		{name: "fifos", src: globalConf("enable_script_security\nvrrp_notify_fifo /run/v.fifo root root\nvrrp_notify_fifo_script \"/bin/reader -x\"\nnotify_fifo /run/n.fifo"),
			get: gl(func(g *config.GlobalDefs) any {
				return []any{*g.VRRPNotifyFIFO, *g.VRRPNotifyFIFO.Script, g.NotifyFIFO.Path}
			}),
			want: []any{config.FIFO{Path: "/run/v.fifo", User: "root", Group: "root", Script: &config.Command{Cmd: "/bin/reader -x", Argv: []string{"/bin/reader", "-x"}}},
				config.Command{Cmd: "/bin/reader -x", Argv: []string{"/bin/reader", "-x"}}, "/run/n.fifo"}},
		{name: "fifo script needs security", src: globalConf("vrrp_notify_fifo /run/v.fifo\nvrrp_notify_fifo_script /bin/reader"),
			diags: []string{"security: enable_script_security: SECURITY VIOLATION - scripts are being executed but script_security not enabled"}},
		{name: "fifo script without fifo", src: globalConf("enable_script_security\nvrrp_notify_fifo_script /bin/reader root"),
			get: gl(func(g *config.GlobalDefs) any { return g.VRRPNotifyFIFO == nil }), want: true,
			diags: []string{"warning: vrrp_notify_fifo_script: vrrp_notify_fifo_script without vrrp_notify_fifo, ignored"}},
		{name: "same fifo twice", src: globalConf("notify_fifo /run/f\nvrrp_notify_fifo /run/f"),
			get: gl(func(g *config.GlobalDefs) any { return [2]bool{g.NotifyFIFO == nil, g.VRRPNotifyFIFO == nil} }), want: [2]bool{false, true},
			diags: []string{"warning: vrrp_notify_fifo: vrrp_notify_fifo /run/f is the same as notify_fifo, ignored"}},
		{name: "default_interface dynamic", src: globalConf("default_interface bond0\ndynamic_interfaces allow_if_changes"),
			get: gl(func(g *config.GlobalDefs) any {
				return []any{g.DefaultInterface, g.DynamicInterfaces, g.AllowIfChanges}
			}), want: []any{"bond0", true, true}},
		{name: "startup scripts", src: globalConf("enable_script_security\nstartup_script \"/bin/up 1\" root\nstartup_script_timeout 20\nshutdown_script /bin/down\nshutdown_script_timeout 0"),
			get: gl(func(g *config.GlobalDefs) any {
				return []any{g.StartupScript.Argv, g.StartupScript.User, g.StartupScriptTimeout, g.ShutdownScript.Cmd, g.ShutdownScriptTimeout}
			}),
			want:  []any{[]string{"/bin/up", "1"}, "root", 20 * time.Second, "/bin/down", 10 * time.Second},
			diags: []string{"warning: shutdown_script_timeout: number '0' outside range [1, 1000]"}},
		{name: "startup_delay", src: globalConf("vrrp_startup_delay 2.5"), get: gl(func(g *config.GlobalDefs) any { return g.StartupDelay }), want: 2500 * time.Millisecond},
		{name: "unsupported", src: globalConf("checker_priority 5\nlvs_flush"),
			get: func(c *config.Config) any { return c.Unsupported },
			want: []config.Feature{{Keyword: "checker_priority", Block: "global_defs", Pos: "test.conf:2:1", Args: []string{"5"}},
				{Keyword: "lvs_flush", Block: "global_defs", Pos: "test.conf:3:1"}},
			diags: []string{"warning: checker_priority: checker_priority is not supported by goalived, ignored",
				"warning: lvs_flush: lvs_flush is not supported by goalived, ignored"}},
		{name: "unknown with suggestion", src: globalConf("router_idd x\nRouter_id y"),
			diags: []string{"warning: router_idd: unknown keyword 'router_idd', did you mean 'router_id'?",
				"warning: Router_id: unknown keyword 'Router_id', did you mean 'router_id'?"}},
		{name: "unknown without suggestion", src: globalConf("completely_bogus 1"),
			diags: []string{"warning: completely_bogus: unknown keyword 'completely_bogus'"}},
	}
	runCases(t, cases)
}
