package parser

import (
	"fmt"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/goalived/goalived/config"
)

func TestProcessKeywords(t *testing.T) {
	pr := func(c *config.Config) any { return c.Global.Process }
	def := config.Process{MinAutoPriorityDelay: time.Second}
	with := func(f func(p *config.Process)) config.Process { p := def; f(&p); return p }
	cases := []kwCase{
		{name: "defaults", src: globalConf(""), get: pr, want: def},
		{name: "max_auto_priority alone", src: globalConf("max_auto_priority"), get: pr, want: with(func(p *config.Process) { p.MaxAutoPriority = 99 })},
		{name: "max_auto_priority -1", src: globalConf("max_auto_priority -1"), get: pr, want: with(func(p *config.Process) { p.MaxAutoPriority = -1 })},
		{name: "max_auto_priority out of range", src: globalConf("max_auto_priority 100"), get: pr, want: def,
			diags: []string{"warning: max_auto_priority: number '100' outside range [-1, 99]",
				"warning: max_auto_priority: max_auto_priority '100' must be in [0, 99] (or -1 to disable) - ignoring"}},
		{name: "min_auto_priority_delay", src: globalConf("min_auto_priority_delay 250000"), get: pr,
			want: with(func(p *config.Process) { p.MinAutoPriorityDelay = 250 * time.Millisecond })},
		{name: "rt priority clamped", src: globalConf("vrrp_rt_priority 0"), get: pr, want: with(func(p *config.Process) { p.RealtimePriority = 1 }),
			diags: []string{"warning: vrrp_rt_priority: vrrp process real-time priority 0 less than minimum 1 - setting to minimum"}},
		{name: "rt priority high", src: globalConf("vrrp_rt_priority 120"), get: pr, want: with(func(p *config.Process) { p.RealtimePriority = 99 }),
			diags: []string{"warning: vrrp_rt_priority: vrrp process real-time priority 120 greater than maximum 99 - setting to maximum"}},
		{name: "rlimit 1 becomes 2", src: globalConf("vrrp_rlimit_rttime 1"), get: pr, want: with(func(p *config.Process) { p.RlimitRTTime = 2 })},
		{name: "rlimit old spelling", src: globalConf("vrrp_rlimit_rtime 10000"), get: pr, want: with(func(p *config.Process) { p.RlimitRTTime = 10000 }),
			diags: []string{"note: vrrp_rlimit_rtime: Keyword 'vrrp_rlimit_rtime' is deprecated - please use 'vrrp_rlimit_rttime'"}},
		{name: "nice", src: globalConf("vrrp_priority -10"), get: pr, want: with(func(p *config.Process) { p.Nice = -10 })},
		{name: "nice out of range", src: globalConf("vrrp_priority -21"), get: pr, want: def,
			diags: []string{"warning: vrrp_priority: number '-21' outside range [-20, 19]", "warning: vrrp_priority: Invalid vrrp process priority specified"}},
		{name: "no swap and cpu", src: globalConf("vrrp_no_swap\nvrrp_cpu_affinity 0"), get: pr,
			want: with(func(p *config.Process) { p.NoSwap = true; p.CPUs = []int{0} })},
		{name: "bad cpu empties the set", src: globalConf("vrrp_cpu_affinity 0 100000"), get: pr, want: def,
			diags: []string{"warning: vrrp_cpu_affinity: number '100000' outside range [0, " + strconv.Itoa(numCPU()-1) + "]",
				"warning: vrrp_cpu_affinity: Invalid cpu_id:100000 specified for vrrp process"}},
		{name: "process_names", src: globalConf("process_names"), get: pr, want: with(func(p *config.Process) { p.VRRPName = "keepalived_vrrp" })},
		{name: "process name truncated", src: globalConf("process_name a_very_long_process_name"), get: pr,
			want:  with(func(p *config.Process) { p.Name = "a_very_long_pro" }),
			diags: []string{"warning: process_name: Process name a_very_long_process_name more than 15 characters, truncating"}},
	}
	runCases(t, cases)
}

func TestEmailKeywords(t *testing.T) {
	em := func(c *config.Config) any { return c.Global.Email }
	yes, no := true, false
	cases := []kwCase{
		{name: "stock sample header", src: globalConf("notification_email {\n acassen@firewall.loc\n failover@firewall.loc\n}\nnotification_email_from Alexandre.Cassen@firewall.loc\nsmtp_server 192.168.200.1\nsmtp_connect_timeout 30"),
			get: em, want: config.Email{To: []string{"acassen@firewall.loc", "failover@firewall.loc"}, From: "Alexandre.Cassen@firewall.loc",
				Server: "192.168.200.1:25", HeloName: "testhost", ConnectTimeout: 30 * time.Second}},
		{name: "server port, helo, default timeout", src: globalConf("smtp_server 2001:db8::25 2525\nsmtp_helo_name lb1\nsmtp_alert\nsmtp_alert_vrrp off"),
			get: em, want: config.Email{Server: "[2001:db8::25]:2525", HeloName: "lb1", From: "tester@testhost", ConnectTimeout: 30 * time.Second, Alert: &yes, AlertVRRP: &no}},
		{name: "timeout 0", src: globalConf("smtp_server mail.example.com\nsmtp_connect_timeout 0"),
			get: em, want: config.Email{Server: "mail.example.com:25", HeloName: "testhost", From: "tester@testhost", ConnectTimeout: time.Second},
			diags: []string{"warning: smtp_connect_timeout: smtp_conect_timeout must be greater than 0, setting to 1"}},
		{name: "bad server", src: globalConf("smtp_server 192.0.2.1 smtp"), get: em, want: config.Email{},
			diags: []string{"warning: smtp_server: Invalid smtp server 192.0.2.1 smtp"}},
		{name: "empty block", src: globalConf("notification_email {\n}"), get: em, want: config.Email{},
			diags: []string{"warning: notification_email: Warning - empty notification_email block"}},
		{name: "bad alert value", src: globalConf("smtp_alert maybe"), get: em, want: config.Email{},
			diags: []string{"warning: smtp_alert: Invalid value 'maybe' for global smtp_alert specified"}},
	}
	runCases(t, cases)
}

func TestSMTPAlertDefaults(t *testing.T) {
	two := "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n virtual_ipaddress {\n 192.0.2.1\n }\n%s\n}\n" +
		"vrrp_instance VI_2 {\n interface eth0\n virtual_router_id 2\n virtual_ipaddress {\n 192.0.2.2\n }\n}\n" +
		"vrrp_sync_group G {\n group {\n VI_1\n VI_2\n }\n%s\n}\n"
	alerts := func(c *config.Config) any {
		return [3]bool{c.Instance("VI_1").SMTPAlert, c.Instance("VI_2").SMTPAlert, c.SyncGroups[0].SMTPAlert}
	}
	cases := []kwCase{
		{name: "off by default", src: sprintf(two, "", ""), get: alerts, want: [3]bool{}},
		{name: "own keywords", src: sprintf(two, "smtp_alert", "smtp_alert"), get: alerts, want: [3]bool{true, false, true}},
		{name: "global smtp_alert", src: globalConf("smtp_alert") + sprintf(two, "smtp_alert off", ""), get: alerts, want: [3]bool{false, true, true}},
		{name: "smtp_alert_vrrp first", src: globalConf("smtp_alert\nsmtp_alert_vrrp no") + sprintf(two, "", ""), get: alerts, want: [3]bool{}},
		{name: "bad instance value", src: sprintf(two, "smtp_alert sometimes", ""), get: alerts, want: [3]bool{},
			diags: []string{"warning: smtp_alert: Invalid vrrp_instance smtp_alert parameter sometimes"}},
	}
	runCases(t, cases)
}

func numCPU() int { return runtime.NumCPU() }

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }
