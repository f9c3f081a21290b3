package main

import (
	"strings"
	"testing"
	"time"
)

// interopCase is one protocol variant a mixed goalived/keepalived pair
// must agree on.
type interopCase struct {
	name    string
	base    vrrpConf
	unicast bool
}

// VRRPv2 unicast is left to TestIntegrationAdvertsMatchKeepalived (its
// adverts are byte-identical to keepalived's) to keep the runtime down:
// each v2 case here costs about 18 s.
var interopCases = []interopCase{
	// The user's configuration shape (seed-example.md).
	{"v2-pass", vrrpConf{State: "BACKUP", VRID: 51, AdvertInt: "1", AuthPass: "11111", VIP: "192.0.2.151"}, false},
	{"v2-noauth", vrrpConf{State: "BACKUP", VRID: 52, AdvertInt: "1", VIP: "192.0.2.152"}, false},
	{"v3-ipv4", vrrpConf{State: "BACKUP", VRID: 53, Version: 3, AdvertInt: "0.2", VIP: "192.0.2.153"}, false},
	{"v3-ipv6", vrrpConf{State: "BACKUP", VRID: 54, AdvertInt: "0.2", VIP: "2001:db8::154/64"}, false},
	{"v3-ipv4-unicast", vrrpConf{State: "BACKUP", VRID: 56, Version: 3, AdvertInt: "0.2", VIP: "192.0.2.156"}, true},
	{"v3-ipv6-unicast", vrrpConf{State: "BACKUP", VRID: 57, AdvertInt: "0.2", VIP: "2001:db8::157/64"}, true},
}

// TestIntegrationInterop runs every variant as a mixed pair in both
// roles: the higher-priority router (host 0) is goalived and the backup
// keepalived 2.2.7, then the reverse. The right router becomes master and
// stays the only one, its graceful exit hands the VIP to the other
// implementation, and its restart takes the VIP back (preemption).
func TestIntegrationInterop(t *testing.T) {
	t.Parallel()
	keepalivedBinary(t)
	l := newTestlab(t, 2)
	roles := []struct {
		name           string
		master, backup string
	}{
		{"goalived-master", goalivedKind, keepalivedKind},
		{"keepalived-master", keepalivedKind, goalivedKind},
	}
	for _, tc := range interopCases {
		for _, r := range roles {
			t.Run(tc.name+"/"+r.name, func(t *testing.T) {
				interopScenario(t, l, tc, r.master, r.backup)
			})
		}
	}
}

func interopScenario(t *testing.T, l *testlab, tc interopCase, masterKind, backupKind string) {
	const hiPrio, loPrio = 150, 100
	confs := l.confs(t, tc.base, tc.unicast, []int{0, 1}, []int{hiPrio, loPrio})
	vip, c := tc.base.vip(t), tc.base
	// The master starts first: started together, keepalived's slow start
	// lets the backup win the first election for a moment, and the
	// loser's GARP burst can then reach the client after the winner's
	// (see the report on goalived announcing after it already lost).
	m := l.start(t, 0, masterKind, confs[0])
	b := l.startBackup(t, backupKind, confs[1], vip, c.masterDown(t, hiPrio)+startMargin)

	// Once converged the backup must keep accepting the master's adverts:
	// a window longer than its Master_Down_Interval shows it does.
	l.waitHolder(t, vip, 0, 2*c.masterDown(t, loPrio)+startMargin)
	l.steadyHolder(t, vip, 0, c.masterDown(t, loPrio)+c.advert(t))
	for _, n := range []*node{m, b} {
		if n.kind == goalivedKind {
			n.waitState(t, map[*node]string{m: "MASTER", b: "BACKUP"}[n], 0)
		}
	}
	l.clientReaches(t, vip, 0)

	// Graceful failover to the other implementation.
	stop := time.Now()
	m.term(t)
	l.waitHolder(t, vip, 1, c.masterDown(t, loPrio)+crashMargin)
	took := time.Since(stop)
	t.Logf("%v -> %v graceful failover took %v (skew %v)", m, b, took, c.skew(t, loPrio))
	if max := c.skew(t, loPrio) + takeoverMargin; took > max {
		t.Errorf("graceful failover %v -> %v took %v, want within skew + margin = %v",
			m, b, took, max)
	}
	b.checkPriorityZeroTakeover(t)
	m.waitExit(t)
	l.steadyHolder(t, vip, 1, 2*c.advert(t))
	l.clientReaches(t, vip, 1)

	// The master's restart preempts the other implementation (VRRPv3
	// only: at VRRPv2's 1 s adverts this step costs 5 s a case, and
	// preemption across implementations is the same code path).
	if c.version(t) == 2 {
		return
	}
	m.run(t)
	l.waitHolder(t, vip, 0, c.masterDown(t, hiPrio)+startMargin+time.Second)
	l.steadyHolder(t, vip, 0, 2*c.advert(t))
	l.clientReaches(t, vip, 0)
}

// TestIntegrationNoDualMaster samples both routers' VIPs every 50 ms for
// a steady 5 s window, for a goalived pair and for each mixed pair, with
// VRRPv3 at 100 ms adverts where a lost or misread advert shows quickly.
func TestIntegrationNoDualMaster(t *testing.T) {
	l := newTestlab(t, 2)
	pairs := []struct {
		name   string
		kinds  [2]string
		needKA bool
	}{
		{"goalived-goalived", [2]string{goalivedKind, goalivedKind}, false},
		{"goalived-keepalived", [2]string{goalivedKind, keepalivedKind}, true},
		{"keepalived-goalived", [2]string{keepalivedKind, goalivedKind}, true},
	}
	for k, p := range pairs {
		t.Run(p.name, func(t *testing.T) {
			if p.needKA {
				keepalivedBinary(t)
			}
			base := vrrpConf{State: "BACKUP", VRID: 61 + k, Version: 3, AdvertInt: "0.1", VIP: "192.0.2.16" + string(rune('1'+k))}
			confs := l.confs(t, base, false, []int{0, 1}, []int{200, 100})
			vip := base.vip(t)
			l.start(t, 0, p.kinds[0], confs[0])
			l.startBackup(t, p.kinds[1], confs[1], vip, base.masterDown(t, 200)+startMargin)
			l.waitHolder(t, vip, 0, 2*base.masterDown(t, 100)+startMargin)
			l.steadyHolder(t, vip, 0, 5*time.Second)
		})
	}
}

// TestIntegrationInteropSeveralVIPs: keepalived 2.2.7 rejects an advert
// whose address count or list differs from its own (reference 3.10), so
// a pair with several VIPs (with and without prefix length and label,
// IPv6 with a link-local first) only stays single-master if goalived
// lists them as keepalived does.
func TestIntegrationInteropSeveralVIPs(t *testing.T) {
	t.Parallel()
	keepalivedBinary(t)
	l := newTestlab(t, 2)
	cases := []struct {
		name string
		base vrrpConf
	}{
		{"v3-ipv4", vrrpConf{VRID: 121, Version: 3, AdvertInt: "0.2", VIP: "192.0.2.221",
			MoreVIPs: []string{"192.0.2.222/24", "192.0.2.223 label eth0:vip", "198.51.100.224/25 dev eth0"}}},
		{"v3-ipv6", vrrpConf{VRID: 122, AdvertInt: "0.2", VIP: "fe80::122/64",
			MoreVIPs: []string{"2001:db8::222/64", "2001:db8::223"}}},
	}
	for _, tc := range cases {
		for _, kinds := range [][2]string{{goalivedKind, keepalivedKind}, {keepalivedKind, goalivedKind}} {
			t.Run(tc.name+"/"+kinds[0]+"-master", func(t *testing.T) {
				base := tc.base
				base.State = "BACKUP"
				confs := l.confs(t, base, false, []int{0, 1}, []int{150, 100})
				vip := base.vip(t)
				l.start(t, 0, kinds[0], confs[0])
				l.startBackup(t, kinds[1], confs[1], vip, base.masterDown(t, 150)+startMargin)
				l.waitHolder(t, vip, 0, 2*base.masterDown(t, 100)+startMargin)
				l.steadyHolder(t, vip, 0, base.masterDown(t, 100)+base.advert(t))
				for _, s := range base.MoreVIPs {
					more := vrrpConf{VIP: strings.Fields(s)[0]}.vip(t)
					l.waitHolder(t, more, 0, 0)
				}
			})
		}
	}
}
