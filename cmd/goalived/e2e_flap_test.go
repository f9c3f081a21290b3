package main

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/goalived/goalived/netif/nstest"
)

// flapConf is the setup: three instances master on one router,
// two IPv4 VIPs, one IPv4 VIP, one IPv6 VIP (garp_master_repeat 5, the
// default, then the garp_master_delay repeat 5 s later).
const flapConf = `global_defs {
    router_id flap
}
vrrp_instance A {
    interface eth0
    virtual_router_id 81
    priority 150
    advert_int 1
    virtual_ipaddress {
        192.0.2.171/32
        192.0.2.172/32
    }
}
vrrp_instance B {
    interface eth0
    virtual_router_id 82
    priority 150
    advert_int 1
    virtual_ipaddress {
        192.0.2.181/32
    }
}
vrrp_instance C {
    interface eth0
    virtual_router_id 83
    priority 150
    advert_int 1
    virtual_ipaddress {
        2001:db8::173/64
    }
}
`

var flapVIPs = []netip.Addr{
	netip.MustParseAddr("192.0.2.171"), netip.MustParseAddr("192.0.2.172"),
	netip.MustParseAddr("192.0.2.181"), netip.MustParseAddr("2001:db8::173"),
}

// TestIntegrationLinkFlapBursts: the router's eth0 goes down (its
// instances go to FAULT and drop their VIPs) and up again; once they are
// master again, the client sees on the wire the full burst of five
// gratuitous ARPs or NAs for every VIP of every instance, from goalived as
// from keepalived 2.2.7. goalived used to stop a burst at the first send
// error (ENETDOWN right after the link came back) and send nothing more
// for the other instances until the garp_master_delay repeat.
func TestIntegrationLinkFlapBursts(t *testing.T) {
	t.Parallel()
	nstest.ForKinds(t, func(t *testing.T, kind nstest.Kind) {
		lab := nstest.New(t, nstest.Hosts(2))
		nstest.StartDaemon(t, lab, 0, kind, flapConf)
		for _, vip := range flapVIPs {
			lab.WaitAddr(0, vip, true, 20*time.Second)
		}
		lab.Exec(0, "ip", "link", "set", "eth0", "down")
		for _, vip := range flapVIPs {
			lab.WaitAddr(0, vip, false, 20*time.Second)
		}
		dump := lab.Start(1, tcpdumpBinary(t), "-i", "eth0", "-l", "-n", "--immediate-mode", "arp or icmp6")
		nstest.WaitFor(t, 5*time.Second, func() bool { return strings.Contains(dump.Output(), "listening on") },
			func() string { return "tcpdump to start: " + dump.Output() })
		lab.Exec(0, "ip", "link", "set", "eth0", "up")
		firstBurst := func(vip netip.Addr) int {
			n := 0
			for _, f := range framesAbout(dump.Output(), vip) {
				if f.at < 2*time.Second {
					n++
				}
			}
			return n
		}
		nstest.WaitFor(t, 30*time.Second, func() bool {
			for _, vip := range flapVIPs {
				if firstBurst(vip) < 5 {
					return false
				}
			}
			return true
		}, func() string {
			var b strings.Builder
			for _, vip := range flapVIPs {
				fmt.Fprintf(&b, "%v: %d; ", vip, firstBurst(vip))
			}
			return "the full burst for every VIP after the flap (" + b.String() + "):\n" + dump.Output()
		})
	})
}
