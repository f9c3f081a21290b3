package vrrp

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestMachineSyncGroup(t *testing.T) {
	base := machineConfig(nil)
	owner := func(c *Config) { c.Priority = 255; c.WantMaster = true }
	master := []timed{{0, Start{}}, {mdi100, Timer{}}}
	held := []timed{{0, Start{}}, {mdi100, Timer{}}} // with a closed gate: held once
	tests := []struct {
		name     string
		mod      func(*Config)
		open     bool // the gate's answer
		setup    []timed
		at       time.Duration
		ev       Event
		state    State
		reason   Reason
		actions  []Action
		deadline time.Duration // -1: none
		wants    bool
		asked    []State // the gate's from arguments, setup included
	}{
		{name: "closed gate holds at the down timer and re-arms it", setup: []timed{{0, Start{}}}, at: mdi100, ev: Timer{},
			state: StateBackup, reason: ReasonSyncHeld, actions: []Action{WantMaster{}}, deadline: 2 * mdi100,
			wants: true, asked: []State{StateBackup}},
		{name: "open gate lets the down timer make master", open: true, setup: []timed{{0, Start{}}}, at: mdi100, ev: Timer{},
			state: StateMaster, reason: ReasonMasterDown, actions: becomeMaster(base, StateBackup, ReasonMasterDown, 100),
			deadline: mdi100 + time.Second, wants: true, asked: []State{StateBackup}},
		{name: "held member asks again at the re-armed timer", open: false, setup: held, at: 2 * mdi100, ev: Timer{},
			state: StateBackup, reason: ReasonSyncHeld, actions: []Action{WantMaster{}}, deadline: 3 * mdi100,
			wants: true, asked: []State{StateBackup, StateBackup}},
		{name: "an accepted advert ends the wish", setup: held, at: mdi100 + time.Second, ev: adv(150),
			state: StateBackup, reason: ReasonAdvertAccepted, deadline: mdi100 + time.Second + mdi100,
			wants: false, asked: []State{StateBackup}},
		{name: "a discarded lower advert keeps the wish", setup: held, at: mdi100 + time.Second, ev: adv(50),
			state: StateBackup, reason: ReasonAdvertDiscarded, actions: []Action{RxDiscarded{testSrc, 50}}, deadline: 2 * mdi100,
			wants: true, asked: []State{StateBackup}},
		{name: "owner held at start starts backup", mod: owner, ev: Start{}, state: StateBackup, reason: ReasonStart,
			actions: []Action{Notify{StateInit, StateBackup, ReasonStart, 255}}, deadline: 3*time.Second + time.Second/256,
			wants: true, asked: []State{StateInit}},
		{name: "owner let through at start", mod: owner, open: true, ev: Start{}, state: StateMaster, reason: ReasonOwner,
			actions: becomeMaster(machineConfig(owner), StateInit, ReasonOwner, 255), deadline: time.Second,
			wants: true, asked: []State{StateInit}},
		{name: "owner held when its fault clears", mod: owner, setup: []timed{{0, FaultSet{}}, {0, Start{}}}, at: time.Second,
			ev: FaultCleared{}, state: StateBackup, reason: ReasonFaultCleared,
			actions:  []Action{Notify{StateFault, StateBackup, ReasonFaultCleared, 255}},
			deadline: time.Second + 3*time.Second + time.Second/256, asked: []State{StateFault}},
		{name: "state MASTER below 255 wants master from the start", mod: func(c *Config) { c.WantMaster = true },
			ev: Start{}, state: StateBackup, reason: ReasonStart, actions: []Action{Notify{StateInit, StateBackup, ReasonStart, 100}},
			deadline: mdi100, wants: true},
		{name: "force master: the whole become-master sequence", open: true, setup: []timed{{0, Start{}}}, at: time.Second,
			ev: ForceMaster{}, state: StateMaster, reason: ReasonSyncGroup,
			actions: becomeMaster(base, StateBackup, ReasonSyncGroup, 100), deadline: 2 * time.Second, wants: true,
			asked: []State{StateBackup}},
		{name: "stale force master refused by the gate", setup: []timed{{0, Start{}}}, at: time.Second,
			ev: ForceMaster{}, state: StateBackup, reason: ReasonSyncHeld, deadline: mdi100, wants: true,
			asked: []State{StateBackup}},
		{name: "force master ignored in fault", setup: []timed{{0, FaultSet{}}, {0, Start{}}}, at: time.Second,
			ev: ForceMaster{}, state: StateFault, reason: ReasonIgnored, deadline: -1},
		{name: "force master ignored by a master", open: true, setup: master, at: mdi100 + 100*time.Millisecond,
			ev: ForceMaster{}, state: StateMaster, reason: ReasonIgnored, deadline: mdi100 + time.Second, wants: true,
			asked: []State{StateBackup}},
		{name: "force backup: vips go, no priority 0, down timer armed", open: true, setup: master, at: mdi100 + 100*time.Millisecond,
			ev: ForceBackup{}, state: StateBackup, reason: ReasonSyncGroup,
			actions:  []Action{RemoveVIPs{}, Notify{StateMaster, StateBackup, ReasonSyncGroup, 100}},
			deadline: 2*mdi100 + 100*time.Millisecond, asked: []State{StateBackup}},
		{name: "force backup ignored by a backup", setup: []timed{{0, Start{}}}, at: time.Second,
			ev: ForceBackup{}, state: StateBackup, reason: ReasonIgnored, deadline: mdi100},
		{name: "a master yielding to a higher advert stops wanting", open: true, setup: master, at: mdi100,
			ev: adv(150), state: StateBackup, reason: ReasonHigherPriority,
			actions:  []Action{RxHigherPriority{testSrc, 150}, RemoveVIPs{}, Notify{StateMaster, StateBackup, ReasonHigherPriority, 100}},
			deadline: 2 * mdi100, asked: []State{StateBackup}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := NewMachine(machineConfig(tt.mod))
			if err != nil {
				t.Fatal(err)
			}
			var asked []State
			m.SetGate(func(from State) bool { asked = append(asked, from); return tt.open })
			for _, s := range tt.setup {
				m.Step(t0.Add(s.at), s.ev)
			}
			r := m.Step(t0.Add(tt.at), tt.ev)
			if r.State != tt.state || r.Reason != tt.reason {
				t.Errorf("state %v reason %q, want %v %q", r.State, r.Reason, tt.state, tt.reason)
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
			if m.WantsMaster() != tt.wants {
				t.Errorf("WantsMaster %t, want %t", m.WantsMaster(), tt.wants)
			}
			if diff := cmp.Diff(tt.asked, asked, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("gate asked with (-want +got):\n%s", diff)
			}
		})
	}
}
