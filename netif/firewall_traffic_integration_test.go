package netif_test

import (
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/goalived/goalived/netif"
	"github.com/goalived/goalived/netif/nstest"
)

// noAcceptConf is keepalived's side of the Accept_Mode tests: two
// non-owner instances with no_accept, alone on the segment, so master.
const noAcceptConf = `
vrrp_instance V4 {
    state MASTER
    interface eth0
    virtual_router_id 51
    priority 100
    advert_int 1
    no_accept
    virtual_ipaddress {
        192.0.2.100/24
    }
}
vrrp_instance V6 {
    state MASTER
    interface eth0
    virtual_router_id 52
    version 3
    priority 100
    advert_int 1
    no_accept
    virtual_ipaddress {
        fe80::100/64
        2001:db8::100/64
    }
}
`

var (
	vip4, vip6, vipLL = netip.MustParseAddr("192.0.2.100"), netip.MustParseAddr("2001:db8::100"), netip.MustParseAddr("fe80::100")
)

// serveTCP accepts connections on port 8080 of every address of host i.
func serveTCP(t *testing.T, lab *nstest.Lab, i int) {
	t.Helper()
	lab.Do(i, func() {
		for _, nw := range []string{"tcp4", "tcp6"} {
			ln, err := net.Listen(nw, ":8080")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { ln.Close() })
			go func() {
				for {
					c, err := ln.Accept()
					if err != nil {
						return
					}
					c.Close()
				}
			}()
		}
	})
}

// probe reports, from host 1, whether ping and a TCP connect to each
// address succeed.
func probe(t *testing.T, lab *nstest.Lab, addrs ...netip.Addr) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, a := range addrs {
		target := a.String()
		if a.IsLinkLocalUnicast() {
			target += "%eth0"
		}
		ping := "ok"
		if _, err := lab.Run(1, "ping", "-c1", "-W1", target); err != nil {
			ping = "fail"
		}
		tcp := "ok"
		lab.Do(1, func() {
			c, err := net.DialTimeout("tcp", net.JoinHostPort(target, "8080"), time.Second)
			if err != nil {
				tcp = "fail"
				return
			}
			c.Close()
		})
		out[a.String()] = "ping " + ping + ", tcp " + tcp
	}
	return out
}

// checkUnblocked: while the VIPs are blocked, the host's own address
// still answers and ARP for the VIP is still answered with its MAC.
func checkUnblocked(t *testing.T, lab *nstest.Lab, who string) {
	t.Helper()
	own := lab.Host(0).Addr4
	if got := probe(t, lab, own); got[own.String()] != "ping ok, tcp ok" {
		t.Errorf("%s: host's own address: %v", who, got)
	}
	if neighMAC(t, lab, 1, vip4) != lab.Host(0).MAC.String() {
		t.Errorf("%s: ARP for the VIP not answered", who)
	}
}

func allProbes(result string) map[string]string {
	return map[string]string{vip4.String(): result, vip6.String(): result, vipLL.String(): result}
}

// waitAddr waits until host i has (or no longer has) address a.
func waitAddr(t *testing.T, lab *nstest.Lab, i int, a netip.Addr, present bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second) // keepalived's down timer, under load
	for strings.Contains(lab.Exec(i, "ip", "addr", "show", "dev", "eth0"), " "+a.String()+"/") != present {
		if time.Now().After(deadline) {
			t.Fatalf("host %d: address %v present=%v not reached", i, a, present)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestIntegrationFirewallBlocksLikeKeepalived: with no_accept, a client
// can neither ping nor connect to a master's VIPs (IPv4, IPv6, IPv6
// link-local), while the host's own address answers and ARP still
// resolves the VIP; first with keepalived 2.2.7 as master, then with the
// same VIPs installed through Addrs and blocked through the Firewall.
// Lifting the block (accept) opens them, as keepalived's accept does.
func TestIntegrationFirewallBlocksLikeKeepalived(t *testing.T) {
	lab := nstest.New(t, nstest.Hosts(2))
	serveTCP(t, lab, 0)
	own := lab.Host(0).Addr4
	if got := probe(t, lab, own); got[own.String()] != "ping ok, tcp ok" {
		t.Fatalf("host's own address before any rule: %v", got)
	}

	t.Run("keepalived", func(t *testing.T) {
		startKeepalived(t, lab, 0, noAcceptConf)
		waitAddr(t, lab, 0, vip4, true)
		waitAddr(t, lab, 0, vip6, true)
		if diff := cmp.Diff(allProbes("ping fail, tcp fail"), probe(t, lab, vip4, vip6, vipLL)); diff != "" {
			t.Errorf("keepalived no_accept master (-want +got):\n%s", diff)
		}
		checkUnblocked(t, lab, "keepalived")
	})
	if out := lab.Exec(0, "nft", "list", "ruleset"); strings.TrimSpace(out) != "" {
		t.Fatalf("keepalived left its table after TERM:\n%s", out)
	}
	lab.Exec(1, "ip", "neigh", "flush", "dev", "eth0")

	t.Run("goalived", func(t *testing.T) {
		fw := openFirewall(t, lab, 0, netif.FirewallConfig{})
		blocked := map[string][]netif.Blocked{
			"V4": {{Addr: vip4}},
			"V6": {{Addr: vipLL, Dev: "eth0", Ifindex: lab.Host(0).Index}, {Addr: vip6}},
		}
		for _, name := range []string{"V4", "V6"} {
			if err := fw.SetBlocked(name, blocked[name]); err != nil {
				t.Fatal(err)
			}
		}
		addrs := openAddrs(t, lab, 0)
		vips := []netif.Addr{
			{Prefix: netip.MustParsePrefix("192.0.2.100/24"), Dev: "eth0"},
			{Prefix: netip.MustParsePrefix("fe80::100/64"), Dev: "eth0"},
			{Prefix: netip.MustParsePrefix("2001:db8::100/64"), Dev: "eth0"},
		}
		if err := addrs.Ensure(vips); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(allProbes("ping fail, tcp fail"), probe(t, lab, vip4, vip6, vipLL)); diff != "" {
			t.Errorf("goalived no_accept master (-want +got):\n%s", diff)
		}
		checkUnblocked(t, lab, "goalived")
		for _, name := range []string{"V4", "V6"} { // reload to accept
			if err := fw.SetBlocked(name, nil); err != nil {
				t.Fatal(err)
			}
		}
		if diff := cmp.Diff(allProbes("ping ok, tcp ok"), probe(t, lab, vip4, vip6, vipLL)); diff != "" {
			t.Errorf("accept (-want +got):\n%s", diff)
		}
		// The table stays, its sets empty, as keepalived's after a
		// master leaves; Close removes it.
		if out := lab.Exec(0, "nft", "list", "ruleset"); !strings.Contains(out, "table ip keepalived") || strings.Contains(out, "elements") && !strings.Contains(out, "nd-neighbor-solicit") {
			t.Errorf("ruleset after unblocking:\n%s", out)
		}
		if err := fw.Close(); err != nil {
			t.Fatal(err)
		}
		if out := lab.Exec(0, "nft", "list", "ruleset"); strings.TrimSpace(out) != "" {
			t.Errorf("ruleset after Close:\n%s", out)
		}
		if err := addrs.Remove(vips); err != nil {
			t.Fatal(err)
		}
	})
}

// TestIntegrationFirewallStaleTable: a daemon killed with SIGKILL leaves
// its table; the next OpenFirewall of the same name deletes it, whether
// keepalived 2.2.7 or goalived left it, and leaves other tables alone.
func TestIntegrationFirewallStaleTable(t *testing.T) {
	lab := nstest.New(t, nstest.Hosts(1))
	lab.Exec(0, "nft", "add", "table", "ip", "other")

	t.Run("left by keepalived", func(t *testing.T) {
		bin := nstest.Keepalived(t)
		dir := t.TempDir()
		cf := filepath.Join(dir, "keepalived.conf")
		if err := os.WriteFile(cf, []byte(noAcceptConf), 0o644); err != nil {
			t.Fatal(err)
		}
		p := lab.Start(0, "env", "TMPDIR="+dir, bin, "-n", "-l", "-D", "-P", "-f", cf,
			"-p", filepath.Join(dir, "keepalived.pid"), "-r", filepath.Join(dir, "vrrp.pid"))
		waitAddr(t, lab, 0, vip4, true)
		// The whole process group at once: the VRRP child, alone, would
		// see its parent die and stop cleanly.
		if err := syscall.Kill(-p.Pid(), syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		p.Wait(10 * time.Second)
		if out := lab.Exec(0, "nft", "list", "tables"); !strings.Contains(out, "table ip keepalived") {
			t.Fatalf("keepalived left no table after SIGKILL: %q", out)
		}
		fw := openFirewall(t, lab, 0, netif.FirewallConfig{})
		if diff := cmp.Diff("table ip other", strings.TrimSpace(lab.Exec(0, "nft", "list", "tables"))); diff != "" {
			t.Errorf("tables after OpenFirewall (-want +got):\n%s", diff)
		}
		fw.Close()
	})

	t.Run("left by goalived", func(t *testing.T) {
		var killed *netif.Firewall
		lab.Do(0, func() {
			var err error
			if killed, err = netif.OpenFirewall(netif.FirewallConfig{Table: "mine"}); err != nil {
				t.Fatal(err)
			}
			if err := killed.SetBlocked("V4", []netif.Blocked{{Addr: vip4}}); err != nil {
				t.Fatal(err)
			}
		})
		// No Close: the process died. A new one opens the same name.
		fw := openFirewall(t, lab, 0, netif.FirewallConfig{Table: "mine"})
		if diff := cmp.Diff("table ip other", strings.TrimSpace(lab.Exec(0, "nft", "list", "tables"))); diff != "" {
			t.Errorf("tables after OpenFirewall (-want +got):\n%s", diff)
		}
		if err := fw.SetBlocked("V4", []netif.Blocked{{Addr: vip4}}); err != nil {
			t.Fatal(err)
		}
		if out := lab.Exec(0, "nft", "list", "set", "ip", "mine", "vips"); !strings.Contains(out, "192.0.2.100") {
			t.Errorf("new table:\n%s", out)
		}
	})
}
