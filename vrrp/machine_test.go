package vrrp

import (
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var (
	t0      = time.Date(2026, 11, 25, 13, 0, 0, 0, time.UTC)
	addrCmp = cmp.Comparer(func(a, b netip.Addr) bool { return a == b })
	peerHi  = netip.MustParseAddr("192.0.2.20") // numerically above testSelf
	peerLo  = netip.MustParseAddr("192.0.2.5")
)

type timed struct {
	at time.Duration
	ev Event
}

func adv(prio uint8) AdvertReceived {
	return AdvertReceived{Src: testSrc, Dst: GroupIPv4, Advert: Advert{Version: 2, Type: 1, VRID: 51,
		Priority: prio, Interval: time.Second, Addrs: testVIPs}}
}

func advFrom(prio uint8, src netip.Addr) AdvertReceived {
	a := adv(prio)
	a.Src = src
	return a
}

func advV3(prio uint8, interval time.Duration) AdvertReceived {
	a := adv(prio)
	a.Advert.Version, a.Advert.Interval = 3, interval
	return a
}

func machineConfig(mod func(*Config)) Config {
	c := Config{Name: "VI_1", VRID: 51, Version: 2, Priority: 100, Interval: time.Second,
		Addrs: testVIPs, Source: testSelf, GARP: DefaultGARP()}
	if mod != nil {
		mod(&c)
	}
	return c
}

func send(c Config, prio uint8) *SendAdvert {
	return &SendAdvert{Advert: (&c).advertNormalized(prio)}
}

// advertNormalized is what the machine sends for c at prio.
func (c *Config) advertNormalized(prio uint8) Advert {
	n, err := c.normalize()
	if err != nil {
		panic(err)
	}
	return n.advert(prio)
}

func mustReload(c Config) Reload {
	r, err := NewReload(c)
	if err != nil {
		panic(err)
	}
	return r
}

func becomeMaster(c Config, from State, why Reason, prio uint8) []Action {
	return []Action{send(c, prio), AddVIPs{}, Announce{Rounds: 5, Why: AnnounceBecameMaster},
		Notify{From: from, To: StateMaster, Reason: why, Priority: prio}}
}

const (
	skew100 = 156 * time.Second / 256 // v2, priority 100
	mdi100  = 3*time.Second + skew100
)

func TestMachineStep(t *testing.T) {
	base := machineConfig(nil)
	master := []timed{{0, Start{}}, {mdi100, Timer{}}} // ends MASTER at mdi100
	tests := []struct {
		name     string
		mod      func(*Config)
		setup    []timed
		at       time.Duration
		ev       Event
		state    State
		reason   Reason
		actions  []Action
		deadline time.Duration // from t0; -1 means none
	}{
		{name: "start backup", ev: Start{}, state: StateBackup, reason: ReasonStart,
			actions:  []Action{Notify{StateInit, StateBackup, ReasonStart, 100}},
			deadline: mdi100},
		{name: "v2 priority 110 master down 3.5703125s", mod: func(c *Config) { c.Priority = 110 }, ev: Start{},
			state: StateBackup, reason: ReasonStart, actions: []Action{Notify{StateInit, StateBackup, ReasonStart, 110}},
			deadline: 3*time.Second + 146*time.Second/256},
		{name: "v2 skew ignores advert_int", mod: func(c *Config) { c.Interval = 2 * time.Second }, ev: Start{},
			state: StateBackup, reason: ReasonStart, actions: []Action{Notify{StateInit, StateBackup, ReasonStart, 100}},
			deadline: 6*time.Second + skew100},
		{name: "v3 skew scales with interval", mod: func(c *Config) { c.Version = 3; c.Interval = 500 * time.Millisecond }, ev: Start{},
			state: StateBackup, reason: ReasonStart, actions: []Action{Notify{StateInit, StateBackup, ReasonStart, 100}},
			deadline: 1500*time.Millisecond + 156*500*time.Millisecond/256},
		{name: "down_timer_adverts 5", mod: func(c *Config) { c.DownTimerAdverts = 5 }, ev: Start{},
			state: StateBackup, reason: ReasonStart, actions: []Action{Notify{StateInit, StateBackup, ReasonStart, 100}},
			deadline: 5*time.Second + skew100},
		{name: "owner goes master at once", mod: func(c *Config) { c.Priority = 255; c.WantMaster = true }, ev: Start{},
			state: StateMaster, reason: ReasonOwner,
			actions:  becomeMaster(machineConfig(func(c *Config) { c.Priority = 255 }), StateInit, ReasonOwner, 255),
			deadline: time.Second},
		{name: "state MASTER below 255 has no head start", mod: func(c *Config) { c.Priority = 150; c.WantMaster = true }, ev: Start{},
			state: StateBackup, reason: ReasonStart, actions: []Action{Notify{StateInit, StateBackup, ReasonStart, 150}},
			deadline: 3*time.Second + 106*time.Second/256},
		{name: "start with fault", setup: []timed{{0, FaultSet{}}}, ev: Start{}, state: StateFault, reason: ReasonFault,
			actions: []Action{Notify{StateInit, StateFault, ReasonFault, 100}}, deadline: -1},
		{name: "master down timer", setup: []timed{{0, Start{}}}, at: mdi100, ev: Timer{}, state: StateMaster,
			reason: ReasonMasterDown, actions: becomeMaster(base, StateBackup, ReasonMasterDown, 100), deadline: mdi100 + time.Second},
		{name: "timer before deadline does nothing", setup: []timed{{0, Start{}}}, at: mdi100 - 1, ev: Timer{}, state: StateBackup,
			reason: ReasonIgnored, deadline: mdi100},
		{name: "backup accepts higher", setup: []timed{{0, Start{}}}, at: 2 * time.Second, ev: adv(150), state: StateBackup,
			reason: ReasonAdvertAccepted, deadline: 2*time.Second + mdi100},
		{name: "backup accepts equal without address compare", setup: []timed{{0, Start{}}}, at: 2 * time.Second, ev: advFrom(100, peerLo),
			state: StateBackup, reason: ReasonAdvertAccepted, deadline: 2*time.Second + mdi100},
		{name: "backup discards lower (preempt)", setup: []timed{{0, Start{}}}, at: 2 * time.Second, ev: adv(50), state: StateBackup,
			reason: ReasonAdvertDiscarded, actions: []Action{RxDiscarded{testSrc, 50}}, deadline: mdi100},
		{name: "nopreempt accepts lower", mod: func(c *Config) { c.NoPreempt = true }, setup: []timed{{0, Start{}}},
			at: 2 * time.Second, ev: adv(50), state: StateBackup, reason: ReasonAdvertAccepted, deadline: 2*time.Second + mdi100},
		{name: "state MASTER clears nopreempt", mod: func(c *Config) { c.NoPreempt = true; c.WantMaster = true }, setup: []timed{{0, Start{}}},
			at: 2 * time.Second, ev: adv(50), state: StateBackup, reason: ReasonAdvertDiscarded,
			actions: []Action{RxDiscarded{testSrc, 50}}, deadline: mdi100},
		{name: "preempt_delay accepts lower at first", mod: func(c *Config) { c.PreemptDelay = 10 * time.Second },
			setup: []timed{{0, Start{}}, {time.Second, adv(50)}}, at: 10 * time.Second, ev: adv(50), state: StateBackup,
			reason: ReasonPreemptDelay, deadline: 10*time.Second + mdi100},
		{name: "preempt_delay expired discards", mod: func(c *Config) { c.PreemptDelay = 10 * time.Second },
			setup: []timed{{0, Start{}}, {time.Second, adv(50)}, {5 * time.Second, adv(50)}, {10 * time.Second, adv(50)}},
			at:    11 * time.Second, ev: adv(50), state: StateBackup, reason: ReasonAdvertDiscarded,
			actions: []Action{RxDiscarded{testSrc, 50}}, deadline: 10*time.Second + mdi100},
		{name: "preempt_delay restarted by higher advert", mod: func(c *Config) { c.PreemptDelay = 10 * time.Second },
			setup: []timed{{0, Start{}}, {time.Second, adv(50)}, {2 * time.Second, adv(150)}},
			at:    12 * time.Second, ev: adv(50), state: StateBackup, reason: ReasonPreemptDelay, deadline: 12*time.Second + mdi100},
		{name: "backup priority 0 advert: skew only", mod: func(c *Config) { c.Priority = 50 }, setup: []timed{{0, Start{}}, {time.Second, adv(100)}},
			at: 2 * time.Second, ev: adv(0), state: StateBackup, reason: ReasonPriorityZero,
			actions: []Action{RxPriorityZero{testSrc}}, deadline: 2*time.Second + 206*time.Second/256},
		{name: "takeover after priority 0 names it", mod: func(c *Config) { c.Priority = 50 },
			setup: []timed{{0, Start{}}, {time.Second, adv(100)}, {2 * time.Second, adv(0)}},
			at:    2*time.Second + 206*time.Second/256, ev: Timer{}, state: StateMaster, reason: ReasonPriorityZero,
			actions:  becomeMaster(machineConfig(func(c *Config) { c.Priority = 50 }), StateBackup, ReasonPriorityZero, 50),
			deadline: 3*time.Second + 206*time.Second/256},
		{name: "fast preempt takes over after skew", mod: func(c *Config) { c.FastPreempt = true; c.Priority = 150 },
			setup: []timed{{0, Start{}}}, at: 2 * time.Second, ev: adv(100), state: StateBackup, reason: ReasonAdvertDiscarded,
			actions: []Action{RxDiscarded{testSrc, 100}}, deadline: 2*time.Second + 106*time.Second/256},
		{name: "fast preempt off by nopreempt", mod: func(c *Config) { c.FastPreempt = true; c.Priority = 150; c.NoPreempt = true },
			setup: []timed{{0, Start{}}}, at: 2 * time.Second, ev: adv(100), state: StateBackup, reason: ReasonAdvertAccepted,
			deadline: 5*time.Second + 106*time.Second/256},
		{name: "v3 backup adopts master interval", mod: func(c *Config) { c.Version = 3 }, setup: []timed{{0, Start{}}},
			at: time.Second, ev: advV3(200, 200*time.Millisecond), state: StateBackup, reason: ReasonAdvertAccepted,
			deadline: time.Second + 600*time.Millisecond + 156*200*time.Millisecond/256},
		{name: "backup priority change shifts down timer", setup: []timed{{0, Start{}}}, at: time.Second, ev: PriorityChanged{Priority: 200},
			state: StateBackup, reason: ReasonPriorityChanged, deadline: 3*time.Second + 56*time.Second/256},
		{name: "priority clamped to 254", setup: []timed{{0, Start{}}}, at: time.Second, ev: PriorityChanged{Priority: 400},
			state: StateBackup, reason: ReasonPriorityChanged, deadline: 3*time.Second + 2*time.Second/256},
		{name: "owner priority frozen", mod: func(c *Config) { c.Priority = 255; c.WantMaster = true }, setup: []timed{{0, Start{}}},
			at: 500 * time.Millisecond, ev: PriorityChanged{Priority: 100}, state: StateMaster, reason: ReasonIgnored, deadline: time.Second},
		{name: "fast preempt: a master whose priority fell advertises it at once", mod: func(c *Config) { c.FastPreempt = true },
			setup: master, at: mdi100 + 300*time.Millisecond, ev: PriorityChanged{Priority: 50}, state: StateMaster,
			reason: ReasonPriorityChanged, actions: []Action{send(machineConfig(func(c *Config) { c.FastPreempt = true }), 50)},
			deadline: mdi100 + 1300*time.Millisecond},
		{name: "fast preempt: a risen priority waits for the advert timer", mod: func(c *Config) { c.FastPreempt = true },
			setup: master, at: mdi100 + 300*time.Millisecond, ev: PriorityChanged{Priority: 150}, state: StateMaster,
			reason: ReasonPriorityChanged, deadline: mdi100 + time.Second},
		{name: "without fast preempt a fallen priority waits for the advert timer (keepalived)",
			setup: master, at: mdi100 + 300*time.Millisecond, ev: PriorityChanged{Priority: 50}, state: StateMaster,
			reason: ReasonPriorityChanged, deadline: mdi100 + time.Second},
		{name: "master advert timer", setup: master, at: mdi100 + time.Second, ev: Timer{}, state: StateMaster,
			reason: ReasonAdvertTimer, actions: []Action{send(base, 100)}, deadline: mdi100 + 2*time.Second},
		{name: "master second garp burst", setup: append(master, timed{mdi100 + time.Second, Timer{}}, timed{mdi100 + 2*time.Second, Timer{}},
			timed{mdi100 + 3*time.Second, Timer{}}, timed{mdi100 + 4*time.Second, Timer{}}),
			at: mdi100 + 5*time.Second, ev: Timer{}, state: StateMaster, reason: ReasonGARPTimer,
			actions: []Action{send(base, 100), Announce{5, AnnounceMasterDelay}}, deadline: mdi100 + 6*time.Second},
		{name: "master refresh garp", mod: func(c *Config) {
			c.GARP = GARPConfig{MasterRepeat: 1, MasterRefresh: 500 * time.Millisecond, MasterRefreshRepeat: 2}
		},
			setup: master, at: mdi100 + 500*time.Millisecond, ev: Timer{}, state: StateMaster, reason: ReasonGARPTimer,
			actions: []Action{Announce{2, AnnounceRefresh}}, deadline: mdi100 + time.Second},
		{name: "first refresh one period after becoming master, not after the delay", mod: func(c *Config) {
			c.GARP = GARPConfig{MasterRepeat: 1, MasterDelay: 2 * time.Second, MasterRefresh: 500 * time.Millisecond, MasterRefreshRepeat: 2}
		},
			setup: master, at: mdi100 + 500*time.Millisecond, ev: Timer{}, state: StateMaster, reason: ReasonGARPTimer,
			actions: []Action{Announce{2, AnnounceRefresh}}, deadline: mdi100 + time.Second},
		{name: "master yields to higher", setup: master, at: mdi100 + 100*time.Millisecond, ev: adv(150), state: StateBackup,
			reason:   ReasonHigherPriority,
			actions:  []Action{RxHigherPriority{testSrc, 150}, RemoveVIPs{}, Notify{StateMaster, StateBackup, ReasonHigherPriority, 100}},
			deadline: 2*mdi100 + 100*time.Millisecond},
		{name: "higher_prio_send_advert", mod: func(c *Config) { c.HigherPrioSendAdvert = true }, setup: master,
			at: mdi100, ev: adv(150), state: StateBackup, reason: ReasonHigherPriority,
			actions: []Action{send(base, 100), RxHigherPriority{testSrc, 150}, RemoveVIPs{},
				Notify{StateMaster, StateBackup, ReasonHigherPriority, 100}},
			deadline: 2 * mdi100},
		{name: "master yields to equal priority higher address", setup: master, at: mdi100, ev: advFrom(100, peerHi), state: StateBackup,
			reason:   ReasonHigherPriority,
			actions:  []Action{RxHigherPriority{peerHi, 100}, RemoveVIPs{}, Notify{StateMaster, StateBackup, ReasonHigherPriority, 100}},
			deadline: 2 * mdi100},
		{name: "master keeps against equal priority lower address", setup: master, at: mdi100 + 300*time.Millisecond, ev: advFrom(100, peerLo),
			state: StateMaster, reason: ReasonLowerPriority,
			actions:  []Action{send(base, 100), Announce{5, AnnounceLowerPriority}, RxLowerPriority{peerLo, 100}},
			deadline: mdi100 + 1300*time.Millisecond},
		{name: "master rx lower with lower_prio_no_advert and repeat 0 still re-announces once",
			mod:   func(c *Config) { c.LowerPrioNoAdvert = true; c.GARP.LowerPrioRepeat = 0 },
			setup: master, at: mdi100 + 300*time.Millisecond, ev: adv(50), state: StateMaster, reason: ReasonLowerPriority,
			actions: []Action{Announce{1, AnnounceLowerPriority}, RxLowerPriority{testSrc, 50}}, deadline: mdi100 + time.Second},
		{name: "master lower-priority flood answered once an interval", setup: append(master, timed{mdi100 + 300*time.Millisecond, adv(50)}),
			at: mdi100 + 900*time.Millisecond, ev: adv(50), state: StateMaster, reason: ReasonLowerPriority,
			deadline: mdi100 + 1300*time.Millisecond},
		{name: "master answers lower priority again after an interval",
			setup: append(master, timed{mdi100 + 300*time.Millisecond, adv(50)}, timed{mdi100 + 900*time.Millisecond, adv(50)}),
			at:    mdi100 + 1300*time.Millisecond, ev: adv(50), state: StateMaster, reason: ReasonLowerPriority,
			actions:  []Action{send(base, 100), Announce{5, AnnounceLowerPriority}, RxLowerPriority{testSrc, 50}},
			deadline: mdi100 + 2300*time.Millisecond},
		{name: "master answers a suppressed lower-priority advert when the interval is up",
			setup: append(master, timed{mdi100 + 300*time.Millisecond, adv(50)}, timed{mdi100 + 900*time.Millisecond, adv(50)}),
			at:    mdi100 + 1300*time.Millisecond, ev: Timer{}, state: StateMaster, reason: ReasonLowerPriority,
			actions:  []Action{send(base, 100), Announce{5, AnnounceLowerPriority}},
			deadline: mdi100 + 2300*time.Millisecond},
		{name: "master owes no answer when none was suppressed",
			setup: append(master, timed{mdi100 + 300*time.Millisecond, adv(50)}),
			at:    mdi100 + 1300*time.Millisecond, ev: Timer{}, state: StateMaster, reason: ReasonAdvertTimer,
			actions: []Action{send(base, 100)}, deadline: mdi100 + 2300*time.Millisecond},
		{name: "late advert timer keeps the schedule", setup: master, at: mdi100 + 1010*time.Millisecond, ev: Timer{},
			state: StateMaster, reason: ReasonAdvertTimer, actions: []Action{send(base, 100)}, deadline: mdi100 + 2*time.Second},
		{name: "advert timer a whole interval late starts again from now", setup: master, at: mdi100 + 2500*time.Millisecond, ev: Timer{},
			state: StateMaster, reason: ReasonAdvertTimer, actions: []Action{send(base, 100)}, deadline: mdi100 + 3500*time.Millisecond},
		{name: "master answers priority 0", setup: master, at: mdi100 + 300*time.Millisecond, ev: adv(0), state: StateMaster,
			reason: ReasonPriorityZero, actions: []Action{send(base, 100), RxPriorityZero{testSrc}}, deadline: mdi100 + 1300*time.Millisecond},
		{name: "master shutdown sends priority 0", setup: master, at: mdi100 + 300*time.Millisecond, ev: Shutdown{}, state: StateStopped,
			reason: ReasonShutdown, actions: []Action{send(base, 0), RemoveVIPs{}, Notify{StateMaster, StateStopped, ReasonShutdown, 100}},
			deadline: -1},
		{name: "master shutdown keeping vips (-V)", setup: master, at: mdi100, ev: Shutdown{KeepVIPs: true}, state: StateStopped,
			reason: ReasonShutdown, actions: []Action{Notify{StateMaster, StateStopped, ReasonShutdown, 100}}, deadline: -1},
		{name: "reload master adding a vip", setup: master, at: mdi100 + 200*time.Millisecond,
			ev:    mustReload(machineConfig(func(c *Config) { c.Addrs = append(testVIPs[:2:2], netip.MustParseAddr("192.0.2.102")) })),
			state: StateMaster, reason: ReasonReload,
			actions:  []Action{send(base, 100), AddVIPs{}, Announce{5, AnnounceReload}},
			deadline: mdi100 + time.Second},
		{name: "reload master removing a vip", setup: master, at: mdi100 + 200*time.Millisecond,
			ev:    mustReload(machineConfig(func(c *Config) { c.Addrs = testVIPs[:1] })),
			state: StateMaster, reason: ReasonReload, actions: []Action{send(base, 100)}, deadline: mdi100 + time.Second},
		{name: "reload backup keeps its timer", setup: []timed{{0, Start{}}}, at: time.Second,
			ev:    mustReload(machineConfig(func(c *Config) { c.Priority = 120 })),
			state: StateBackup, reason: ReasonReload, deadline: 3*time.Second + 136*time.Second/256},
		{name: "backup shutdown", setup: []timed{{0, Start{}}}, at: time.Second, ev: Shutdown{}, state: StateStopped, reason: ReasonShutdown,
			actions: []Action{Notify{StateBackup, StateStopped, ReasonShutdown, 100}}, deadline: -1},
		{name: "master fault resigns", setup: master, at: mdi100 + 300*time.Millisecond, ev: FaultSet{}, state: StateFault, reason: ReasonFault,
			actions: []Action{send(base, 0), RemoveVIPs{}, Notify{StateMaster, StateFault, ReasonFault, 100}}, deadline: -1},
		{name: "fault ignores adverts", setup: append(master, timed{mdi100, FaultSet{}}), at: mdi100 + time.Second, ev: adv(0),
			state: StateFault, reason: ReasonIgnored, deadline: -1},
		{name: "fault cleared goes backup", setup: append(master, timed{mdi100, FaultSet{}}), at: 10 * time.Second, ev: FaultCleared{},
			state: StateBackup, reason: ReasonFaultCleared, actions: []Action{Notify{StateFault, StateBackup, ReasonFaultCleared, 100}},
			deadline: 10*time.Second + mdi100},
		{name: "dropped packet", setup: []timed{{0, Start{}}}, at: time.Second,
			ev:    PacketReceived{peerPacket(func(a *Advert) { a.AuthType = AuthNone; a.AuthData = [8]byte{} }, GroupIPv4, 64)},
			state: StateBackup, reason: ReasonDropped, deadline: mdi100},
		{name: "valid packet with other vips accepted", setup: []timed{{0, Start{}}}, at: time.Second,
			ev: PacketReceived{peerPacket(func(a *Advert) {
				a.AuthType, a.AuthData, a.Priority, a.Addrs = AuthNone, [8]byte{}, 200, testVIPs[:1]
			}, GroupIPv4, 255)},
			state: StateBackup, reason: ReasonAdvertAccepted, deadline: time.Second + mdi100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := NewMachine(machineConfig(tt.mod))
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range tt.setup {
				m.Step(t0.Add(s.at), s.ev)
			}
			r := m.Step(t0.Add(tt.at), tt.ev)
			if r.State != tt.state || r.Reason != tt.reason {
				t.Errorf("state %v reason %q, want %v %q (drop %v)", r.State, r.Reason, tt.state, tt.reason, r.Drop)
			}
			if diff := cmp.Diff(tt.actions, r.Actions, addrCmp, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("actions (-want +got):\n%s", diff)
			}
			want := time.Time{}
			if tt.deadline >= 0 {
				want = t0.Add(tt.deadline)
			}
			if !r.Deadline.Equal(want) {
				t.Errorf("deadline %v, want %v", r.Deadline.Sub(t0), want.Sub(t0))
			}
		})
	}
}

func TestMachineStats(t *testing.T) {
	m, err := NewMachine(machineConfig(func(c *Config) { c.AuthType = AuthPass; c.AuthPass = [8]byte{'s', '3', 'c', 'r', 'e', 't'} }))
	if err != nil {
		t.Fatal(err)
	}
	steps := []timed{
		{0, Start{}},
		{time.Second, PacketReceived{peerPacket(nil, GroupIPv4, 255)}},                                              // lower: discarded, counted
		{time.Second, PacketReceived{peerPacket(func(a *Advert) { a.AuthData[0] = 'x' }, GroupIPv4, 255)}},          // auth failure
		{time.Second, PacketReceived{peerPacket(nil, GroupIPv4, 1)}},                                                // ttl
		{time.Second, PacketReceived{peerPacket(func(a *Advert) { a.Interval = 3 * time.Second }, GroupIPv4, 255)}}, // interval
		{mdi100, Timer{}}, // master: 1 sent
		{mdi100, PacketReceived{peerPacket(func(a *Advert) { a.Priority = 0; a.Addrs = testVIPs[:1] }, GroupIPv4, 255)}}, // prio 0 rx, addr list, 1 sent
		{mdi100, PacketReceived{peerPacket(func(a *Advert) { a.Priority = 200 }, GroupIPv4, 255)}},                       // released
		{2 * mdi100, Timer{}}, // master again
		{2 * mdi100, Shutdown{}},
	}
	for _, s := range steps {
		m.Step(t0.Add(s.at), s.ev)
	}
	got := m.Stats()
	want := Stats{AdvertReceived: 3, AdvertSent: 4, BecameMaster: 2, ReleasedMaster: 1, TTLErr: 1, AdvertIntervalErr: 1,
		AddrListErr: 1, AuthFailure: 1, PriZeroReceived: 1, PriZeroSent: 1}
	want.Drops[DropTTL], want.Drops[DropInterval], want.Drops[DropAuthFailure] = 1, 1, 1
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
}

func TestStringers(t *testing.T) {
	for r := ReasonNone; r < numReasons; r++ {
		if s := r.String(); s == "" || s[0] == 'r' && len(s) > 7 && s[:7] == "reason(" {
			t.Errorf("reason %d has no name", r)
		}
	}
	if len(reasonNames) != int(numReasons) {
		t.Errorf("%d reason names for %d reasons", len(reasonNames), numReasons)
	}
	if StateStopped.String() != "STOP" || State(9).String() != "state(9)" {
		t.Errorf("state names wrong: %v %v", StateStopped, State(9))
	}
}

func TestReloadPriority(t *testing.T) {
	m, err := NewMachine(machineConfig(nil))
	if err != nil {
		t.Fatal(err)
	}
	m.Step(t0, Start{})
	m.Step(t0, PriorityChanged{Priority: 130}) // tracker weight +30
	m.Step(t0.Add(time.Second), mustReload(machineConfig(nil)))
	if m.Priority() != 130 {
		t.Errorf("same base priority: effective %d, want 130 kept", m.Priority())
	}
	m.Step(t0.Add(time.Second), mustReload(machineConfig(func(c *Config) { c.Priority = 90 })))
	if m.Priority() != 90 {
		t.Errorf("new base priority: effective %d, want 90", m.Priority())
	}
	if _, err := NewReload(machineConfig(func(c *Config) { c.VRID = 0 })); err == nil {
		t.Error("NewReload accepted vrid 0")
	}
}
