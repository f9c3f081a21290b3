package main

import (
	"fmt"
	"testing"
	"time"
)

// TestIntegrationSendRefused: the master's interface stops draining its
// queue (a token bucket of 8 kbit/s that holds everything past its first
// 1600 bytes), so that its adverts (every 10 ms) fill the socket's send
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
				l.Exec(0, "tc", "qdisc", "add", "dev", "eth0", "root", "tbf", "rate", "8kbit", "burst", "1600", "limit", "100000000")
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
