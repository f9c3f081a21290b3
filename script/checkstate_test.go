package script

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestCheckDrainResume drains a check while a run is in progress (the
// run finishes and counts), resumes it in a second check from the saved
// position, and shows that the runs keep their 5 s spacing across the
// handover and that fall counts the failures of both checks together.
func TestCheckDrainResume(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var starts, timeouts []time.Duration
		cfg := CheckConfig{Name: "chk", Command: Command{Argv: []string{"/x"}}, Interval: 5 * time.Second, Rise: 2, Fall: 3}
		old, err := NewCheck(cfg)
		if err != nil {
			t.Fatal(err)
		}
		t0 := time.Now()
		old.run = fakeRun([]bool{true, false, false}, time.Second, &starts, &timeouts)
		events := make(chan CheckEvent, 10)
		if err := old.Start(events); err != nil {
			t.Fatal(err)
		}
		time.Sleep(10*time.Second + 500*time.Millisecond) // the third run (a failure) is in progress
		st := old.Drain(context.Background())
		if got := time.Since(t0); got != 11*time.Second {
			t.Errorf("drain returned after %v, want 11 s (the run in progress finished)", got)
		}
		if d := cmp.Diff(CheckState{Counter: 2, Next: 4 * time.Second, Status: 1}, st); d != "" {
			t.Errorf("saved state (-want +got):\n%s", d)
		}
		cfg.Resume = &st
		next, err := NewCheck(cfg)
		if err != nil {
			t.Fatal(err)
		}
		var starts2 []time.Duration
		next.run = fakeRun([]bool{false}, time.Second, &starts2, &timeouts)
		if err := next.Start(events); err != nil {
			t.Fatal(err)
		}
		if got := next.Condition(); got != Up {
			t.Errorf("resumed condition %v, want up", got)
		}
		time.Sleep(5*time.Second + 500*time.Millisecond)
		synctest.Wait()
		next.Close()
		// Up at the first run; the third failure overall (the first of the
		// new check) takes it down. The exit status went to 1 with the old
		// check's second run and stays 1: no event of its own after the
		// handover.
		if d := cmp.Diff([]bool{true, true, false}, collect(events)); d != "" {
			t.Errorf("events (-want +got):\n%s", d)
		}
		if d := cmp.Diff([]time.Duration{4 * time.Second}, starts2); d != "" {
			t.Errorf("resumed run starts (-want +got):\n%s", d)
		}
	})
}

// TestCheckDrainBound kills a run that outlasts the drain's context; it
// gives no verdict.
func TestCheckDrainBound(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var starts, timeouts []time.Duration
		c, err := NewCheck(CheckConfig{Name: "chk", Command: Command{Argv: []string{"/x"}}, Interval: 5 * time.Second, Timeout: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		c.run = fakeRun([]bool{true}, 4*time.Second, &starts, &timeouts)
		if err := c.Start(make(chan CheckEvent, 1)); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Second)
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		t0 := time.Now()
		st := c.Drain(ctx)
		if got := time.Since(t0); got != time.Second {
			t.Errorf("drain took %v, want its 1 s bound", got)
		}
		if !st.Init || c.Condition() != Unknown {
			t.Errorf("state %+v, condition %v: the killed run gave a verdict", st, c.Condition())
		}
	})
}

func TestNewRiseFallAtRejects(t *testing.T) {
	if _, err := NewRiseFallAt(2, 3, CheckState{Counter: 5}); err == nil {
		t.Error("position 5 of rise 2 fall 3 accepted")
	}
	r, err := NewRiseFallAt(2, 3, CheckState{Counter: 2})
	if err != nil || r.Condition() != Up {
		t.Errorf("position 2 of rise 2: %v, %v; want up", r.Condition(), err)
	}
}
