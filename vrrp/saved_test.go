package vrrp

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestSaveRestoreContinues saves a machine mid-run, carries the state
// through JSON, restores it at another epoch (the new process's clock)
// and feeds both machines the same events from then on: every result must
// be the same, deadlines shifted by the epoch difference.
func TestSaveRestoreContinues(t *testing.T) {
	master := []timed{{0, Start{}}, {mdi100, Timer{}}}
	ah := func(c *Config) { c.AuthType, c.AuthPass = AuthAH, [8]byte{'p', 'w'} }
	tests := []struct {
		name  string
		mod   func(*Config)
		setup []timed
		save  time.Duration
		after []timed
	}{
		{name: "backup waiting for the master", setup: []timed{{0, Start{}}, {time.Second, adv(150)}}, save: 2 * time.Second,
			after: []timed{{2500 * time.Millisecond, adv(150)}, {10 * time.Second, Timer{}}, {10500 * time.Millisecond, Timer{}}}},
		{name: "master between adverts with the garp delay pending", mod: func(c *Config) { c.GARP.MasterDelay = 5 * time.Second },
			setup: master, save: mdi100 + 1300*time.Millisecond,
			after: []timed{{mdi100 + 2*time.Second, Timer{}}, {mdi100 + 3*time.Second, Timer{}}, {mdi100 + 5*time.Second, Timer{}},
				{mdi100 + 5500*time.Millisecond, adv(50)}, {mdi100 + 5700*time.Millisecond, adv(50)}, {mdi100 + 6*time.Second, adv(150)}}},
		{name: "backup holding preemption", mod: func(c *Config) { c.PreemptDelay = 10 * time.Second },
			setup: []timed{{0, Start{}}, {time.Second, adv(50)}}, save: 3 * time.Second,
			after: []timed{{4 * time.Second, adv(50)}, {11 * time.Second, adv(50)}, {12 * time.Second, Timer{}}, {20 * time.Second, Timer{}}}},
		{name: "v3 backup following a slower master", mod: func(c *Config) { c.Version = 3; c.AuthType = AuthNone; c.AuthPass = [8]byte{} },
			setup: []timed{{0, Start{}}, {time.Second, advV3(150, 2*time.Second)}}, save: 2 * time.Second,
			after: []timed{{5 * time.Second, Timer{}}, {7600 * time.Millisecond, Timer{}}, {8 * time.Second, Timer{}}}},
		{name: "AH master keeps its sequence", mod: ah, setup: master, save: mdi100 + 500*time.Millisecond,
			after: []timed{{mdi100 + time.Second, Timer{}}, {mdi100 + 2*time.Second, Timer{}}, {mdi100 + 2100*time.Millisecond, Shutdown{}}}},
		{name: "fault", setup: []timed{{0, Start{}}, {time.Second, FaultSet{}}}, save: 2 * time.Second,
			after: []timed{{3 * time.Second, adv(150)}, {4 * time.Second, FaultCleared{}}, {9 * time.Second, Timer{}}}},
	}
	const epoch = 1000 * time.Hour // the new process's clock reads elsewhere
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := machineConfig(tt.mod)
			a, err := NewMachine(cfg)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range tt.setup {
				a.Step(t0.Add(s.at), s.ev)
			}
			saved, err := a.Save(t0.Add(tt.save))
			if err != nil {
				t.Fatal(err)
			}
			wire, err := json.Marshal(saved)
			if err != nil {
				t.Fatal(err)
			}
			var got Saved
			if err := json.Unmarshal(wire, &got); err != nil {
				t.Fatalf("decode %s: %v", wire, err)
			}
			b, err := RestoreMachine(cfg, got, t0.Add(epoch+tt.save))
			if err != nil {
				t.Fatal(err)
			}
			if b.State() != a.State() || b.Priority() != a.Priority() {
				t.Fatalf("restored %v/%d, saved %v/%d", b.State(), b.Priority(), a.State(), a.Priority())
			}
			if !b.deadline().Equal(a.deadline().Add(epoch)) && !a.deadline().IsZero() {
				t.Errorf("restored deadline %v, want %v", b.deadline().Sub(t0), a.deadline().Add(epoch).Sub(t0))
			}
			for _, s := range tt.after {
				ra, rb := a.Step(t0.Add(s.at), s.ev), b.Step(t0.Add(epoch+s.at), s.ev)
				if !rb.Deadline.IsZero() {
					rb.Deadline = rb.Deadline.Add(-epoch)
				}
				if diff := cmp.Diff(ra, rb, addrCmp, cmpopts.EquateEmpty(), cmpopts.EquateErrors()); diff != "" {
					t.Errorf("at %v %T (-saved machine +restored):\n%s", s.at, s.ev, diff)
				}
			}
			if diff := cmp.Diff(a.Stats(), b.Stats()); diff != "" {
				t.Errorf("stats (-saved +restored):\n%s", diff)
			}
		})
	}
}

func TestSaveRestoreRefuses(t *testing.T) {
	m, err := NewMachine(machineConfig(nil))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Save(t0); err == nil {
		t.Error("saving a machine that has not started succeeded")
	}
	if _, err := RestoreMachine(machineConfig(nil), Saved{State: StateInit}, t0); err == nil {
		t.Error("restoring INIT succeeded")
	}
	var s State
	if err := s.UnmarshalText([]byte("LEADER")); err == nil {
		t.Error("unknown state name decoded")
	}
	m.Step(t0, Start{})
	saved, err := m.Save(t0)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Restore(saved, t0); err == nil {
		t.Error("restoring into a started machine succeeded")
	}
}
