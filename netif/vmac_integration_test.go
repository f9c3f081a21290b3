package netif_test

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/goalived/goalived/netif"
	"github.com/goalived/goalived/netif/nstest"
)

func sysctlIn(t *testing.T, lab *nstest.Lab, i int, keys ...string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, k := range keys {
		out[k] = strings.TrimSpace(lab.Exec(i, "cat", "/proc/sys/"+k))
	}
	return out
}

var vmacSysctlKeys = []string{
	"net/ipv4/conf/all/rp_filter", "net/ipv4/conf/default/rp_filter",
	"net/ipv4/conf/eth0/rp_filter", "net/ipv4/conf/eth0/arp_ignore", "net/ipv4/conf/eth0/arp_filter",
}

// TestIntegrationVMAC creates an IPv4 and an IPv6 VMAC the way keepalived
// 2.2.7 did in a namespace with all.rp_filter=1 (see the package doc of
// vmac.go), puts a VIP on the IPv4 one and checks what a client sees:
// the VIP answers, from the virtual MAC, and a gratuitous ARP carries it.
// A VMAC deleted from outside is created again by Ensure; Close removes
// both and puts every sysctl back.
func TestIntegrationVMAC(t *testing.T) {
	lab := nstest.New(t, nstest.Hosts(2))
	lab.Exec(0, "sysctl", "-qw", "net.ipv4.conf.all.rp_filter=1")
	before := sysctlIn(t, lab, 0, vmacSysctlKeys...)
	var vm *netif.VMACs
	lab.Do(0, func() {
		var err error
		if vm, err = netif.OpenVMACs(); err != nil {
			t.Fatal(err)
		}
	})
	t.Cleanup(func() { vm.Close() })
	v4 := netif.VMAC{Name: netif.VMACName("", 51, false, nil), Base: "eth0", MAC: netif.VirtualMAC(51, false)}
	v6 := netif.VMAC{Name: "vmac6", Base: "eth0", MAC: netif.VirtualMAC(52, true), V6: true, LinkLocal: lab.Host(0).LinkLocal}
	ensure := func(v netif.VMAC) int {
		var idx int
		lab.Do(0, func() {
			var err error
			if idx, err = vm.Ensure(v); err != nil {
				t.Fatal(err)
			}
		})
		return idx
	}
	ensure(v4)
	ensure(v6)
	ensure(v4) // idempotent

	for _, tc := range []struct{ name, mac string }{{"vrrp.51", "00:00:5e:00:01:33"}, {"vmac6", "00:00:5e:00:02:34"}} {
		out := lab.Exec(0, "ip", "-d", "link", "show", tc.name)
		for _, want := range []string{tc.name + "@eth0:", ",UP,", "link/ether " + tc.mac, "macvlan mode private", "addrgenmode none"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: no %q in\n%s", tc.name, want, out)
			}
		}
	}
	got := sysctlIn(t, lab, 0, append(vmacSysctlKeys,
		"net/ipv4/conf/vrrp.51/arp_ignore", "net/ipv4/conf/vrrp.51/accept_local", "net/ipv4/conf/vrrp.51/rp_filter",
		"net/ipv4/conf/vrrp.51/promote_secondaries", "net/ipv6/conf/vrrp.51/disable_ipv6", "net/ipv6/conf/vmac6/disable_ipv6")...)
	want := map[string]string{ // keepalived 2.2.7's values, observed
		"net/ipv4/conf/all/rp_filter": "0", "net/ipv4/conf/default/rp_filter": "1",
		"net/ipv4/conf/eth0/rp_filter": "1", "net/ipv4/conf/eth0/arp_ignore": "1", "net/ipv4/conf/eth0/arp_filter": "1",
		"net/ipv4/conf/vrrp.51/arp_ignore": "1", "net/ipv4/conf/vrrp.51/accept_local": "1", "net/ipv4/conf/vrrp.51/rp_filter": "0",
		"net/ipv4/conf/vrrp.51/promote_secondaries": "1", "net/ipv6/conf/vrrp.51/disable_ipv6": "1", "net/ipv6/conf/vmac6/disable_ipv6": "0",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sysctls (-keepalived +goalived):\n%s", diff)
	}
	ll := lab.Exec(0, "ip", "-6", "addr", "show", "dev", "vmac6")
	if !strings.Contains(ll, lab.Host(0).LinkLocal.String()+"/64 scope link nodad") || !strings.Contains(ll, "preferred_lft 0sec") {
		t.Errorf("vmac6 link-local address, want the base's with nodad, deprecated:\n%s", ll)
	}

	// The VIP on the VMAC answers the client from the virtual MAC.
	addrs := openAddrs(t, lab, 0)
	vip := []netif.Addr{{Prefix: netip.MustParsePrefix("192.0.2.100/24"), Dev: "vrrp.51"}}
	if err := addrs.Ensure(vip); err != nil {
		t.Fatal(err)
	}
	// Host 0 knows the client first: otherwise its ARP request for the
	// client, sent from the VIP out of eth0 (the first route to the
	// subnet), makes the client learn eth0's MAC for the VIP. keepalived
	// 2.2.7 does the same (observed); on a real segment the two hosts
	// have long known each other.
	lab.Exec(0, "ping", "-c1", "-W2", lab.Host(1).Addr4.String())
	lab.Exec(1, "ping", "-c1", "-W2", "192.0.2.100")
	if got := neighMAC(t, lab, 1, vip4); got != "00:00:5e:00:01:33" {
		t.Errorf("client's neighbour entry for the VIP: %q, want the virtual MAC", got)
	}
	capture := countGARPs(t, lab, 1, "eth0")
	an := netif.NewAnnouncer(netif.AnnouncerConfig{})
	t.Cleanup(func() { an.Close() })
	lab.Exec(1, "ip", "neigh", "replace", "192.0.2.100", "lladdr", "02:00:00:00:00:99", "dev", "eth0", "nud", "stale")
	lab.Do(0, func() {
		if err := an.Announce("vrrp.51", []netip.Addr{vip4}, 1); err != nil {
			t.Fatal(err)
		}
	})
	capture.waitFor(t, map[netip.Addr]int{vip4: 1}, 3*time.Second)
	waitNeigh(t, lab, vip4, "00:00:5e:00:01:33")

	// Deleted from outside: Ensure makes it again.
	lab.Exec(0, "ip", "link", "del", "vrrp.51")
	ensure(v4)
	if out := lab.Exec(0, "ip", "-d", "link", "show", "vrrp.51"); !strings.Contains(out, "macvlan mode private") {
		t.Errorf("vrrp.51 not recreated:\n%s", out)
	}

	lab.Do(0, func() {
		if err := vm.Close(); err != nil {
			t.Fatal(err)
		}
	})
	if out := lab.Exec(0, "ip", "-o", "link", "show"); strings.Contains(out, "vrrp.51") || strings.Contains(out, "vmac6") {
		t.Errorf("VMACs left after Close:\n%s", out)
	}
	if diff := cmp.Diff(before, sysctlIn(t, lab, 0, vmacSysctlKeys...)); diff != "" {
		t.Errorf("sysctls after Close (-before +after):\n%s", diff)
	}
}

// TestIntegrationVMACConflict: an existing interface of the VMAC's name
// that is not a macvlan is left alone and reported, as keepalived does.
func TestIntegrationVMACConflict(t *testing.T) {
	lab := nstest.New(t, nstest.Hosts(1))
	lab.Exec(0, "ip", "link", "add", "vrrp.51", "type", "veth", "peer", "name", "vpeer")
	lab.Do(0, func() {
		vm, err := netif.OpenVMACs()
		if err != nil {
			t.Fatal(err)
		}
		defer vm.Close()
		if _, err := vm.Ensure(netif.VMAC{Name: "vrrp.51", Base: "eth0", MAC: netif.VirtualMAC(51, false)}); err == nil || !strings.Contains(err.Error(), "conflicts") {
			t.Errorf("Ensure over a veth: %v, want a conflict", err)
		}
	})
	if out := lab.Exec(0, "ip", "-d", "link", "show", "vrrp.51"); !strings.Contains(out, "veth") {
		t.Errorf("the veth was touched:\n%s", out)
	}
}
