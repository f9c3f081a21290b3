package main

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestFleetVIP(t *testing.T) {
	tests := []struct {
		i    int
		want string
	}{
		{0, "198.51.100.1"}, {249, "198.51.100.250"}, {250, "192.0.2.100"}, {404, "192.0.2.254"}, {405, "198.51.100.1"}, {999, "198.51.100.190"},
	}
	for _, tc := range tests {
		if got := fleetVIP(tc.i).String(); got != tc.want {
			t.Errorf("fleetVIP(%d) = %s, want %s", tc.i, got, tc.want)
		}
	}
	// No address twice on one interface of a 1000-instance fleet over
	// four, and none in the lab's host range.
	c := fleetConf{N: 1000, Ifaces: fleetIfaces(1000)}
	insts, err := c.instances()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, in := range insts {
		k := in.Iface + " " + in.VIP.String()
		if seen[k] {
			t.Errorf("%s twice", k)
		}
		seen[k] = true
		if b := in.VIP.As4(); b[0] == 192 && b[3] < 100 {
			t.Errorf("%s: %v is in the lab's host range", in.Name, in.VIP)
		}
	}
}

func TestFleetIfaces(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want []string
	}{{1, []string{"eth0"}}, {250, []string{"eth0"}}, {251, []string{"eth0", "eth1"}}, {1000, []string{"eth0", "eth1", "eth2", "eth3"}}} {
		if d := cmp.Diff(tc.want, fleetIfaces(tc.n)); d != "" {
			t.Errorf("fleetIfaces(%d) (-want +got):\n%s", tc.n, d)
		}
	}
}

func TestFleetInstances(t *testing.T) {
	c := ctConf(1000)
	insts, err := c.instances()
	if err != nil {
		t.Fatal(err)
	}
	if len(insts) != 1000 {
		t.Fatalf("%d instances, want 1000", len(insts))
	}
	type key struct {
		iface string
		vrid  int
	}
	seen := map[key]bool{}
	perIface := map[string]int{}
	for _, in := range insts {
		k := key{in.Iface, in.VRID}
		if seen[k] {
			t.Errorf("VRID %d used twice on %s", in.VRID, in.Iface)
		}
		seen[k] = true
		perIface[in.Iface]++
		if in.VRID < 1 || in.VRID > maxFleetVRID {
			t.Errorf("%s: VRID %d out of 1..%d", in.Name, in.VRID, maxFleetVRID)
		}
	}
	if diff := cmp.Diff(map[string]int{"eth0": 250, "eth1": 250, "eth2": 250, "eth3": 250}, perIface); diff != "" {
		t.Errorf("instances per interface (-want +got):\n%s", diff)
	}
	first := fleetInst{Name: "VI_1", Iface: "eth0", VRID: 1, VIP: netip.MustParseAddr("198.51.100.1")}
	if diff := cmp.Diff(first, insts[0], cmp.Comparer(func(a, b netip.Addr) bool { return a == b })); diff != "" {
		t.Errorf("first instance (-want +got):\n%s", diff)
	}
	for _, bad := range []fleetConf{
		{N: 0, Ifaces: []string{"eth0"}},
		{N: 251, Ifaces: []string{"eth0"}},
		{N: 1001, Ifaces: ctIfaces},
		{N: 1},
	} {
		if _, err := bad.instances(); err == nil {
			t.Errorf("instances(N=%d on %d interfaces): no error", bad.N, len(bad.Ifaces))
		}
		if _, err := bad.render(); err == nil {
			t.Errorf("render(N=%d on %d interfaces): no error", bad.N, len(bad.Ifaces))
		}
	}
}

func TestFleetRender(t *testing.T) {
	text, err := ctConf(10).render()
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{
		"vrrp_instance VI_":          10,
		"vrrp_script chk_VI_":        10,
		"auth_type PASS":             10,
		"script \"/bin/true\"":       10,
		"enable_script_security":     1,
		"advert_int 1\n":             10,
		"interface eth3\n":           2, // instances 4 and 8
		"virtual_router_id 3\n":      2, // instances 9 and 10
		"        chk_VI_10\n":        1,
		"        198.51.100.10/32\n": 1,
	}
	for s, want := range counts {
		if got := strings.Count(text, s); got != want {
			t.Errorf("%q appears %d times, want %d", s, got, want)
		}
	}
	if strings.Count(text, "{") != strings.Count(text, "}") {
		t.Errorf("unbalanced braces:\n%s", text)
	}

	a, b := resourceConfs(3, v2Proto)
	ta, _ := a.render()
	tb, _ := b.render()
	for _, c := range []struct {
		text, want string
	}{{ta, "state MASTER\n"}, {ta, "priority 150\n"}, {tb, "state BACKUP\n"}, {tb, "priority 100\n"}} {
		if !strings.Contains(c.text, c.want) {
			t.Errorf("resource config lacks %q:\n%s", c.want, c.text)
		}
	}
	if strings.Contains(ta, "vrrp_script") || strings.Contains(ta, "enable_script_security") {
		t.Errorf("resource config has scripts:\n%s", ta)
	}
	v3 := fleetConf{State: "MASTER", Priority: 200, N: 1, Proto: protocol{3, 20 * time.Millisecond}, Ifaces: []string{"eth0"}}
	t3, _ := v3.render()
	if !strings.Contains(t3, "advert_int 0.02\n") || !strings.Contains(t3, "version 3\n") || strings.Contains(t3, "auth_type") {
		t.Errorf("VRRPv3 fleet config:\n%s", t3)
	}
}
