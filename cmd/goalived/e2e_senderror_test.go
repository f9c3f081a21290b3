package main

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestIntegrationSendRefused: the master's interface stops draining its
// queue (a token bucket of 8 bit/s that holds everything past its first
// burst), so that its adverts (every 10 ms) fill the socket's send
// buffer within a few seconds and sendmsg fails with EAGAIN. (A queue that
// drops instead, a pfifo of length 0, is no error for an IPv4 raw socket:
// the kernel reports ENOBUFS only with IP_RECVERR, which neither daemon
// sets.) Both daemons write keepalived 2.2.7's line for a refused advert,
// towards the group and towards a unicast peer, stay master, and are
// reachable again once the queue is gone.
func TestIntegrationSendRefused(t *testing.T) {
	t.Parallel()
	l := newTestlab(t, 2)
	for k, kind := range []string{keepalivedKind, goalivedKind} {
		for u, unicast := range []bool{false, true} {
			name := kind + "/multicast"
			if unicast {
				name = kind + "/unicast"
			}
			t.Run(name, func(t *testing.T) {
				if kind == keepalivedKind {
					keepalivedBinary(t)
				}
				vrid := 121 + 2*k + u
				c := vrrpConf{State: "MASTER", Priority: 150, VRID: vrid, Version: 3, AdvertInt: "0.01",
					VIP: fmt.Sprintf("192.0.2.%d", vrid)}
				want := "(VI_1): send advert error 11 (Resource temporarily unavailable)"
				if unicast {
					c.UnicastSrc, c.Peers = l.Host(0).Addr4.String(), []string{l.Host(1).Addr4.String()}
					want = fmt.Sprintf("(VI_1) Cant send advert to %v (Resource temporarily unavailable)", l.Host(1).Addr4)
				}
				vip := c.vip(t)
				n := l.start(t, 0, kind, c)
				l.waitHolder(t, vip, 0, c.masterDown(t, 150)+startMargin)
				l.Exec(0, "tc", "qdisc", "add", "dev", "eth0", "root", "tbf", "rate", "8bit", "burst", "1600", "limit", "100000000")
				t.Cleanup(func() { l.Run(0, "tc", "qdisc", "del", "dev", "eth0", "root") })
				waitLog(t, n, want, 30*time.Second)
				l.Exec(0, "tc", "qdisc", "del", "dev", "eth0", "root")
				// Still master of its address, reachable once the queue
				// passes packets again.
				l.waitHolder(t, vip, 0, time.Second)
				l.clientReaches(t, vip, 0)
			})
		}
	}
}

// TestIntegrationStuckInterfaceSparesOthers: one interface of the master
// stops draining its queue; the instance there loses its adverts, but
// the instance on the other interface keeps advertising on time: its
// backup never takes over. (goalived sends every instance's adverts from
// one goroutine: a send that waited for the stuck queue would silence
// them all.)
func TestIntegrationStuckInterfaceSparesOthers(t *testing.T) {
	t.Parallel()
	l := newTestlab(t, 2)
	// A second interface on router 0: one end of a veth pair of its own.
	l.Exec(0, "ip", "link", "add", "eth1", "type", "veth", "peer", "name", "eth1p")
	l.Exec(0, "ip", "addr", "add", "198.51.100.1/24", "dev", "eth1")
	l.Exec(0, "ip", "link", "set", "eth1p", "up")
	l.Exec(0, "ip", "link", "set", "eth1", "up")
	stuck := vrrpConf{Name: "VI_2", Interface: "eth1", State: "MASTER", Priority: 150, VRID: 132, Version: 3,
		AdvertInt: "0.01", VIP: "198.51.100.132"}
	c := vrrpConf{State: "MASTER", Priority: 150, VRID: 131, Version: 3, AdvertInt: "0.1", VIP: "192.0.2.131",
		Also: []vrrpConf{stuck}}
	vip := c.vip(t)
	a := l.start(t, 0, goalivedKind, c)
	backup := vrrpConf{State: "BACKUP", Priority: 100, VRID: 131, Version: 3, AdvertInt: "0.1", VIP: "192.0.2.131"}
	b := l.startBackup(t, goalivedKind, backup, vip, c.masterDown(t, 150)+startMargin)
	before := len(b.proc.Output())
	l.Exec(0, "tc", "qdisc", "add", "dev", "eth1", "root", "tbf", "rate", "8bit", "burst", "1600", "limit", "100000000")
	waitLog(t, a, "(VI_2): send advert error 11 (Resource temporarily unavailable)", 30*time.Second)
	// Far longer than the backup's Master_Down_Interval (0.3 s and skew).
	// A master whose adverts stalled would also be seen by its backup
	// taking over for a moment, until the master answers its advert:
	// the backup must never have been master.
	l.steadyHolder(t, vip, 0, 3*time.Second)
	if out := b.proc.Output()[before:]; strings.Contains(out, "Entering MASTER STATE") {
		t.Errorf("the backup took over while the master's other interface was stuck:\n%s", out)
	}
}
