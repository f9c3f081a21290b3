package parser

import (
	"testing"
	"time"

	"github.com/goalived/goalived/config"
)

func scriptConf(body, track string) string {
	return "global_defs {\n enable_script_security\n script_user root\n}\nvrrp_script chk {\n" + body + "\n}\nvrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n track_script {\n" + track + "\n }\n}\n"
}

func TestVRRPScript(t *testing.T) {
	sc := func(f func(v *config.VRRPScript) any) func(*config.Config) any {
		return func(c *config.Config) any {
			v := c.Script("chk")
			if v == nil {
				return "no script"
			}
			return f(v)
		}
	}
	all := sc(func(v *config.VRRPScript) any { return *v })
	cases := []kwCase{
		{name: "defaults", src: scriptConf(`script "/bin/true"`, "chk"), get: all,
			want: config.VRRPScript{Name: "chk", Script: &config.Command{Cmd: "/bin/true", Argv: []string{"/bin/true"}}, Interval: time.Second, Timeout: time.Second, Rise: 1, Fall: 1, Used: true}},
		{name: "all keywords", src: scriptConf("script \"/bin/chk 'a b' x\"\ninterval 3\ntimeout 2\nweight -20 reverse\nrise 3\nfall 4\nuser nobody nogroup\ninit_fail", "chk"), get: all,
			want: config.VRRPScript{Name: "chk", Script: &config.Command{Cmd: "/bin/chk 'a b' x", Argv: []string{"/bin/chk", "a b", "x"}, User: "nobody", Group: "nogroup"},
				Interval: 3 * time.Second, Timeout: 2 * time.Second, TimeoutWritten: true, Weight: -20, Reverse: true, Rise: 3, Fall: 4, InitFail: true, Used: true},
		},
		{name: "fractional interval", src: scriptConf("script /bin/true\ninterval 0.5\ntimeout 0", "chk"), get: sc(func(v *config.VRRPScript) any { return [2]time.Duration{v.Interval, v.Timeout} }),
			want: [2]time.Duration{500 * time.Millisecond, time.Second},
			diags: []string{"warning: interval: (chk) keepalived 2.2.7 accepts whole seconds only (later versions accept 0.5), using 500ms",
				"warning: timeout: (chk): vrrp script timeout must be greater than 0, setting to 1"}},
		{name: "interval too many decimals", src: scriptConf("script /bin/true\ninterval 1.0004", "chk"), get: sc(func(v *config.VRRPScript) any { return v.Interval }),
			want: time.Second, diags: []string{"warning: interval: number '1.0004' has too many decimal places, using 1s"}},
		{name: "interval 0", src: scriptConf("script /bin/true\ninterval 0", "chk"), get: sc(func(v *config.VRRPScript) any { return v.Interval }), want: time.Second,
			diags: []string{"warning: interval: (chk) interval must be greater than 0, using 1 second"}},
		{name: "interval range", src: scriptConf("script /bin/true\ninterval 4295", "chk"), get: sc(func(v *config.VRRPScript) any { return v.Interval }), want: time.Second,
			diags: []string{"warning: interval: number '4295' outside range [0, 4294]"}},
		{name: "weight out of range used", src: scriptConf("script /bin/true\nweight 300", "chk"), get: sc(func(v *config.VRRPScript) any { return v.Weight }), want: 300,
			diags: []string{"warning: weight: number '300' outside range [-253, 253], used anyway"}},
		{name: "rise 0", src: scriptConf("script /bin/true\nrise 0", "chk"), get: sc(func(v *config.VRRPScript) any { return v.Rise }), want: 1,
			diags: []string{"warning: rise: number '0' outside range [1, 2147483647]"}},
		{name: "unquoted args dropped", src: scriptConf("script /usr/bin/test -f /etc/passwd", "chk"), get: sc(func(v *config.VRRPScript) any { return v.Script.Argv }), want: []string{"/usr/bin/test"},
			diags: []string{"warning: script: extra words after 'script' ignored: -f /etc/passwd (put the command and its arguments in one quoted string)"}},
		{name: "no script", src: scriptConf("interval 2", "chk"), get: func(c *config.Config) any { return [2]any{len(c.Scripts), len(vi1(c).TrackScripts())} }, want: [2]any{0, 0},
			diags: []string{"warning: vrrp_script: no script set for vrrp_script chk, removed",
				"warning: chk: (VI_1) track script chk not found, ignoring (it must be defined before it is used)"}},
		{name: "unknown user removes", src: scriptConf("script /bin/true\nuser nosuchuser", "chk"), get: func(c *config.Config) any { return len(c.Scripts) }, want: 0,
			diags: []string{"warning: user: script user 'nosuchuser' does not exist", "warning: user: vrrp_script chk removed",
				"warning: chk: (VI_1) track script chk not found, ignoring..."}},
		{name: "unused", src: "global_defs {\n enable_script_security\n script_user root\n}\nvrrp_script chk {\n script /bin/true\n}\n", get: func(c *config.Config) any { return len(c.Scripts) }, want: 0,
			diags: []string{"note: vrrp_script: script chk is not used, removed"}},
		{name: "no default user removes at once", src: "global_defs {\n enable_script_security\n}\nvrrp_script chk {\n script /bin/true\n}\nvrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n track_script {\n chk\n }\n}\n",
			get: func(c *config.Config) any { return [2]int{len(c.Scripts), len(vi1(c).TrackScripts())} }, want: [2]int{0, 0},
			diags: []string{"warning: vrrp_script: unable to set default user for vrrp script chk - removing (set script_user, or create user keepalived_script)",
				"warning: chk: (VI_1) track script chk not found, ignoring..."}},
		{name: "missing script_user removes scripts without security", src: "global_defs {\n script_user nosuchuser\n}\nvrrp_script chk {\n script /bin/true\n}\nvrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n track_script {\n chk\n }\n notify /bin/n\n}\n",
			get: func(c *config.Config) any { return [2]bool{len(c.Scripts) == 0, vi1(c).Notify().Generic == nil} }, want: [2]bool{true, true},
			diags: []string{"warning: script_user: script user 'nosuchuser' does not exist",
				"warning: vrrp_script: unable to set default user for vrrp script chk - removing (set script_user, or create user keepalived_script)",
				"warning: chk: (VI_1) track script chk not found, ignoring...",
				"note: notify: (VI_1) failed to set default user for notify script /bin/n, ignored"}},
		{name: "security violation", src: "vrrp_script chk {\n script /bin/true\n}\nvrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n track_script {\n chk\n }\n}\n",
			diags: []string{"security: enable_script_security: SECURITY VIOLATION - scripts are being executed but script_security not enabled"}},
		{name: "script not found", src: "vrrp_script chk {\n script \"/nosuch/chk arg\"\n}\nvrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n track_script {\n chk\n }\n notify /nosuch/notify\n}\n",
			get: func(c *config.Config) any {
				return []any{len(c.Scripts), vi1(c).TrackScripts(), vi1(c).Notify().Generic}
			}, want: []any{0, []config.Track{}, (*config.Notify)(nil)},
			diags: []string{"warning: script: disabling track script chk since /nosuch/chk is not found or not accessible",
				"note: notify: script /nosuch/notify is not found or not accessible, ignored"}},
		{name: "unused script is security-checked", src: "vrrp_script chk {\n script /bin/true\n}\n",
			diags: []string{"security: enable_script_security: SECURITY VIOLATION - scripts are being executed but script_security not enabled",
				"note: vrrp_script: script chk is not used, removed"}},
	}
	runCases(t, cases)
}

func TestTrackScript(t *testing.T) {
	ts := func(c *config.Config) any { return vi1(c).TrackScripts() }
	cases := []kwCase{
		{name: "script weight", src: scriptConf("script /bin/true\nweight 10 reverse", "chk"), get: ts, want: []config.Track{{Name: "chk", Weight: 10, Reverse: true}}},
		{name: "entry weight overrides", src: scriptConf("script /bin/true\nweight 10 reverse", "chk weight -5 noreverse"), get: ts, want: []config.Track{{Name: "chk", Weight: -5}}},
		{name: "254 coerced", src: scriptConf("script /bin/true", "chk weight -254"), get: ts, want: []config.Track{{Name: "chk", Weight: -253}},
			diags: []string{"warning: chk: weight -254 coerced to -253"}},
		{name: "255 rejected", src: scriptConf("script /bin/true", "chk weight 255"), get: ts, want: []config.Track(nil),
			diags: []string{"warning: chk: number '255' outside range [-254, 254]", "warning: chk: track script chk ignored",
				"note: vrrp_script: script chk is not used, removed"}},
		{name: "defined later", src: "global_defs {\n enable_script_security\n script_user root\n}\nvrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n track_script {\n later\n }\n}\nvrrp_script later {\n script /bin/true\n}\n",
			get: ts, want: []config.Track(nil),
			diags: []string{"warning: later: (VI_1) track script later not found, ignoring (it must be defined before it is used)",
				"note: vrrp_script: script later is not used, removed"}},
		{name: "typo suggests", src: scriptConf("script /bin/true", "chk\nckh"), get: ts, want: []config.Track{{Name: "chk"}},
			diags: []string{"warning: ckh: (VI_1) track script ckh not found, ignoring (did you mean 'chk'?)"}},
		{name: "owner drops weighted", src: scriptConf("script /bin/true\nweight 10", "chk") + "vrrp_script chk0 {\n script /bin/true\n}\nvrrp_instance VI_2 {\n interface eth1\n state MASTER\n virtual_router_id 52\n track_script {\n chk\n chk0\n }\n}\n",
			get: func(c *config.Config) any { return c.Instance("VI_2").TrackScripts() }, want: []config.Track{{Name: "chk0"}},
			diags: []string{"warning: track_script: (VI_2) ignoring tracked script chk with weights due to address_owner"}},
	}
	runCases(t, cases)
}

func TestNotify(t *testing.T) {
	n := get(func(in *config.Instance) any { return *in.Notify() })
	cases := []kwCase{
		{name: "all notify keywords", src: instanceConf("notify \"/bin/n generic\"\nnotify_master '/bin/m a'\nnotify_backup /bin/b\nnotify_fault \"/bin/f\" root\nnotify_stop \"/bin/s\" root :wheel\nnotify_deleted\nnotify_master_rx_lower_pri \"/bin/l x\\\"y z\\\"\""),
			get: n,
			want: config.Notifies{
				Generic:          &config.Notify{Cmd: "/bin/n generic", Argv: []string{"/bin/n", "generic"}},
				Master:           &config.Notify{Cmd: "/bin/m a", Argv: []string{"/bin/m", "a"}},
				Backup:           &config.Notify{Cmd: "/bin/b", Argv: []string{"/bin/b"}},
				Fault:            &config.Notify{Cmd: "/bin/f", Argv: []string{"/bin/f"}, User: "root"},
				Stop:             &config.Notify{Cmd: "/bin/s", Argv: []string{"/bin/s"}, User: "root", Group: "wheel", SupplementaryGroups: true},
				Deleted:          true,
				MasterRxLowerPri: &config.Notify{Cmd: `/bin/l x"y z"`, Argv: []string{"/bin/l", "xy z"}},
			}},
		{name: "notify_deleted with script", src: instanceConf("notify_deleted \"/bin/d x\""),
			get: get(func(in *config.Instance) any { return in.Notify().DeletedCmd.Argv }), want: []string{"/bin/d", "x"}},
		{name: "unquoted args are a user", src: instanceConf("notify_master /path/script.sh nosuch_arg"),
			get: get(func(in *config.Instance) any { return in.Notify().Master }), want: (*config.Notify)(nil),
			diags: []string{"note: notify_master: script user 'nosuch_arg' does not exist, script ignored (an unquoted word after the command is taken as a user name: put the command and its arguments in one quoted string)"}},
		{name: "no default user with security", src: "global_defs {\n enable_script_security\n}\nvrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n notify /bin/n\n notify_master /bin/m root\n}\n",
			get: get(func(in *config.Instance) any { return [2]bool{in.Notify().Generic == nil, in.Notify().Master == nil} }), want: [2]bool{true, false},
			diags: []string{"note: notify: (VI_1) failed to set default user for notify script /bin/n, ignored"}},
		{name: "script_user avoids removal", src: "global_defs {\n enable_script_security\n script_user nobody\n}\nvrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n notify /bin/n\n}\n",
			get: get(func(in *config.Instance) any { return in.Notify().Generic.Cmd }), want: "/bin/n"},
	}
	runCases(t, cases)
}

// TestCommandSplit checks script-like keywords against keepalived 2.2.7's
// observed splitting (script.SplitScriptLine): escapes are decoded in both
// passes, also inside single quotes, and a decoded NUL ends a word.
func TestCommandSplit(t *testing.T) {
	master := get(func(in *config.Instance) any {
		if in.Notify().Master == nil {
			return nil
		}
		c := *in.Notify().Master
		return c
	})
	cases := []kwCase{
		{name: "quotes and hex", src: instanceConf(`notify_master "/bin/echo 'a b' \"c d\" e\x41"`), get: master,
			want: config.Command{Cmd: `/bin/echo 'a b' "c d" eA`, Argv: []string{"/bin/echo", "a b", "c d", "eA"}}},
		{name: "single-quoted command", src: instanceConf(`notify_master '/path/s.sh x y'`), get: master,
			want: config.Command{Cmd: "/path/s.sh x y", Argv: []string{"/path/s.sh", "x", "y"}}},
		{name: "escape decoded twice", src: instanceConf(`notify_master "/bin/x \\x41"`), get: master,
			want: config.Command{Cmd: `/bin/x \x41`, Argv: []string{"/bin/x", "A"}}},
		{name: "escaped blank splits in the second pass", src: instanceConf(`notify_master "/bin/x a\ b"`), get: master,
			want: config.Command{Cmd: "/bin/x a b", Argv: []string{"/bin/x", "a", "b"}}},
		{name: "NUL cuts the command", src: instanceConf(`notify_master "/bin/x a\0b c"`), get: master,
			want: config.Command{Cmd: "/bin/x a", Argv: []string{"/bin/x", "a"}}},
		{name: "unquoted escaped blanks", src: instanceConf(`notify_master /bin/x\ n5\ z`), get: master,
			want: config.Command{Cmd: "/bin/x n5 z", Argv: []string{"/bin/x", "n5", "z"}}},
		{name: "empty word kept", src: instanceConf(`notify_master "/bin/x '' y"`), get: master,
			want: config.Command{Cmd: "/bin/x '' y", Argv: []string{"/bin/x", "", "y"}}},
		{name: "escape inside single quotes", src: instanceConf(`notify_master "/bin/x '\t'"`), get: master,
			want: config.Command{Cmd: "/bin/x '\t'", Argv: []string{"/bin/x", "\t"}}},
		{name: "user and group", src: instanceConf(`notify_master "/bin/x a" root :wheel`), get: master,
			want: config.Command{Cmd: "/bin/x a", Argv: []string{"/bin/x", "a"}, User: "root", Group: "wheel", SupplementaryGroups: true}},
		{name: "unterminated quote", src: instanceConf(`notify_master "/bin/x`), get: master, want: nil,
			diags: []string{`warning: notify_master: unterminated quote, expected a closing '"'`,
				`warning: notify_master: unmatched quote, expected a closing '"' - token dropped: 'notify_master "/bin/x'`,
				`warning: notify_master: cannot split the command line: missing terminating ", script ignored`}},
		{name: "empty command", src: instanceConf(`notify_master ""`), get: master, want: nil,
			diags: []string{"warning: notify_master: missing command"}},
		{name: "only a NUL", src: instanceConf(`notify_master "\0"`), get: master, want: nil,
			diags: []string{"warning: notify_master: missing command"}},
	}
	runCases(t, cases)
}
