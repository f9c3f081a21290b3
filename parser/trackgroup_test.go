package parser

import (
	"testing"

	"github.com/goalived/goalived/config"
)

// TestTrackGroup: track_group blocks and the static items naming them,
// with keepalived 2.2.7's messages (static_track_group_handler,
// static_track_group_init, the static address/route/rule parsers).
func TestTrackGroup(t *testing.T) {
	type got struct {
		Groups map[string][]string
		Addr   string
	}
	get := func(c *config.Config) any {
		g := got{Groups: map[string][]string{}}
		for _, tg := range c.TrackGroups {
			g.Groups[tg.Name] = tg.Members
		}
		if len(c.StaticAddresses) > 0 {
			g.Addr = c.StaticAddresses[0].TrackGroup()
		}
		return g
	}
	group := func(name, members string) string {
		return "track_group " + name + " {\n group {\n " + members + "\n }\n}\n"
	}
	static := func(opt string) string { return "static_ipaddress {\n 198.51.100.7/24 dev eth0 " + opt + "\n}\n" }
	cases := []kwCase{
		{name: "members", src: group("TG", "VI_1") + static("track_group TG") + instanceConf(""), get: get,
			want: got{Groups: map[string][]string{"TG": {"VI_1"}}, Addr: "TG"}},
		{name: "unknown instance dropped", src: group("TG", "VI_1 VI_9") + static("track_group TG") + instanceConf(""), get: get,
			want:  got{Groups: map[string][]string{"TG": {"VI_1"}}, Addr: "TG"},
			diags: []string{"warning: track_group: vrrp instance VI_9 specified in track group TG doesn't exist - ignoring"}},
		{name: "no instance left", src: group("TG", "VI_9") + static("track_group TG"), get: get,
			want: got{Groups: map[string][]string{}},
			diags: []string{"warning: track_group: vrrp instance VI_9 specified in track group TG doesn't exist - ignoring",
				"warning: track_group: Static track group TG has no VRRP instance(s)"}},
		{name: "group defined after the item", src: static("track_group TG") + group("TG", "VI_1") + instanceConf(""), get: get,
			want:  got{Groups: map[string][]string{"TG": {"VI_1"}}},
			diags: []string{"warning: 198.51.100.7/24: track_group TG not found"}},
		{name: "duplicate option", src: group("TG", "VI_1") + group("TH", "VI_1") + static("track_group TG track_group TH") + instanceConf(""), get: get,
			want:  got{Groups: map[string][]string{"TG": {"VI_1"}, "TH": {"VI_1"}}, Addr: "TG"},
			diags: []string{"warning: 198.51.100.7/24: track_group TH is a duplicate"}},
		{name: "defined twice", src: group("TG", "VI_1") + group("TG", "VI_2") + instanceConf(""), get: get,
			want:  got{Groups: map[string][]string{"TG": {"VI_1"}}},
			diags: []string{"warning: track_group: track_group TG already defined"}},
		{name: "no name", src: "track_group {\n group {\n VI_1\n }\n}\n" + instanceConf(""), get: get,
			want:  got{Groups: map[string][]string{}},
			diags: []string{"warning: track_group: track_group must have a name - skipping"}},
		{name: "empty group", src: "track_group TG {\n}\n" + instanceConf(""), get: get,
			want:  got{Groups: map[string][]string{}},
			diags: []string{"warning: track_group: Static track group TG has no virtual router(s)"}},
	}
	items := func(c *config.Config) any {
		return []string{c.StaticRoutes[0].TrackGroup, c.StaticRoutes[1].TrackGroup, c.StaticRules[0].TrackGroup, c.StaticRules[1].TrackGroup}
	}
	cases = append(cases, kwCase{name: "route and rule without device", get: items,
		src: group("TG", "VI_1") + "static_routes {\n 203.0.113.0/24 via 192.0.2.1 track_group TG\n 203.0.114.0/24 via 192.0.2.1 dev eth0 track_group TG\n}\n" +
			"static_rules {\n from 192.0.2.250 table 100 priority 10 track_group TG\n from 192.0.2.251 iif eth0 table 101 priority 11 track_group TG\n}\n" + instanceConf(""),
		want: []string{"", "TG", "", "TG"},
		diags: []string{"warning: 203.0.113.0/24: Static route cannot have track group if no oif specified",
			"warning: from: Static rule cannot have track_group if dev/iif not specified"}})
	runCases(t, cases)
}
