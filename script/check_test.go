package script

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
)

// fakeRun returns scripted outcomes after a simulated run time; it runs
// inside a synctest bubble, where time is fake.
func fakeRun(outcomes []bool, runTime time.Duration, starts *[]time.Duration, timeouts *[]time.Duration) RunFunc {
	t0 := time.Now()
	i := 0
	return func(ctx context.Context, c Command) (Result, error) {
		*starts = append(*starts, time.Since(t0))
		*timeouts = append(*timeouts, c.Timeout)
		ok := outcomes[i%len(outcomes)]
		i++
		select {
		case <-time.After(runTime):
			return Result{OK: ok, ExitCode: map[bool]int{true: 0, false: 1}[ok], Duration: runTime}, nil
		case <-ctx.Done():
			return Result{Canceled: true, ExitCode: -1}, nil
		}
	}
}

func collect(events <-chan CheckEvent) []bool {
	var got []bool
	for {
		select {
		case ev := <-events:
			got = append(got, ev.OK)
		default:
			return got
		}
	}
}

func TestCheckScheduleAndRiseFall(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var starts, timeouts []time.Duration
		c, err := NewCheck(CheckConfig{Name: "chk_kinit", Command: Command{Argv: []string{"/x"}},
			Interval: 5 * time.Second, Rise: 5, Fall: 2})
		if err != nil {
			t.Fatal(err)
		}
		// Seed config: rise 5, fall 2. First success is Up at once, two
		// failures Down, a single success is not enough to come back.
		c.run = fakeRun([]bool{true, false, false, true}, time.Second, &starts, &timeouts)
		events := make(chan CheckEvent, 10)
		if err := c.Start(events); err != nil {
			t.Fatal(err)
		}
		time.Sleep(17 * time.Second)
		synctest.Wait()
		if got := c.Condition(); got != Down {
			t.Errorf("condition %v, want down", got)
		}
		c.Close()
		want := []time.Duration{0, 5 * time.Second, 10 * time.Second, 15 * time.Second}
		if d := cmp.Diff(want, starts); d != "" {
			t.Errorf("run starts (-want +got):\n%s", d)
		}
		for _, to := range timeouts {
			if to != 5*time.Second {
				t.Errorf("run timeout %v, want the interval", to)
			}
		}
		// Each change of the exit status is an event too, the condition
		// staying where rise and fall hold it.
		type got struct {
			OK, StatusOnly bool
			Status         int
		}
		var evs []got
		for len(events) > 0 {
			ev := <-events
			evs = append(evs, got{ev.OK, ev.StatusOnly, ev.Status})
		}
		wantEvs := []got{{true, false, 0}, {true, true, 1}, {false, false, 1}, {false, true, 0}}
		if d := cmp.Diff(wantEvs, evs); d != "" {
			t.Errorf("events (-want +got):\n%s", d)
		}
	})
}

func TestCheckSkipsWhileRunning(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var starts, timeouts []time.Duration
		c, _ := NewCheck(CheckConfig{Name: "slow", Command: Command{Argv: []string{"/x"}},
			Interval: time.Second, Timeout: 10 * time.Second})
		c.run = fakeRun([]bool{true}, 2500*time.Millisecond, &starts, &timeouts)
		events := make(chan CheckEvent, 10)
		c.Start(events)
		time.Sleep(6500 * time.Millisecond)
		synctest.Wait()
		c.Close()
		// Runs at 0 (until 2.5), skip 1 and 2, run 3 (until 5.5), skip 4 and 5, run 6.
		want := []time.Duration{0, 3 * time.Second, 6 * time.Second}
		if d := cmp.Diff(want, starts); d != "" {
			t.Errorf("run starts (-want +got):\n%s", d)
		}
		if got := c.Skipped(); got != 4 {
			t.Errorf("skipped %d, want 4", got)
		}
		if timeouts[0] != 10*time.Second {
			t.Errorf("timeout %v, want 10s", timeouts[0])
		}
	})
}

func TestCheckCloseCancelsRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var starts, timeouts []time.Duration
		c, _ := NewCheck(CheckConfig{Name: "hang", Command: Command{Argv: []string{"/x"}}, Interval: time.Hour})
		c.run = fakeRun([]bool{false}, 24*time.Hour, &starts, &timeouts)
		events := make(chan CheckEvent, 1)
		c.Start(events)
		time.Sleep(time.Second)
		c.Close()
		c.Close() // idempotent
		if got := collect(events); len(got) != 0 {
			t.Errorf("events after cancel: %v", got)
		}
		if c.Condition() != Unknown {
			t.Errorf("condition %v, want unknown", c.Condition())
		}
		if err := c.Start(events); err == nil {
			t.Error("Start after Close succeeded")
		}
	})
}

func TestNewCheckRejects(t *testing.T) {
	for _, cfg := range []CheckConfig{
		{Name: "noargv"},
		{Name: "neg", Command: Command{Argv: []string{"/x"}}, Interval: -time.Second},
		{Name: "rise", Command: Command{Argv: []string{"/x"}}, Rise: -1, Fall: 1 << 30},
	} {
		if _, err := NewCheck(cfg); err == nil || !strings.Contains(err.Error(), cfg.Name) {
			t.Errorf("NewCheck(%s): err = %v", cfg.Name, err)
		}
	}
}

// TestCheckRealProcesses runs real scripts: a hanging check must not delay
// a fast one, its timeout is a failure, and failing output is captured.
func TestCheckRealProcesses(t *testing.T) {
	hang, err := NewCheck(CheckConfig{Name: "hang", Command: Command{Argv: []string{"/bin/sleep", "60"}},
		Interval: 300 * time.Millisecond, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	fail, err := NewCheck(CheckConfig{Name: "fail", Command: Command{Argv: []string{"/bin/sh", "-c", "echo kinit: cannot contact KDC >&2; exit 1"}},
		Interval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	events := make(chan CheckEvent, 4)
	start := time.Now()
	var closed atomic.Bool
	t.Cleanup(func() {
		if !closed.Load() {
			hang.Close()
			fail.Close()
		}
	})
	hang.Start(events)
	fail.Start(events)
	ev := <-events
	if ev.Name != "fail" || ev.OK || !strings.Contains(string(ev.Output), "cannot contact KDC") {
		t.Fatalf("first event %+v, want fail down with its output", ev)
	}
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Errorf("fast check reported after %v", d)
	}
	ev = <-events
	if ev.Name != "hang" || ev.OK || !ev.TimedOut {
		t.Fatalf("second event %+v, want hang timed out", ev)
	}
	if d := time.Since(start); d < time.Second {
		t.Errorf("timeout reported after %v, before the 1 s timeout", d)
	}
	closeStart := time.Now()
	hang.Close()
	fail.Close()
	closed.Store(true)
	if d := time.Since(closeStart); d > 3*time.Second {
		t.Errorf("Close took %v", d)
	}
	if hang.Skipped() == 0 {
		t.Error("no run of the hanging check was skipped")
	}
	// The metrics: every finished run counted, the timed-out one as a
	// failure lasting its timeout.
	if st := hang.Stats(); st.Runs < 1 || st.Failures != st.Runs || st.LastDuration < time.Second {
		t.Errorf("hang stats %+v, want failed runs of at least 1 s", st)
	}
	if st := fail.Stats(); st.Runs < 1 || st.Failures != st.Runs || st.LastDuration <= 0 || st.LastDuration > time.Second {
		t.Errorf("fail stats %+v, want quick failed runs", st)
	}
}

// TestCheckAndNotifierLeaveNoGoroutines: Close of a Check (with a run in
// progress) and of a Notifier waits for every goroutine they started.
func TestCheckAndNotifierLeaveNoGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	for range 5 {
		c, err := NewCheck(CheckConfig{Name: "leak", Command: Command{Argv: []string{"/bin/sleep", "60"}}, Interval: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		c.Start(make(chan CheckEvent))
		n := NewNotifier(NotifierConfig{})
		n.Notify(NotifyScripts{Master: &Command{Argv: []string{"/bin/true"}}}, Transition{Name: "VI_1", State: "MASTER"})
		time.Sleep(20 * time.Millisecond)
		c.Close()
		n.Close(context.Background())
	}
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			t.Fatalf("goroutines %d -> %d", before, runtime.NumGoroutine())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestCheckStartFailureIsNoVerdict: when no process can be created the run
// gives no result (keepalived: "Failed fork process").
func TestCheckStartFailureIsNoVerdict(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, _ := NewCheck(CheckConfig{Name: "fork", Command: Command{Argv: []string{"/x"}}, Interval: time.Second})
		calls := 0
		c.run = func(ctx context.Context, cmd Command) (Result, error) {
			calls++
			if calls == 1 {
				return Result{ExitCode: -1}, errors.New("fork: resource temporarily unavailable")
			}
			return Result{ExitCode: 1}, nil
		}
		events := make(chan CheckEvent, 4)
		c.Start(events)
		time.Sleep(500 * time.Millisecond)
		synctest.Wait()
		if c.Condition() != Unknown || len(events) != 0 {
			t.Errorf("after a start failure: condition %v, %d events", c.Condition(), len(events))
		}
		time.Sleep(time.Second)
		synctest.Wait()
		c.Close()
		if got := collect(events); len(got) != 1 || got[0] {
			t.Errorf("events %v, want one down", got)
		}
	})
}
