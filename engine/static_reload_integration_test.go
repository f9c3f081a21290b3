package engine

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/goalived/goalived/netif/nstest"
)

// staticConf is one instance and the given static items.
func staticConf(addrs, routes, rules []string) string {
	block := func(name string, lines []string) string {
		if len(lines) == 0 {
			return ""
		}
		return name + " {\n    " + strings.Join(lines, "\n    ") + "\n}\n"
	}
	return globalDefs + instanceConf("VI_1", 61, 100, "192.0.2.161/32", "") +
		block("static_ipaddress", addrs) + block("static_routes", routes) + block("static_rules", rules)
}

// staticState is what host i shows of the static items: its addresses in
// 192.0.2.200-209, its routes to 198.51.100.0/24 and its rules from it.
func staticState(l *nstest.Lab, i int) (addrs, routes, rules []string) {
	for _, f := range strings.Fields(l.Exec(i, "ip", "-4", "-o", "addr", "show", "dev", "eth0")) {
		if strings.HasPrefix(f, "192.0.2.20") {
			addrs = append(addrs, f)
		}
	}
	for _, line := range strings.Split(l.Exec(i, "ip", "-4", "route", "show"), "\n") {
		if f := strings.Fields(line); len(f) > 0 && strings.HasPrefix(f[0], "198.51.100.") {
			routes = append(routes, f[0])
		}
	}
	for _, line := range strings.Split(l.Exec(i, "ip", "-4", "rule", "show"), "\n") {
		if f := strings.Fields(line); len(f) > 2 && f[1] == "from" && strings.HasPrefix(f[2], "198.51.100.") {
			rules = append(rules, f[2]) // each once: a rule added twice shows twice
		}
	}
	slices.Sort(addrs)
	slices.Sort(routes)
	slices.Sort(rules)
	return addrs, routes, rules
}

// TestIntegrationStaticReload: a reload removes the static addresses,
// routes and rules that left the configuration and adds the new ones;
// those in both stay, once (keepalived 2.2.7's clear_diff_saddresses,
// clear_diff_sroutes and clear_diff_srules, observed the same).
func TestIntegrationStaticReload(t *testing.T) {
	t.Parallel()
	steps := []struct {
		name                string
		addrs, routes, rule []string
	}{
		{"start", []string{"192.0.2.200/32 dev eth0", "192.0.2.201/32 dev eth0"},
			[]string{"198.51.100.0/25 dev eth0", "198.51.100.128/26 dev eth0"},
			[]string{"from 198.51.100.7 table 100", "from 198.51.100.8 table 100"}},
		{"changed", []string{"192.0.2.201/32 dev eth0", "192.0.2.202/32 dev eth0"},
			[]string{"198.51.100.128/26 dev eth0", "198.51.100.192/26 dev eth0"},
			[]string{"from 198.51.100.8 table 100", "from 198.51.100.9 table 100"}},
		{"none", nil, nil, nil},
	}
	words := func(lines []string) []string {
		var out []string
		for _, l := range lines {
			f := strings.Fields(l)
			if f[0] == "from" {
				out = append(out, f[1])
			} else {
				out = append(out, f[0])
			}
		}
		slices.Sort(out)
		return out
	}
	nstest.ForKinds(t, func(t *testing.T, kind nstest.Kind) {
		l := nstest.New(t, nstest.Hosts(1))
		var d *nstest.Daemon
		for i, st := range steps {
			conf := staticConf(st.addrs, st.routes, st.rule)
			if i == 0 {
				d = nstest.StartDaemon(t, l, 0, kind, conf)
				d.WaitLine(t, "fifo.log", `INSTANCE "VI_1" MASTER 100`, 1, 10*time.Second)
			} else {
				before := strings.Count(d.Proc.Output(), reloadDone(kind))
				d.Reload(t, conf)
				nstest.WaitFor(t, 20*time.Second, func() bool {
					return strings.Count(d.Proc.Output(), reloadDone(kind)) > before
				}, func() string { return "reload " + st.name })
			}
			want := [3][]string{words(st.addrs), words(st.routes), words(st.rule)}
			var got [3][]string
			ok := func() bool {
				got[0], got[1], got[2] = staticState(l, 0)
				return cmp.Equal(want, got, cmp.Comparer(func(a, b []string) bool { return slices.Equal(a, b) }))
			}
			nstest.WaitFor(t, 10*time.Second, ok, func() string { return st.name + ": " + cmp.Diff(want, got) })
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("%s: addresses, routes, rules (-want +got):\n%s", st.name, diff)
			}
		}
		if !hasAddr(t, l, 0, "192.0.2.161") {
			t.Error("the instance lost its VIP over the reloads")
		}
	})
}

// reloadDone is what both implementations log when a reload is done.
func reloadDone(nstest.Kind) string { return "Reload complete" }
