package parser

import (
	"fmt"
	"net/netip"
	"testing"
	"time"

	"github.com/goalived/goalived/config"
)

func get(f func(in *config.Instance) any) func(*config.Config) any {
	return func(c *config.Config) any {
		in := vi1(c)
		if in == nil {
			return "no instance"
		}
		return f(in)
	}
}

func TestInstanceStatePriority(t *testing.T) {
	sp := get(func(in *config.Instance) any { return [2]any{in.State, in.Priority} })
	cases := []kwCase{
		{name: "defaults", src: instanceConf(""), get: sp, want: [2]any{config.StateBackup, 100}},
		{name: "MASTER without priority is owner", src: instanceConf("state MASTER"), get: sp, want: [2]any{config.StateMaster, 255}},
		{name: "priority 255 without state is MASTER", src: instanceConf("priority 255"), get: sp, want: [2]any{config.StateMaster, 255}},
		{name: "MASTER with priority", src: instanceConf("state MASTER\npriority 150"), get: sp, want: [2]any{config.StateMaster, 150}},
		{name: "lower case state", src: instanceConf("state master"), get: sp, want: [2]any{config.StateBackup, 100},
			diags: []string{"warning: state: (VI_1) unknown state 'master', defaulting to BACKUP"}},
		{name: "BACKUP after MASTER", src: instanceConf("state MASTER\nstate BACKUP\npriority 50"), get: sp, want: [2]any{config.StateMaster, 50},
			diags: []string{"warning: state: (VI_1) state BACKUP after state MASTER ignored, keeping MASTER"}},
		{name: "priority 0", src: instanceConf("priority 0"), get: sp, want: [2]any{config.StateBackup, 100},
			diags: []string{"warning: priority: number '0' outside range [1, 255]",
				"warning: priority: (VI_1) priority not valid, must be between 1 and 255, using default 100"}},
		{name: "priority 256 with MASTER", src: instanceConf("state MASTER\npriority 256"), get: sp, want: [2]any{config.StateMaster, 100},
			diags: []string{"warning: priority: number '256' outside range [1, 255]",
				"warning: priority: (VI_1) priority not valid, must be between 1 and 255, using default 100"}},
		{name: "nopreempt with MASTER", src: instanceConf("state MASTER\npriority 100\nnopreempt\npreempt_delay 5"),
			get: get(func(in *config.Instance) any { return [2]any{in.Nopreempt, in.PreemptDelay} }), want: [2]any{false, time.Duration(0)},
			diags: []string{"warning: nopreempt: (VI_1) nopreempt is incompatible with state MASTER or priority 255, resetting",
				"warning: preempt_delay: (VI_1) preempt_delay is incompatible with state MASTER or priority 255, resetting"}},
		{name: "nopreempt BACKUP", src: instanceConf("nopreempt"), get: get(func(in *config.Instance) any { return in.Nopreempt }), want: true},
		{name: "preempt clears", src: instanceConf("nopreempt\npreempt"), get: get(func(in *config.Instance) any { return in.Nopreempt }), want: false},
		{name: "preempt_delay", src: instanceConf("preempt_delay 2.5"), get: get(func(in *config.Instance) any { return in.PreemptDelay }), want: 2500 * time.Millisecond},
		{name: "preempt_delay range", src: instanceConf("preempt_delay 1001"), get: get(func(in *config.Instance) any { return in.PreemptDelay }), want: time.Duration(0),
			diags: []string{"warning: preempt_delay: number '1001' outside range [0, 1000]"}},
	}
	runCases(t, cases)
}

func TestInstanceRequired(t *testing.T) {
	cases := []kwCase{
		{name: "no vrid", src: "vrrp_instance VI_1 {\n interface eth0\n}", get: func(c *config.Config) any { return len(c.Instances) }, want: 0,
			diags: []string{"warning: vrrp_instance: (VI_1) the virtual router id must be set, instance removed"}},
		{name: "vrid 0", src: instanceConf("virtual_router_id 0"), get: get(func(in *config.Instance) any { return in.VRID }), want: 51,
			diags: []string{"warning: virtual_router_id: number '0' outside range [1, 255]", "warning: virtual_router_id: (VI_1) VRID must be between 1 and 255"}},
		{name: "no interface", src: "vrrp_instance VI_1 {\n virtual_router_id 1\n}", get: func(c *config.Config) any { return len(c.Instances) }, want: 0,
			diags: []string{"warning: vrrp_instance: (VI_1) one of interface or unicast_src_ip must be specified, instance removed"}},
		{name: "unicast without interface", src: "vrrp_instance VI_1 {\n virtual_router_id 1\n unicast_src_ip 192.0.2.1\n unicast_peer {\n 192.0.2.2\n }\n virtual_ipaddress {\n 192.0.2.100\n }\n}",
			get: get(func(in *config.Instance) any { return in.VIPs[0].Dev }), want: "eth0"},
		{name: "lo refused", src: instanceConf("interface lo"), get: get(func(in *config.Instance) any { return in.Interface }), want: "eth0",
			diags: []string{"warning: interface: (VI_1) cannot use a loopback interface (lo) for vrrp, ignored"}},
		{name: "missing interface", src: instanceConf("interface nosuch0"), get: get(func(in *config.Instance) any { return in.Interface }), want: "nosuch0",
			diags: []string{"warning: interface: (VI_1) interface nosuch0 doesn't exist"}},
		{name: "duplicate name", src: instanceConf("") + "vrrp_instance VI_1 {\n interface eth1\n virtual_router_id 52\n}\n",
			get: func(c *config.Config) any { return len(c.Instances) }, want: 1,
			diags: []string{"warning: vrrp_instance: vrrp_instance VI_1 already defined, block ignored"}},
		{name: "duplicate vrid", src: instanceConf("") + "vrrp_instance VI_2 {\n interface eth0\n virtual_router_id 51\n}\nvrrp_instance VI_3 {\n interface eth1\n virtual_router_id 51\n}\n",
			diags: []string{"warning: virtual_router_id: VI_1 and VI_2 both use VRID 51 with IPv4 on interface eth0"}},
		{name: "unknown keyword", src: instanceConf("State BACKUP\nvirtual_ipadress {\n 192.0.2.1\n}"),
			diags: []string{"warning: State: unknown keyword 'State', did you mean 'state'?",
				"warning: virtual_ipadress: unknown keyword 'virtual_ipadress', did you mean 'virtual_ipaddress'? (its block is ignored)"}},
		{name: "unsupported", src: instanceConf("use_ipvlan"), get: func(c *config.Config) any { return len(c.Unsupported) }, want: 1,
			diags: []string{"warning: use_ipvlan: use_ipvlan is not supported by goalived, ignored"}},
	}
	runCases(t, cases)
}

func TestInstanceVersionAdvert(t *testing.T) {
	va := get(func(in *config.Instance) any { return [3]any{in.Version, in.Family, in.AdvertInt} })
	cases := []kwCase{
		{name: "default", src: instanceConf(""), get: va, want: [3]any{2, config.IPv4, time.Second}},
		{name: "v2 rounds", src: instanceConf("advert_int 1.5"), get: va, want: [3]any{2, config.IPv4, 2 * time.Second},
			diags: []string{"warning: advert_int: (VI_1) VRRPv2 advert_int 1.5 is not a whole number of seconds, using 2"}},
		{name: "v2 small becomes 1", src: instanceConf("advert_int 0.3"), get: va, want: [3]any{2, config.IPv4, time.Second},
			diags: []string{"warning: advert_int: (VI_1) VRRPv2 advert_int 0.3 is not a whole number of seconds, using 1"}},
		{name: "v3 centiseconds", src: instanceConf("version 3\nadvert_int 0.123\nvirtual_ipaddress {\n192.0.2.1\n}"), get: va, want: [3]any{3, config.IPv4, 120 * time.Millisecond},
			diags: []string{"warning: advert_int: (VI_1) VRRPv3 advert_int 0.123 rounded to 0.12"}},
		{name: "v3 max", src: instanceConf("version 3\nadvert_int 50\nvirtual_ipaddress {\n192.0.2.1\n}"), get: va, want: [3]any{3, config.IPv4, 40950 * time.Millisecond},
			diags: []string{"warning: advert_int: (VI_1) VRRPv3 advert_int 50 too large, using 40.95"}},
		{name: "range", src: instanceConf("advert_int 256"), get: va, want: [3]any{2, config.IPv4, time.Second},
			diags: []string{"warning: advert_int: number '256' outside range [0.01, 255]"}},
		{name: "global version", src: "global_defs {\n vrrp_version 3\n}\n" + instanceConf("virtual_ipaddress {\n192.0.2.1\n}"), get: va, want: [3]any{3, config.IPv4, time.Second}},
		{name: "ipv6 forces 3", src: instanceConf("virtual_ipaddress {\n 2001:db8::1\n}"), get: va, want: [3]any{3, config.IPv6, time.Second}},
		{name: "version 2 after ipv6", src: instanceConf("virtual_ipaddress {\n 2001:db8::1\n}\nversion 2"), get: va, want: [3]any{3, config.IPv6, time.Second},
			diags: []string{"warning: version: (VI_1) version 2 conflicts with the IPv6 addresses configured before it, ignored"}},
		{name: "version 2 before ipv6", src: instanceConf("version 2\nvirtual_ipaddress {\n 2001:db8::1\n}"), get: va, want: [3]any{2, config.IPv6, time.Second}},
		{name: "v3 without vips", src: instanceConf("version 3"),
			diags: []string{"warning: virtual_ipaddress: (VI_1) No VIP specified; at least one is required"}},
		{name: "v3 no_virtual_ipaddress", src: instanceConf("version 3\nno_virtual_ipaddress")},
	}
	runCases(t, cases)
}

func TestInstanceAuth(t *testing.T) {
	auth := get(func(in *config.Instance) any { return in.Auth })
	cases := []kwCase{
		{name: "pass", src: instanceConf("authentication {\n auth_type PASS\n auth_pass s3cret\n}"), get: auth, want: &config.Auth{Type: "PASS", Pass: "s3cret"}},
		{name: "truncated", src: instanceConf("authentication {\n auth_type AH\n auth_pass 0123456789\n}"), get: auth, want: &config.Auth{Type: "AH", Pass: "01234567"},
			diags: []string{"warning: auth_pass: truncating auth_pass to 8 characters"}},
		{name: "lower case type", src: instanceConf("authentication {\n auth_type pass\n auth_pass x\n}"), get: auth, want: (*config.Auth)(nil),
			diags: []string{"warning: auth_type: unknown authentication type 'pass', expected PASS or AH",
				"warning: authentication: (VI_1) auth_pass without auth_type, authentication ignored"}},
		{name: "v3 ignores", src: instanceConf("version 3\nvirtual_ipaddress {\n192.0.2.1\n}\nauthentication {\n auth_type PASS\n auth_pass x\n}"), get: auth, want: (*config.Auth)(nil),
			diags: []string{"warning: authentication: (VI_1) authentication is not supported with VRRPv3, ignored"}},
		{name: "AH MASTER starts BACKUP", src: instanceConf("state MASTER\npriority 100\nauthentication {\n auth_type AH\n auth_pass x\n}"),
			get: get(func(in *config.Instance) any { return in.State }), want: config.StateBackup,
			diags: []string{"warning: state: (VI_1) state MASTER with AH authentication starts as BACKUP to learn the sequence number"}},
	}
	runCases(t, cases)
	a := &config.Auth{Type: "PASS", Pass: "abc"}
	if k := a.Key(); k != [8]byte{'a', 'b', 'c'} {
		t.Errorf("Key() = %v", k)
	}
}

func TestInstanceUnicastAndMisc(t *testing.T) {
	cases := []kwCase{
		{name: "unicast peers", src: instanceConf("unicast_src_ip 192.0.2.1\nunicast_peer {\n 192.0.2.2\n 192.0.2.3 min_ttl 250 max_ttl 255\n 192.0.2.2\n 2001:db8::1\n bogus\n}"),
			get: get(func(in *config.Instance) any {
				return []any{in.UnicastSrcIP().String(), in.UnicastPeers(), in.CheckUnicastSrc, in.UnicastTTL}
			}),
			want: []any{"192.0.2.1", []config.UnicastPeer{{Addr: netip.MustParseAddr("192.0.2.2"), MaxTTL: 255},
				{Addr: netip.MustParseAddr("192.0.2.3"), MinTTL: 250, MaxTTL: 255, TTLSet: true}}, true, 255},
			diags: []string{"warning: 192.0.2.2: (VI_1) duplicate unicast peer 192.0.2.2, ignored",
				"warning: 2001:db8::1: (VI_1) address 2001:db8::1 is not IPv4 like the instance's first address, ignored",
				"warning: bogus: (VI_1) invalid unicast peer address 'bogus', ignored"}},
		{name: "unicast without peers", src: instanceConf("unicast_src_ip 192.0.2.1\nunicast_ttl 10"),
			get: get(func(in *config.Instance) any { return in.UnicastTTL }), want: 255,
			diags: []string{"warning: unicast_ttl: (VI_1) unicast_ttl without unicast peers, ignored",
				"warning: unicast_peer: (VI_1) unicast configured without unicast peers, using multicast"}},
		{name: "ipv6 ttl default", src: instanceConf("unicast_peer {\n 2001:db8::2\n}\nvirtual_ipaddress {\n2001:db8::1\n}"),
			get: get(func(in *config.Instance) any { return []any{in.UnicastTTL, in.McastDstIP.String(), in.Version} }), want: []any{-1, "ff02::12", 3}},
		{name: "mcast", src: instanceConf("mcast_src_ip 192.0.2.1\nmcast_dst_ip 224.0.0.100"),
			get: get(func(in *config.Instance) any { return in.McastSrcIP().String() + " " + in.McastDstIP.String() }), want: "192.0.2.1 224.0.0.100"},
		{name: "mcast_dst_ip family", src: instanceConf("mcast_dst_ip ff02::1:2\nvirtual_ipaddress {\n192.0.2.1\n}"),
			get: get(func(in *config.Instance) any { return []any{in.Family, in.McastDstIP.String()} }), want: []any{config.IPv4, "224.0.0.18"},
			diags: []string{"warning: mcast_dst_ip: (VI_1) mcast_dst_ip ff02::1:2 is not IPv4 like the instance, using the default group"}},
		{name: "global check_unicast_src", src: "global_defs {\n vrrp_check_unicast_src\n}\n" + instanceConf("unicast_peer {\n 192.0.2.2\n}"),
			get: get(func(in *config.Instance) any { return in.CheckUnicastSrc }), want: true},
		{name: "old_unicast_checksum", src: instanceConf("unicast_peer {\n 192.0.2.2\n}\nold_unicast_checksum never"),
			get: get(func(in *config.Instance) any { return in.OldUnicastChecksum() }), want: "never"},
		{name: "garp overrides", src: "global_defs {\n vrrp_garp_master_delay 7\n}\n" + instanceConf("garp_master_repeat 2\ngarp_master_refresh 30\ngarp_master_refresh_repeat 3\ngarp_lower_prio_repeat 0"),
			get:  get(func(in *config.Instance) any { return in.GARP }),
			want: config.GARP{MasterDelay: 7 * time.Second, MasterRepeat: 2, MasterRefresh: 30 * time.Second, MasterRefreshRepeat: 3, LowerPrioDelay: 7 * time.Second, LowerPrioRepeat: 0}},
		{name: "garp_master_delay", src: instanceConf("garp_master_delay 10\ngarp_lower_prio_delay 1"),
			get: get(func(in *config.Instance) any { return [2]time.Duration{in.GARP.MasterDelay, in.GARP.LowerPrioDelay} }), want: [2]time.Duration{10 * time.Second, time.Second}},
		{name: "flags", src: instanceConf("dont_track_primary\ntrack_src_ip\npromote_secondaries\nno_accept\nunicast_fault_no_peer\nv3_checksum_as_v2\nlower_prio_no_advert\nhigher_prio_send_advert true\nnotify_priority_changes"),
			get: get(func(in *config.Instance) any {
				return []bool{in.DontTrackPrimary, in.TrackSrcIP, in.PromoteSecondaries, in.Accept, in.UnicastFaultNoPeer(), in.V3ChecksumAsV2, in.LowerPrioNoAdvert, in.HigherPrioSendAdvert, in.NotifyPriorityChanges}
			}),
			want: []bool{true, true, true, false, true, true, true, true, true}},
		{name: "skip_check_adv_addr off still on", src: instanceConf("skip_check_adv_addr off"),
			get: get(func(in *config.Instance) any { return in.SkipCheckAdvAddr }), want: true},
		{name: "down_timer_adverts debug rxbuf", src: instanceConf("down_timer_adverts 5\ndebug 2\nkernel_rx_buf_size 65536"),
			get: get(func(in *config.Instance) any { return []int{in.DownTimerAdverts, in.Debug(), in.KernelRxBufSize()} }), want: []int{5, 2, 65536}},
		{name: "strict", src: "global_defs {\n vrrp_strict\n}\n" + instanceConf("state MASTER\npriority 100\npreempt_delay 3\nvirtual_ipaddress {\n192.0.2.1\n}"),
			get: get(func(in *config.Instance) any {
				return []any{in.State, in.PreemptDelay, in.Accept, in.LowerPrioNoAdvert, in.Strict}
			}),
			want: []any{config.StateBackup, time.Duration(0), false, true, true},
			diags: []string{"warning: preempt_delay: (VI_1) preempt_delay is incompatible with state MASTER or priority 255, resetting",
				"warning: state: (VI_1) strict mode allows state MASTER only with priority 255, using BACKUP"}},
		// Observed in keepalived 2.2.7's keepalived.data: such an instance
		// sends adverts on lower priorities and on higher ones as written.
		{name: "strict_mode off under vrrp_strict", src: "global_defs {\n vrrp_strict\n vrrp_higher_prio_send_advert\n}\n" + instanceConf("strict_mode off\nvirtual_ipaddress {\n192.0.2.1\n}"),
			get: get(func(in *config.Instance) any { return []bool{in.Strict, in.LowerPrioNoAdvert, in.HigherPrioSendAdvert} }), want: []bool{false, false, true}},
		// keepalived 2.2.7 -t and the daemon accept it silently (observed).
		{name: "strict unicast kept", src: instanceConf("strict_mode\nunicast_peer {\n 192.0.2.2\n}\nvirtual_ipaddress {\n192.0.2.1\n}"),
			get: get(func(in *config.Instance) any { return in.Unicast() }), want: true,
			diags: []string{"warning: strict_mode: (VI_1) unicast peers in strict mode: keepalived 2.2.7 runs such an instance as unicast without checking (later versions remove it), kept"}},
	}
	runCases(t, cases)
}

// TestAuthShared: instances with the same authentication hold one Auth,
// so that a fleet with one password keeps it once.
func TestAuthShared(t *testing.T) {
	inst := func(n int, pass string) string {
		return fmt.Sprintf("vrrp_instance VI_%d {\n interface eth0\n virtual_router_id %d\n authentication {\n auth_type PASS\n auth_pass %s\n }\n virtual_ipaddress {\n 192.0.2.%d\n }\n}\n", n, n, pass, n)
	}
	cfg, diags := load(t, inst(1, "secret")+inst(2, "secret")+inst(3, "other"))
	if diags.HasFatal() || len(cfg.Instances) != 3 {
		t.Fatalf("%d instances, diagnostics:\n%s", len(cfg.Instances), diags)
	}
	a := []*config.Auth{cfg.Instances[0].Auth, cfg.Instances[1].Auth, cfg.Instances[2].Auth}
	if a[0] != a[1] || a[0] == a[2] || a[2].Pass != "other" {
		t.Errorf("auths %+v %+v %+v: want the first two shared and the third its own", *a[0], *a[1], *a[2])
	}
}
