package parser

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/goalived/goalived/config"
)

// extraDiags returns the surplus-word warnings as "line:col: keyword: msg".
func extraDiags(ds Diagnostics) []string {
	var out []string
	for _, d := range ds {
		if strings.HasPrefix(d.Msg, "extra words after ") {
			out = append(out, fmt.Sprintf("%d:%d: %s: %s", d.Pos.Line, d.Pos.Col, d.Keyword, d.Msg))
		}
	}
	return out
}

// TestExtraWords: keepalived ignores surplus words after most keywords
// without a message (reference 1.1); goalived warns at the first of them
// and keeps the value the keyword's own words give.
func TestExtraWords(t *testing.T) {
	// instanceConf puts its body at line 8, column 1.
	cases := []struct {
		name string
		src  string
		want []string
		get  func(c *config.Config) any
		val  any
	}{
		{name: "two keywords on one line", src: instanceConf("priority 200 advert_int 3"),
			want: []string{"8:14: priority: extra words after 'priority' ignored: advert_int 3"},
			get:  get(func(in *config.Instance) any { return [2]any{in.Priority, in.AdvertInt.Seconds()} }), val: [2]any{200, 1.0}},
		{name: "vrid", src: "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51 priority 200\n}\n",
			want: []string{"3:23: virtual_router_id: extra words after 'virtual_router_id' ignored: priority 200"},
			get:  get(func(in *config.Instance) any { return [2]int{in.VRID, in.Priority} }), val: [2]int{51, 100}},
		{name: "flag with a value", src: instanceConf("nopreempt yes"),
			want: []string{"8:11: nopreempt: extra words after 'nopreempt' ignored: yes"},
			get:  get(func(in *config.Instance) any { return in.Nopreempt }), val: true},
		{name: "bool", src: instanceConf("strict_mode off on"),
			want: []string{"8:17: strict_mode: extra words after 'strict_mode' ignored: on"}},
		{name: "garp repeat", src: instanceConf("garp_master_repeat 3 4"),
			want: []string{"8:22: garp_master_repeat: extra words after 'garp_master_repeat' ignored: 4"}},
		{name: "auth_pass with a blank", src: instanceConf("authentication {\nauth_type PASS\nauth_pass my secret\n}"),
			want: []string{"10:14: auth_pass: extra words after 'auth_pass' ignored: secret"},
			get:  get(func(in *config.Instance) any { return in.Auth.Pass }), val: "my"},
		{name: "list block keyword", src: instanceConf("virtual_ipaddress extra {\n192.0.2.1\n}"),
			want: []string{"8:19: virtual_ipaddress: extra words after 'virtual_ipaddress' ignored: extra"}},
		{name: "track entry", src: instanceConf("track_interface {\neth1 weight 10 reverse now\n}"),
			want: []string{"9:24: eth1: extra words after 'eth1' ignored: now"}},
		{name: "track entry unknown option", src: instanceConf("track_interface {\neth1 foo bar\n}"),
			want: []string{"9:10: eth1: extra words after 'eth1' ignored: bar"}},
		{name: "global keyword", src: "global_defs {\n router_id a b\n}\n",
			want: []string{"2:14: router_id: extra words after 'router_id' ignored: b"},
			get:  func(c *config.Config) any { return c.Global.RouterID }, val: "a"},
		{name: "global flag", src: "global_defs {\n enable_script_security yes\n}\n",
			want: []string{"2:25: enable_script_security: extra words after 'enable_script_security' ignored: yes"}},
		{name: "global timer", src: "global_defs {\n vrrp_garp_interval 0.1 0.2\n}\n",
			want: []string{"2:25: vrrp_garp_interval: extra words after 'vrrp_garp_interval' ignored: 0.2"}},
		{name: "global_defs block", src: "global_defs x {\n}\n",
			want: []string{"1:13: global_defs: extra words after 'global_defs' ignored: x"}},
		{name: "named block", src: "vrrp_instance VI_1 x y {\n interface eth0\n virtual_router_id 1\n}\n",
			want: []string{"1:20: vrrp_instance: extra words after 'vrrp_instance' ignored: x y"}},
		{name: "script_user", src: "global_defs {\n script_user root wheel more\n}\n",
			want: []string{"2:25: script_user: extra words after 'script_user' ignored: more"}},
		{name: "notify_fifo", src: "global_defs {\n notify_fifo /run/f root wheel x\n}\n",
			want: []string{"2:32: notify_fifo: extra words after 'notify_fifo' ignored: x"}},
		{name: "notify user group and more", src: instanceConf(`notify_master "/bin/m a" root wheel x y`),
			want: []string{"8:37: notify_master: extra words after 'notify_master' ignored: x y"},
			get:  get(func(in *config.Instance) any { return in.Notify().Master.Group }), val: "wheel"},
		{name: "vrrp_script weight", src: scriptConf("script /bin/true\nweight 10 reverse x", "chk"),
			want: []string{"7:19: weight: extra words after 'weight' ignored: x"}},
		{name: "vrrp_script interval", src: scriptConf("script /bin/true\ninterval 2 3", "chk"),
			want: []string{"7:12: interval: extra words after 'interval' ignored: 3"}},
		{name: "vrrp_script script", src: scriptConf("script /bin/test -f /x", "chk"),
			want: []string{"6:18: script: extra words after 'script' ignored: -f /x (put the command and its arguments in one quoted string)"}},
		{name: "sync group", src: instanceConf("") + "vrrp_sync_group G {\n group {\n VI_1\n }\n sync_group_tracking_weight 1\n}\n",
			want: []string{"14:29: sync_group_tracking_weight: extra words after 'sync_group_tracking_weight' ignored: 1"}},
		{name: "track_file", src: "track_file tf {\n file /tmp/x y\n weight 2 reverse z\n}\n",
			want: []string{"2:14: file: extra words after 'file' ignored: y", "3:19: weight: extra words after 'weight' ignored: z"}},
		{name: "vrrp_track_process", src: "vrrp_track_process p {\n process sshd -D\n quorum 1 2\n full_command yes\n}\n",
			want: []string{"3:11: quorum: extra words after 'quorum' ignored: 2", "4:15: full_command: extra words after 'full_command' ignored: yes"}},
		{name: "static block", src: "static_routes x {\n 192.0.2.0/24 dev eth0\n}\n",
			want: []string{"1:15: static_routes: extra words after 'static_routes' ignored: x"}},
		{name: "exact count is quiet", src: instanceConf("priority 200\nadvert_int 2\nnopreempt\nstrict_mode off\nnotify_master \"/bin/m a\" root wheel\ntrack_interface {\neth1 weight 10 reverse\n}")},
		{name: "process takes any number", src: "vrrp_track_process p {\n process sshd -D -p 22\n}\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg, diags := load(t, tc.src)
			if d := cmp.Diff(tc.want, extraDiags(diags)); d != "" {
				t.Errorf("(-want +got):\n%s\nall diagnostics:\n%s", d, diags)
			}
			if tc.get != nil {
				if d := cmp.Diff(tc.val, tc.get(cfg), cmpOpts); d != "" {
					t.Errorf("value (-want +got):\n%s", d)
				}
			}
		})
	}
}
