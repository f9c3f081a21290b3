package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestIntegrationHealthCheckMovesVIP is the user's case (seed-example.md)
// end to end with a mixed pair: node A (priority 100, VRRPv2, auth PASS)
// tracks a health check with weight -50 and node B has priority 80. When
// A's check fails A advertises 50 and B takes the VIP; when it passes
// again A takes the VIP back. The notify script sees MASTER and BACKUP
// with the priority as keepalived passes it. Both roles: goalived as the
// checked node and as the node that must take over.
func TestIntegrationHealthCheckMovesVIP(t *testing.T) {
	t.Parallel()
	keepalivedBinary(t)
	l := newTestlab(t, 2)
	pairs := []struct{ a, b string }{
		{goalivedKind, keepalivedKind},
		{keepalivedKind, goalivedKind},
	}
	for k, p := range pairs {
		t.Run("A-"+p.a+"/B-"+p.b, func(t *testing.T) {
			base := vrrpConf{
				VRID: 101 + k, AdvertInt: "1", AuthPass: "11111", VIP: "192.0.2.20" + string(rune('1'+k)),
				Check: "/usr/bin/test ! -e {{DIR}}/kdc-down", CheckWeight: -50, Notify: "{{DIR}}/notify.sh",
			}
			confs := l.confs(t, base, false, []int{0, 1}, []int{100, 80})
			ca, cb := confs[0], confs[1]
			ca.State, cb.State = "MASTER", "BACKUP"
			vip := base.vip(t)
			a := l.start(t, 0, p.a, ca)
			b := l.start(t, 1, p.b, cb)
			l.waitHolder(t, vip, 0, 2*base.masterDown(t, 80)+startMargin)
			a.waitNotify(t, "INSTANCE VI_1 MASTER 100", 10*time.Second)
			b.waitNotify(t, "INSTANCE VI_1 BACKUP 80", 10*time.Second)
			l.clientReaches(t, vip, 0)

			// The check fails within its 1 s interval; B then discards the
			// priority-50 adverts until its down timer expires.
			flag := filepath.Join(a.dir, "kdc-down")
			if err := os.WriteFile(flag, nil, 0o644); err != nil {
				t.Fatal(err)
			}
			l.waitHolder(t, vip, 1, 2*time.Second+base.masterDown(t, 80)+crashMargin)
			b.waitNotify(t, "INSTANCE VI_1 MASTER 80", 10*time.Second)
			a.waitNotify(t, "INSTANCE VI_1 BACKUP 50", 10*time.Second)
			l.steadyHolder(t, vip, 1, base.masterDown(t, 50)+base.advert(t))
			l.clientReaches(t, vip, 1)

			// The check passes again: A (100 again) preempts B.
			if err := os.Remove(flag); err != nil {
				t.Fatal(err)
			}
			l.waitHolder(t, vip, 0, 2*time.Second+base.masterDown(t, 100)+crashMargin)
			a.waitNotify(t, "INSTANCE VI_1 MASTER 100", 10*time.Second)
			b.waitNotify(t, "INSTANCE VI_1 BACKUP 80", 10*time.Second)
			l.clientReaches(t, vip, 0)
		})
	}
}
