package main

import (
	"fmt"
	"net"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/goalived/goalived/netif/nstest"
)

// Accept_Mode in namespaces, against keepalived 2.2.7: a lab of a router
// under test (host 0), a router of the other kind (host 1: the cluster is
// mixed) and a client (host 2) that pings and connects to TCP port 8080,
// on which host 0 listens on every address.

// acceptConf is the routers' file: V4 (VRRPv2, 192.0.2.100) and V6
// (VRRPv3, a global and a link-local VIP); global is put in global_defs
// and extra in both instances.
func acceptConf(global, extra string, prio int) string {
	return fmt.Sprintf(`global_defs {
    router_id accept
%[1]s
}
vrrp_instance V4 {
    state BACKUP
    interface eth0
    virtual_router_id 61
    priority %[3]d
    advert_int 1
%[2]s
    notify {{DIR}}/notify.sh
    virtual_ipaddress {
        192.0.2.100/32
    }
}
vrrp_instance V6 {
    state BACKUP
    interface eth0
    virtual_router_id 62
    priority %[3]d
    advert_int 1
%[2]s
    notify {{DIR}}/notify.sh
    virtual_ipaddress {
        2001:db8::100/64
        fe80::100/64
    }
}
`, global, extra, prio)
}

// otherKind is the kind that is not kind.
func otherKind(kind nstest.Kind) nstest.Kind {
	if kind == nstest.GoalivedKind {
		return nstest.KeepalivedKind
	}
	return nstest.GoalivedKind
}

// listenTCP accepts (and closes) connections on port 8080 of every
// address of host i until the test ends.
func listenTCP(t *testing.T, lab *nstest.Lab, i int) {
	t.Helper()
	var ln net.Listener
	lab.Do(i, func() {
		var err error
		if ln, err = net.Listen("tcp", ":8080"); err != nil {
			t.Fatal(err)
		}
	})
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

// reach reports whether host i gets an answer to a ping and to a TCP
// connect on port 8080 of addr (a link-local one on eth0).
func reach(lab *nstest.Lab, i int, addr netip.Addr) (ping, tcp bool) {
	target := addr.String()
	if addr.IsLinkLocalUnicast() {
		target += "%eth0"
	}
	_, err := lab.Run(i, "ping", "-c1", "-W1", target)
	lab.Do(i, func() {
		c, err := net.DialTimeout("tcp", net.JoinHostPort(target, "8080"), time.Second)
		if err == nil {
			c.Close()
			tcp = true
		}
	})
	return err == nil, tcp
}

var acceptVIPs = []netip.Addr{netip.MustParseAddr("192.0.2.100"), netip.MustParseAddr("2001:db8::100"), netip.MustParseAddr("fe80::100")}

// TestIntegrationAcceptMode: with no_accept, and with vrrp_strict (which
// implies it for a router that is not the address owner), the client's
// ping and TCP connect to every VIP of a master fail, for goalived as for
// keepalived 2.2.7, while the master's own addresses answer and VRRP goes
// on: the backup of the other kind stays backup, and takes over when the
// master stops, after which the stopped router has no table left. With
// accept (the default) the VIPs answer and no table is made.
func TestIntegrationAcceptMode(t *testing.T) {
	t.Parallel()
	for _, mode := range []struct {
		name, global, extra string
		blocked             bool
	}{
		{name: "no_accept", extra: "    no_accept", blocked: true},
		{name: "vrrp_strict", global: "    vrrp_strict", blocked: true},
		{name: "accept", blocked: false},
	} {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			nstest.ForKinds(t, func(t *testing.T, kind nstest.Kind) {
				lab := nstest.New(t, nstest.Hosts(3))
				listenTCP(t, lab, 0)
				master := nstest.StartDaemon(t, lab, 0, kind, acceptConf(mode.global, mode.extra, 150))
				// The backup starts once the master holds the VIPs: started
				// together, a loaded machine can delay the master's first
				// advert past the backup's down timer.
				for _, vip := range acceptVIPs {
					lab.WaitAddr(0, vip, true, 20*time.Second)
				}
				backup := nstest.StartDaemon(t, lab, 1, otherKind(kind), acceptConf(mode.global, mode.extra, 100))
				backup.WaitLine(t, "notify.log", "INSTANCE V4 BACKUP 100", 1, 20*time.Second)
				for _, vip := range acceptVIPs {
					ping, tcp := reach(lab, 2, vip)
					if ping == mode.blocked || tcp == mode.blocked {
						t.Errorf("%s master, %v: ping %v, tcp %v; want both %v", kind, vip, ping, tcp, !mode.blocked)
					}
				}
				own := lab.Host(0).Addr4
				if ping, tcp := reach(lab, 2, own); !ping || !tcp {
					t.Errorf("the master's own address %v: ping %v, tcp %v", own, ping, tcp)
				}
				if tables := lab.Exec(0, "nft", "list", "tables"); strings.Contains(tables, "keepalived") != mode.blocked {
					t.Errorf("%s master's tables:\n%s", kind, tables)
				}
				if slices.Contains(backup.Lines("notify.log"), "INSTANCE V4 MASTER 100") {
					t.Errorf("the backup became master meanwhile:\n%s", backup.Read("notify.log"))
				}

				master.Signal(t, syscall.SIGTERM)
				lab.WaitAddr(1, acceptVIPs[0], true, 20*time.Second)
				nstest.WaitFor(t, 30*time.Second, func() bool {
					out, _ := lab.Run(0, "nft", "list", "tables")
					return !strings.Contains(out, "keepalived")
				}, func() string { return string(kind) + "'s table to go at stop" })
			})
		})
	}
}

// nftNormal makes `nft list ruleset` comparable: tables in name and
// family order (they are listed in the order they were made, which
// follows whichever instance first became master), counters without
// their values, set elements on one line and sorted, and a VMAC map's
// base interface (which keepalived tags with its byte order so that nft
// names it, and github.com/google/nftables cannot: the bytes are the
// same) elided.
func nftNormal(ruleset string) string {
	counter := regexp.MustCompile(`counter packets \d+ bytes \d+`)
	vmapVal := regexp.MustCompile(`("[^"]+") : \S+`)
	var tables []string
	var cur []string
	elems := ""
	for _, raw := range strings.Split(ruleset, "\n") {
		l := strings.TrimSpace(counter.ReplaceAllString(raw, "counter"))
		switch {
		case l == "":
			continue
		case strings.HasPrefix(l, "table "):
			if len(cur) > 0 {
				tables = append(tables, strings.Join(cur, "\n"))
			}
			cur = nil
		case strings.HasPrefix(l, "elements = {"):
			elems = strings.TrimPrefix(l, "elements = {")
			if !strings.HasSuffix(l, "}") {
				continue
			}
		case elems != "":
			elems += " " + l
			if !strings.HasSuffix(l, "}") {
				continue
			}
		}
		if elems != "" {
			items := strings.Split(strings.TrimSuffix(strings.TrimSpace(elems), "}"), ",")
			for i := range items {
				items[i] = vmapVal.ReplaceAllString(strings.TrimSpace(items[i]), "$1 : BASE")
			}
			slices.Sort(items)
			l, elems = "elements = { "+strings.Join(items, ", ")+" }", ""
		}
		cur = append(cur, l)
	}
	if len(cur) > 0 {
		tables = append(tables, strings.Join(cur, "\n"))
	}
	slices.Sort(tables)
	return strings.Join(tables, "\n")
}

// tableConf has what keepalived's capture (netif/testdata/keepalived)
// had: V4 with use_vmac, no_accept, two VIPs; V6 with use_vmac, no_accept,
// dont_track_primary, a link-local and a global VIP and an excluded
// link-local one on lo; counters in every rule.
const tableConf = `global_defs {
    router_id table
    nftables_counters
}
vrrp_instance V4 {
    interface eth0
    virtual_router_id 51
    priority 150
    advert_int 1
    use_vmac
    no_accept
    virtual_ipaddress {
        192.0.2.100/24
        192.0.2.101/32
    }
}
vrrp_instance V6 {
    interface eth0
    virtual_router_id 52
    priority 150
    advert_int 1
    use_vmac
    no_accept
    dont_track_primary
    virtual_ipaddress {
        fe80::100/64
        2001:db8::100/64
    }
    virtual_ipaddress_excluded {
        fe80::200/64 dev lo
    }
}
`

// TestIntegrationAcceptModeTable runs goalived and keepalived 2.2.7 with
// one file, each alone in a lab, and compares their nftables tables
// while both are master; after TERM neither leaves a table. goalived
// killed with SIGKILL leaves its table, and the next start deletes it at
// once (keepalived 2.2.7 only when an instance next becomes master, a
// documented difference): here the restarted daemon waits in
// vrrp_startup_delay and its instances are not even running.
func TestIntegrationAcceptModeTable(t *testing.T) {
	t.Parallel()
	nstest.Keepalived(t)
	labs := map[nstest.Kind]*nstest.Lab{}
	daemons := map[nstest.Kind]*nstest.Daemon{}
	rulesets := map[nstest.Kind]string{}
	for _, kind := range nstest.Kinds {
		labs[kind] = nstest.New(t, nstest.Hosts(1))
		daemons[kind] = nstest.StartDaemon(t, labs[kind], 0, kind, tableConf)
	}
	for _, kind := range nstest.Kinds {
		lab := labs[kind]
		for _, vip := range []string{"192.0.2.101", "2001:db8::100", "fe80::100"} {
			lab.WaitAddr(0, netip.MustParseAddr(vip), true, 30*time.Second)
		}
		rulesets[kind] = nftNormal(lab.Exec(0, "nft", "list", "ruleset"))
	}
	for _, part := range []string{"set vips", "set vips_link_local_name", "set vips_link_local", "map vmac_map", "counter drop"} {
		if !strings.Contains(rulesets[nstest.KeepalivedKind], part) {
			t.Errorf("keepalived's table has no %q (the comparison needs it):\n%s", part, rulesets[nstest.KeepalivedKind])
		}
	}
	if d := cmp.Diff(rulesets[nstest.KeepalivedKind], rulesets[nstest.GoalivedKind]); d != "" {
		t.Errorf("nft list ruleset while master (-keepalived +goalived):\n%s", d)
	}
	for _, kind := range nstest.Kinds {
		daemons[kind].Signal(t, syscall.SIGTERM)
	}
	for _, kind := range nstest.Kinds {
		lab := labs[kind]
		nstest.WaitFor(t, 30*time.Second, func() bool { return strings.TrimSpace(lab.Exec(0, "nft", "list", "ruleset")) == "" },
			func() string {
				return string(kind) + "'s table to go at TERM: " + lab.Exec(0, "nft", "list", "ruleset")
			})
	}

	lab := labs[nstest.GoalivedKind]
	d := nstest.StartDaemon(t, lab, 0, nstest.GoalivedKind, tableConf)
	lab.WaitAddr(0, netip.MustParseAddr("192.0.2.101"), true, 30*time.Second)
	if err := d.Proc.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = d.Proc.Wait(30 * time.Second) // killed: its exit status says so
	if out := lab.Exec(0, "nft", "list", "tables"); !strings.Contains(out, "table ip keepalived") {
		t.Fatalf("no table left after SIGKILL (the test needs one):\n%s", out)
	}
	delayed := strings.Replace(tableConf, "router_id table", "router_id table\n    vrrp_startup_delay 60", 1)
	nstest.StartDaemon(t, lab, 0, nstest.GoalivedKind, delayed)
	// The instances wait for a minute: a table without the drop rules
	// before then was cleaned up at start.
	nstest.WaitFor(t, 30*time.Second, func() bool { return !strings.Contains(lab.Exec(0, "nft", "list", "ruleset"), "vips") },
		func() string { return "the killed daemon's drop rules to go: " + lab.Exec(0, "nft", "list", "ruleset") })
}
