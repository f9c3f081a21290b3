package vrrp

import (
	"testing"
	"time"
)

// FuzzMachine feeds arbitrary event sequences to the machine and checks
// the invariants the runtime relies on: VIPs are owned exactly while
// MASTER, every state change has exactly one Notify, a running machine
// always has a deadline, and a Timer step at the deadline moves it on (no
// busy loop). With prog[0]&64 the machine is a sync group member whose
// gate follows the event's argument, and ForceMaster/ForceBackup occur.
func FuzzMachine(f *testing.F) {
	f.Add([]byte{0, 0, 3, 10, 2, 200, 4, 1, 5, 2, 6, 7})
	f.Add([]byte{1, 0, 2, 0, 0, 4, 40, 1, 3, 0, 7})
	f.Add([]byte{2, 0, 1, 100, 3, 50, 6, 5, 0, 90, 3, 250, 2})
	f.Add([]byte{64, 0, 0, 0, 1, 200, 2, 0, 8, 2, 9, 0, 8, 0, 2, 2, 3, 250, 9, 1})
	f.Fuzz(func(t *testing.T, prog []byte) {
		if len(prog) < 2 {
			return
		}
		cfg := machineConfig(func(c *Config) {
			c.Version = 2 + prog[0]&1
			c.FastPreempt = prog[0]&2 != 0
			c.NoPreempt = prog[0]&4 != 0
			c.HigherPrioSendAdvert = prog[0]&8 != 0
			if prog[0]&16 != 0 {
				c.PreemptDelay = 2 * time.Second
			}
			if prog[0]&32 != 0 {
				c.Priority, c.WantMaster = 255, true
			}
			c.GARP.MasterRefresh = time.Duration(prog[1]&3) * time.Second
		})
		m, err := NewMachine(cfg)
		if err != nil {
			t.Fatal(err)
		}
		gateOpen := true
		if prog[0]&64 != 0 {
			m.SetGate(func(State) bool { return gateOpen })
		}
		now, owned := t0, false
		var deadline time.Time
		for i := 2; i+1 < len(prog); i += 2 {
			op, arg := prog[i]%10, prog[i+1]
			gateOpen = arg&2 != 0
			now = now.Add(time.Duration(arg) * 20 * time.Millisecond)
			var ev Event
			switch op {
			case 0:
				ev = Start{}
			case 1, 2:
				ev = Timer{}
				if !deadline.IsZero() && now.Before(deadline) && op == 2 {
					now = deadline
				}
			case 3:
				a := adv(arg)
				if cfg.Version == 3 {
					a = advV3(arg, time.Duration(1+arg%200)*10*time.Millisecond)
				}
				a.Src = peerLo
				if arg&1 != 0 {
					a.Src = peerHi
				}
				ev = a
			case 4:
				ev = PriorityChanged{Priority: int(arg)}
			case 5:
				ev = FaultSet{}
			case 6:
				ev = FaultCleared{}
			case 7:
				ev = Shutdown{}
			case 8:
				ev = ForceMaster{}
			case 9:
				ev = ForceBackup{}
			}
			before := m.State()
			r := m.Step(now, ev)
			owned = checkStep(t, before, r, owned)
			deadline = r.Deadline
			if _, isTimer := ev.(Timer); isTimer && r.From == r.State && !deadline.IsZero() && !deadline.After(now) {
				t.Fatalf("timer step at %v left deadline %v: busy loop", now.Sub(t0), deadline.Sub(t0))
			}
		}
	})
}

func checkStep(t *testing.T, before State, r Result, owned bool) bool {
	t.Helper()
	notifies := 0
	for _, a := range r.Actions {
		switch a := a.(type) {
		case AddVIPs:
			owned = true
		case RemoveVIPs:
			owned = false
		case Notify:
			notifies++
			if a.From != before || a.To != r.State {
				t.Fatalf("notify %v->%v for step %v->%v", a.From, a.To, before, r.State)
			}
		}
	}
	if want := 0; r.Changed() != (notifies == 1) || notifies > 1 {
		t.Fatalf("step %v->%v with %d notifies (want %d)", before, r.State, notifies, want)
	}
	if owned != (r.State == StateMaster) {
		t.Fatalf("vips owned %t in %v", owned, r.State)
	}
	running := r.State == StateBackup || r.State == StateMaster
	if running == r.Deadline.IsZero() {
		t.Fatalf("state %v with deadline %v", r.State, r.Deadline)
	}
	return owned
}
