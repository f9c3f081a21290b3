package main

import (
	"testing"
	"time"
)

// TestIntegrationVIPDeletedFromOutside: an operator (or another tool)
// deletes the master's VIP. keepalived 2.2.7 notices through netlink
// ("Netlink reflector reports IP ... removed"), resigns (priority-0
// advert, BACKUP, VIPs removed) and, alone on the segment, is master
// again with the VIP after its skew time (observed ~150 ms at 0.2 s
// adverts; reference 3.13). A lone router must therefore hold the VIP
// again within about one Master_Down_Interval instead of staying MASTER
// without it, which black-holes the VIP.
//
// goalived puts the address back at once instead (engine/vipwatch.go), so
// it holds the VIP again well within that bound, without the flap.
func TestIntegrationVIPDeletedFromOutside(t *testing.T) {
	t.Parallel()
	l := newTestlab(t, 1)
	for k, kind := range []string{keepalivedKind, goalivedKind} {
		t.Run(kind, func(t *testing.T) {
			if kind == keepalivedKind {
				keepalivedBinary(t)
			}
			c := vrrpConf{State: "BACKUP", VRID: 111 + k, Version: 3, AdvertInt: "0.2", Priority: 100,
				VIP: "192.0.2.21" + string(rune('1'+k))}
			vip := c.vip(t)
			l.start(t, 0, kind, c)
			l.waitHolder(t, vip, 0, c.masterDown(t, 100)+startMargin)
			l.Exec(0, "ip", "addr", "del", vip.String()+"/32", "dev", "eth0")
			began := time.Now()
			l.waitHolder(t, vip, 0, c.masterDown(t, 100)+crashMargin)
			t.Logf("%s: VIP back %v after its deletion", kind, time.Since(began))
			l.clientReaches(t, vip, 0)
		})
	}
}
