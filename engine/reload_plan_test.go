package engine_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/engine"
)

// planBase is the running configuration of the plan cases: VI_1 (VRID
// 51) and VI_2 (VRID 52) on eth0. Each case edits it.
func planBase() string {
	return instance("VI_1", 51, 150, "192.0.2.100/32", notifyAll) + instance("VI_2", 52, 100, "192.0.2.200/32")
}

// TestPlanReload: how a reload pairs and classifies instances, including
// the cases the integration tests run against the daemon (an unchanged
// configuration, a VIP added, a priority lowered, a VRID changed, an
// instance removed, static items changed). Instances pair as keepalived
// 2.2.7 pairs them: by VRID, family, interface, unicast or not, unicast
// source and multicast group (and AH), never by name.
func TestPlanReload(t *testing.T) {
	base := planBase()
	tests := []struct {
		name      string
		old, next string
		edit      func(*config.Config) // applied to next after loading
		tables    map[string]int
		want      []string
	}{
		{name: "unchanged", old: base, next: base, want: []string{"kept VI_1", "kept VI_2"}},
		{name: "reordered", old: base,
			next: instance("VI_2", 52, 100, "192.0.2.200/32") + instance("VI_1", 51, 150, "192.0.2.100/32", notifyAll),
			want: []string{"kept VI_2", "kept VI_1"}},
		{name: "vip added, instance removed", old: base,
			next: instance("VI_1", 51, 150, "192.0.2.100/32\n    192.0.2.101/32", notifyAll),
			want: []string{"updated VI_1 (protocol, addresses)", "removed VI_2"}},
		{name: "priority lowered", old: base,
			next: instance("VI_1", 51, 50, "192.0.2.100/32", notifyAll) + instance("VI_2", 52, 100, "192.0.2.200/32"),
			want: []string{"updated VI_1 (protocol)", "kept VI_2"}},
		{name: "vrid changed: removed and added", old: base,
			next: instance("VI_1", 61, 150, "192.0.2.160/32", notifyAll) + instance("VI_2", 52, 100, "192.0.2.200/32"),
			want: []string{"added VI_1", "kept VI_2", "removed VI_1"}},
		{name: "renamed: paired by key", old: base,
			next: instance("VI_X", 51, 150, "192.0.2.100/32", notifyAll) + instance("VI_2", 52, 100, "192.0.2.200/32"),
			want: []string{"updated VI_X (protocol)", "kept VI_2"}},
		{name: "notify changed", old: base,
			next: instance("VI_1", 51, 150, "192.0.2.100/32", "notify /bin/other.sh") + instance("VI_2", 52, 100, "192.0.2.200/32"),
			want: []string{"updated VI_1 (notify)", "kept VI_2"}},
		{name: "interface changed", old: base,
			next: strings.Replace(base, "interface eth0", "interface eth1", 1),
			want: []string{"added VI_1", "kept VI_2", "removed VI_1"}},
		{name: "unicast", old: base,
			next: instance("VI_1", 51, 150, "192.0.2.100/32", notifyAll, "unicast_peer {\n    192.0.2.2\n  }") +
				instance("VI_2", 52, 100, "192.0.2.200/32"),
			want: []string{"added VI_1", "kept VI_2", "removed VI_1"}},
		{name: "unicast source changed",
			old:  instance("VI_1", 51, 150, "", "unicast_src_ip 192.0.2.1", "unicast_peer {\n    192.0.2.2\n  }"),
			next: instance("VI_1", 51, 150, "", "unicast_src_ip 192.0.2.3", "unicast_peer {\n    192.0.2.2\n  }"),
			want: []string{"added VI_1", "removed VI_1"}},
		{name: "unicast peers changed",
			old:  instance("VI_1", 51, 150, "", "unicast_src_ip 192.0.2.1", "unicast_peer {\n    192.0.2.2\n  }"),
			next: instance("VI_1", 51, 150, "", "unicast_src_ip 192.0.2.1", "unicast_peer {\n    192.0.2.3\n  }"),
			want: []string{"updated VI_1 (protocol)"}},
		{name: "unicast ttl changed: new socket",
			old:  instance("VI_1", 51, 150, "", "unicast_src_ip 192.0.2.1", "unicast_peer {\n    192.0.2.2\n  }"),
			next: instance("VI_1", 51, 150, "", "unicast_src_ip 192.0.2.1", "unicast_ttl 10", "unicast_peer {\n    192.0.2.2\n  }"),
			want: []string{"updated VI_1 (socket)"}},
		{name: "mcast_src_ip changed: new socket",
			old:  instance("VI_1", 51, 150, "192.0.2.100/32"),
			next: instance("VI_1", 51, 150, "192.0.2.100/32", "mcast_src_ip 192.0.2.3"),
			want: []string{"updated VI_1 (socket)"}},
		{name: "multicast group changed",
			old:  instance("VI_1", 51, 150, "192.0.2.100/32"),
			next: instance("VI_1", 51, 150, "192.0.2.100/32", "mcast_dst_ip 224.0.0.19"),
			want: []string{"added VI_1", "removed VI_1"}},
		{name: "family changed",
			old:  instance("VI_1", 51, 150, "192.0.2.100/32"),
			next: instance("VI_1", 51, 150, "2001:db8::100/128", "version 3"),
			want: []string{"added VI_1", "removed VI_1"}},
		{name: "auth AH turned on",
			old:  instance("VI_1", 51, 150, "192.0.2.100/32", "version 2"),
			next: instance("VI_1", 51, 150, "192.0.2.100/32", "version 2", "authentication {\n    auth_type AH\n    auth_pass secret\n  }"),
			want: []string{"added VI_1", "removed VI_1"}},
		{name: "auth PASS turned on",
			old:  instance("VI_1", 51, 150, "192.0.2.100/32", "version 2"),
			next: instance("VI_1", 51, 150, "192.0.2.100/32", "version 2", "authentication {\n    auth_type PASS\n    auth_pass secret\n  }"),
			want: []string{"updated VI_1 (protocol)"}},
		{name: "virtual route added",
			old:  instance("VI_1", 51, 150, "192.0.2.100/32"),
			next: instance("VI_1", 51, 150, "192.0.2.100/32", "virtual_routes {\n    198.51.100.0/24 via 192.0.2.254\n  }"),
			want: []string{"updated VI_1 (addresses)"}},
		{name: "route table by name, unchanged",
			old:    instance("VI_1", 51, 150, "192.0.2.100/32", "virtual_routes {\n    198.51.100.0/24 via 192.0.2.254 table vrrp\n  }"),
			next:   instance("VI_1", 51, 150, "192.0.2.100/32", "virtual_routes {\n    198.51.100.0/24 via 192.0.2.254 table vrrp\n  }"),
			tables: map[string]int{"vrrp": 100},
			want:   []string{"kept VI_1"}},
		{name: "route table unknown: cannot update in place",
			old:  instance("VI_1", 51, 150, "192.0.2.100/32"),
			next: instance("VI_1", 51, 150, "192.0.2.100/32", "virtual_routes {\n    198.51.100.0/24 via 192.0.2.254 table nosuch\n  }"),
			want: []string{`restarted VI_1 (instance VI_1: route 198.51.100.0/24 via 192.0.2.254 table nosuch: unknown routing table "nosuch")`}},
		{name: "refused by the protocol: restarted",
			old: instance("VI_1", 51, 150, "192.0.2.100/32"), next: instance("VI_1", 51, 150, "192.0.2.100/32"),
			edit: func(c *config.Config) { c.Instances[0].Priority = 0 },
			want: []string{"restarted VI_1 (configure vrrp instance VI_1: priority must be 1..255)"}},
		{name: "static items",
			old: base + "static_ipaddress {\n  192.0.2.250/32 dev eth0\n  192.0.2.251/32 dev eth0\n}\n" +
				"static_routes {\n  198.51.100.0/24 via 192.0.2.254\n}\n",
			next: base + "static_ipaddress {\n  192.0.2.251/32 dev eth0\n  192.0.2.252/32 dev eth0\n}\n" +
				"static_rules {\n  from 198.51.100.0/24 table 100\n}\n",
			want: []string{"kept VI_1", "kept VI_2", "static + 192.0.2.252/32 dev eth0",
				"static + rule from 198.51.100.0/24 to invalid Prefix table 100 pref 16384",
				"static - 192.0.2.250/32 dev eth0", "static - route 198.51.100.0/24 via 192.0.2.254 table 254"}},
		{name: "static items that cannot be converted",
			old:  base,
			next: base + "static_routes {\n  198.51.100.0/24 via 192.0.2.254 table nosuch\n}\n",
			want: []string{"kept VI_1", "kept VI_2", `static: reload static items (kept as they were): static_routes: ` +
				`route 198.51.100.0/24 via 192.0.2.254 table nosuch: unknown routing table "nosuch"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			next := load(t, tc.next)
			if tc.edit != nil {
				tc.edit(next)
			}
			got := engine.PlanReload(load(t, tc.old), next, tc.tables)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("plan (-want +got):\n%s", diff)
			}
		})
	}
}
