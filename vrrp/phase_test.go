package vrrp

import (
	"fmt"
	"testing"
	"time"
)

// masterAdverts starts an address owner (master at once) with c at start
// and returns when it sends its adverts while the timer is stepped at
// each deadline, each step late by late(i).
func masterAdverts(t *testing.T, c Config, start time.Time, n int, late func(i int) time.Duration) []time.Time {
	t.Helper()
	c.Priority, c.WantMaster = PriorityOwner, true
	c.GARP = GARPConfig{} // every timer an advert's
	if c.Interval < time.Second {
		c.Version = 3
	}
	m, err := NewMachine(c)
	if err != nil {
		t.Fatal(err)
	}
	var sent []time.Time
	now := start
	r := m.Step(now, Start{})
	for i := 0; len(sent) < n; i++ {
		if r.State != StateMaster {
			t.Fatalf("step %d: state %v, want master", i, r.State)
		}
		for _, a := range r.Actions {
			if _, ok := a.(*SendAdvert); ok {
				sent = append(sent, now)
			}
		}
		now = r.Deadline.Add(late(i))
		r = m.Step(now, Timer{})
	}
	return sent
}

func onTime(int) time.Duration { return 0 }

// slotOf is where t lies in the interval on the wall clock's grid, the
// tie-break within the slot (under a millisecond) left out.
func slotOf(t time.Time, iv time.Duration) time.Duration {
	return time.Duration(t.UnixNano()) % iv / time.Millisecond * time.Millisecond
}

func TestSpreadAdvertsKeepPhase(t *testing.T) {
	for _, iv := range []time.Duration{time.Second, 100 * time.Millisecond, 3 * time.Second, 40 * time.Millisecond, 20 * time.Millisecond} {
		slots := min(max(int(iv/slotWidth), 1), maxSlots)
		for _, startNs := range []int64{0, 1, 123456789, 999999999} {
			t.Run(fmt.Sprintf("%v/%d", iv, startNs), func(t *testing.T) {
				c := machineConfig(func(c *Config) { c.Interval, c.SpreadAdverts = iv, true })
				start := t0.Add(time.Duration(startNs))
				sent := masterAdverts(t, c, start, 6, onTime)
				if !sent[0].Equal(start) {
					t.Errorf("first advert at %v, want at once", sent[0].Sub(start))
				}
				// Two steps at most, each at least half an interval, to the
				// phase; then every advert an interval after the one before.
				for i := 1; i <= 2; i++ {
					if d := sent[i].Sub(sent[i-1]); d < iv/2 || d > iv {
						t.Errorf("advert %d: %v after the one before, want within [%v, %v]", i, d, iv/2, iv)
					}
				}
				slot := slotOf(sent[2], iv)
				if slot%(iv/time.Duration(slots)) != 0 {
					t.Errorf("phase %v is not one of the %d slots of %v", slot, slots, iv)
				}
				for i := 3; i < len(sent); i++ {
					if d := sent[i].Sub(sent[i-1]); d != iv {
						t.Errorf("advert %d: %v after the one before, want %v", i, d, iv)
					}
				}
			})
		}
	}
}

// The phase follows the name, not when the instance started: the same
// instance restarted, or on the other router, keeps its slot; other names
// take others.
func TestSpreadAdvertsPhaseFromName(t *testing.T) {
	iv := time.Second
	slots, exact := map[time.Duration]bool{}, map[time.Duration]bool{}
	for i := range 64 {
		name := fmt.Sprintf("VI_%d", i)
		var phase []time.Duration
		for _, startNs := range []int64{0, 7, 314159265, 900000001} {
			c := machineConfig(func(c *Config) { c.Name, c.Interval, c.SpreadAdverts = name, iv, true })
			sent := masterAdverts(t, c, t0.Add(time.Duration(startNs)), 3, onTime)
			phase = append(phase, time.Duration(sent[2].UnixNano())%iv)
		}
		for _, p := range phase[1:] {
			if p != phase[0] {
				t.Errorf("%s: phases %v, want one", name, phase)
				break
			}
		}
		slots[phase[0]/(iv/maxSlots)] = true
		exact[phase[0]] = true
	}
	if len(slots) != maxSlots {
		t.Errorf("64 names took %d of the %d slots", len(slots), maxSlots)
	}
	// Within a slot, the names' deadlines differ too (microseconds
	// apart), so that they go in one order.
	if len(exact) < 62 {
		t.Errorf("64 names took %d distinct phases, want nearly all", len(exact))
	}
}

// Without SpreadAdverts the machine keeps keepalived's schedule: every
// advert an interval after the one before.
func TestAdvertsWithoutSpread(t *testing.T) {
	start := t0.Add(123456789)
	sent := masterAdverts(t, machineConfig(nil), start, 4, onTime)
	for i := 1; i < len(sent); i++ {
		if d := sent[i].Sub(sent[i-1]); d != time.Second {
			t.Errorf("advert %d: %v after the one before, want 1s", i, d)
		}
	}
}

// A timer handled late leaves the schedule where it was; one a whole
// interval late starts again from the advert it sends, and returns to
// its phase.
func TestSpreadAdvertsAfterLateTimer(t *testing.T) {
	iv := time.Second
	c := machineConfig(func(c *Config) { c.SpreadAdverts = true })
	late := func(i int) time.Duration {
		switch i + 1 { // the advert this step sends
		case 4:
			return 300 * time.Millisecond
		case 7:
			return 1700 * time.Millisecond
		}
		return 0
	}
	sent := masterAdverts(t, c, t0.Add(123456789), 12, late)
	phase := slotOf(sent[2], iv)
	for i := 3; i < len(sent); i++ {
		d := sent[i].Sub(sent[i-1])
		want := iv
		switch i {
		case 4:
			want = iv + 300*time.Millisecond // late by the timer's lateness
		case 5:
			want = iv - 300*time.Millisecond // back on schedule
		case 7:
			want = iv + 1700*time.Millisecond
		}
		if i == 8 || i == 9 { // from the late advert back to the phase
			if d < iv/2 || d > iv {
				t.Errorf("advert %d: %v after the one before, want within [%v, %v]", i, d, iv/2, iv)
			}
		} else if d != want {
			t.Errorf("advert %d: %v after the one before, want %v", i, d, want)
		}
		if i != 4 && i != 7 && i != 8 && slotOf(sent[i], iv) != phase {
			t.Errorf("advert %d at phase %v, want %v", i, slotOf(sent[i], iv), phase)
		}
	}
}

// An advert answering a peer (priority 0 from a leaving master) goes at
// once; the next one returns to the phase, no later than an interval.
func TestSpreadAdvertsAfterAnswer(t *testing.T) {
	iv := time.Second
	c := machineConfig(func(c *Config) {
		c.SpreadAdverts, c.GARP = true, GARPConfig{}
		c.Priority, c.WantMaster = PriorityOwner, true
	})
	m, err := NewMachine(c)
	if err != nil {
		t.Fatal(err)
	}
	r := m.Step(t0, Start{})
	r = m.Step(r.Deadline, Timer{})
	r = m.Step(r.Deadline, Timer{})
	phase := slotOf(r.Deadline, iv)
	at := r.Deadline.Add(-iv / 3)
	r = m.Step(at, adv(0))
	if len(r.Actions) == 0 {
		t.Fatal("no answer to priority 0")
	}
	if d := r.Deadline.Sub(at); d < iv/2 || d > iv {
		t.Errorf("next advert %v after the answer, want within [%v, %v]", d, iv/2, iv)
	}
	r = m.Step(r.Deadline, Timer{})
	if slotOf(r.Deadline, iv) != phase {
		t.Errorf("phase %v after the answer, want %v", slotOf(r.Deadline, iv), phase)
	}
}
