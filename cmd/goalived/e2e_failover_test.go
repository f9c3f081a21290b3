package main

import (
	"testing"
	"time"
)

// Margins over the protocol's own timers: process start-up (keepalived
// takes over a second to start on a loaded machine) and exit, polling
// (20 ms) and a loaded 2-core CI machine. They are deadlines, not sleeps.
// At short advert intervals a takeover after priority 0 and one after a
// down timer are too close to tell apart by time within these margins,
// which is why checkPriorityZeroTakeover asks the daemon for the reason.
const (
	startMargin    = 6 * time.Second
	takeoverMargin = 1500 * time.Millisecond
	crashMargin    = time.Second
)

// failoverCase is one protocol variant of the goalived-only scenario.
type failoverCase struct {
	name    string
	base    vrrpConf
	unicast bool
}

var failoverCases = []failoverCase{
	{"v3-ipv4-multicast", vrrpConf{State: "BACKUP", VRID: 31, Version: 3, AdvertInt: "0.2", VIP: "192.0.2.131"}, false},
	{"v3-ipv6-multicast", vrrpConf{State: "BACKUP", VRID: 32, AdvertInt: "0.2", VIP: "2001:db8::132/64"}, false},
	{"v3-ipv4-unicast", vrrpConf{State: "BACKUP", VRID: 33, Version: 3, AdvertInt: "0.2", VIP: "192.0.2.133"}, true},
	{"v3-ipv6-unicast", vrrpConf{State: "BACKUP", VRID: 34, AdvertInt: "0.2", VIP: "2001:db8::134/64"}, true},
	// The user's VRRPv2 shape (advert_int 1, auth PASS) costs 22 s here;
	// it runs in TestIntegrationInterop and TestIntegrationHealthCheckMovesVIP.
}

// TestIntegrationFailover runs two goalived routers (A priority 150, B
// 100) and a client through election, crash failover (A's cable cut),
// preemption when A comes back, graceful failover (SIGTERM), preemption
// by a restarted A and, with nopreempt, no preemption. After each step
// the VIP is on exactly the expected router and the client reaches it
// through that router's MAC.
func TestIntegrationFailover(t *testing.T) {
	t.Parallel()
	l := newTestlab(t, 2)
	for _, tc := range failoverCases {
		t.Run(tc.name, func(t *testing.T) { failoverScenario(t, l, tc) })
	}
}

func failoverScenario(t *testing.T, l *testlab, tc failoverCase) {
	const hiPrio, loPrio = 150, 100
	confs := l.confs(t, tc.base, tc.unicast, []int{0, 1}, []int{hiPrio, loPrio})
	vip, c := tc.base.vip(t), tc.base
	a := l.start(t, 0, goalivedKind, confs[0])
	b := l.start(t, 1, goalivedKind, confs[1])

	// Election: the higher priority wins.
	l.waitHolder(t, vip, 0, c.masterDown(t, hiPrio)+startMargin)
	a.waitState(t, "MASTER", time.Second)
	b.waitState(t, "BACKUP", time.Second)
	l.clientReaches(t, vip, 0)

	// Crash failover: A's cable is cut, so B hears nothing and takes over
	// after its Master_Down_Interval; A itself sees no carrier and goes
	// FAULT (keepalived tracks the instance's interface by default).
	t.Cleanup(func() { l.setPort(t, 0, true) })
	cut := time.Now()
	l.setPort(t, 0, false)
	waitFor(t, c.masterDown(t, loPrio)+crashMargin, func() bool { return l.hasAddr(t, 1, vip) },
		func() string { return "B to take the VIP after A's cable cut" })
	took := time.Since(cut)
	t.Logf("crash failover took %v (Master_Down_Interval %v)", took, c.masterDown(t, loPrio))
	if min := c.masterDown(t, loPrio) - c.advert(t) - 50*time.Millisecond; took < min {
		t.Errorf("B took over %v after the cut, before its Master_Down_Interval could expire (>= %v)", took, min)
	}
	b.waitState(t, "MASTER", time.Second)
	a.waitState(t, "FAULT", 2*time.Second)
	l.waitHolder(t, vip, 1, time.Second)
	l.clientReaches(t, vip, 1)

	// Preemption: A's cable is back; A (BACKUP again) discards B's lower
	// priority adverts and takes over when its down timer expires.
	l.setPort(t, 0, true)
	l.waitHolder(t, vip, 0, c.masterDown(t, hiPrio)+crashMargin)
	b.waitState(t, "BACKUP", time.Second)
	l.clientReaches(t, vip, 0)

	// Graceful failover: A's priority-0 advert makes B take over after
	// its skew time only.
	stop := time.Now()
	a.term(t)
	l.waitHolder(t, vip, 1, c.masterDown(t, loPrio)+crashMargin)
	took = time.Since(stop)
	t.Logf("graceful failover took %v (skew %v)", took, c.skew(t, loPrio))
	if max := c.skew(t, loPrio) + takeoverMargin; took > max {
		t.Errorf("graceful failover took %v, want within skew + margin = %v", took, max)
	}
	b.checkPriorityZeroTakeover(t)
	a.waitExit(t)
	l.clientReaches(t, vip, 1)

	// A restarted preempts B.
	a.run(t)
	l.waitHolder(t, vip, 0, c.masterDown(t, hiPrio)+startMargin)
	l.clientReaches(t, vip, 0)

	// A restarted with nopreempt (and state BACKUP, since keepalived
	// ignores nopreempt with state MASTER) leaves B master.
	a.term(t)
	l.waitHolder(t, vip, 1, c.masterDown(t, loPrio)+crashMargin)
	a.waitExit(t)
	a.conf.Nopreempt, a.conf.State = true, "BACKUP"
	a.run(t)
	a.waitState(t, "BACKUP", startMargin)
	l.steadyHolder(t, vip, 1, 2*c.masterDown(t, hiPrio))
	a.waitState(t, "BACKUP", 0)
	l.clientReaches(t, vip, 1)
}

// TestIntegrationElectionThreeRouters checks that of three goalived
// routers the highest priority wins, that on its graceful exit the next
// highest (shortest skew) takes over, and that the lowest never holds the
// VIP, also when the highest comes back and preempts.
func TestIntegrationElectionThreeRouters(t *testing.T) {
	t.Parallel()
	l := newTestlab(t, 3)
	base := vrrpConf{State: "BACKUP", VRID: 41, Version: 3, AdvertInt: "0.2", VIP: "192.0.2.141"}
	prios := []int{100, 200, 150}
	confs := l.confs(t, base, false, []int{0, 1, 2}, prios)
	vip := base.vip(t)
	var nodes []*node
	for i := 0; i < 3; i++ {
		nodes = append(nodes, l.start(t, i, goalivedKind, confs[i]))
	}
	l.waitHolder(t, vip, 1, base.masterDown(t, 200)+startMargin)
	nodes[0].waitState(t, "BACKUP", time.Second)
	nodes[2].waitState(t, "BACKUP", time.Second)
	l.steadyHolder(t, vip, 1, time.Second)
	l.clientReaches(t, vip, 1)

	nodes[1].term(t)
	l.waitHolder(t, vip, 2, base.skew(t, 150)+takeoverMargin)
	nodes[2].checkPriorityZeroTakeover(t)
	nodes[1].waitExit(t)
	nodes[0].waitState(t, "BACKUP", time.Second)
	l.steadyHolder(t, vip, 2, time.Second)
	l.clientReaches(t, vip, 2)

	nodes[1].run(t)
	l.waitHolder(t, vip, 1, base.masterDown(t, 200)+startMargin)
	l.steadyHolder(t, vip, 1, time.Second)
	l.clientReaches(t, vip, 1)
}
