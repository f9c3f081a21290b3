package netif

import (
	"slices"
	"sync"
	"testing"
	"time"
)

// TestTimerfdClockOrderAndStop: timers fire in deadline order, never
// before it, stopped ones never, and Stop tells pending from done.
func TestTimerfdClockOrderAndStop(t *testing.T) {
	c, err := NewTimerfdClock()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var mu sync.Mutex
	var got []int
	done := make(chan struct{})
	start := time.Now()
	delays := []time.Duration{30, 10, 50, 20, 40, 0} // milliseconds; index = name
	timers := make([]*TimerfdTimer, len(delays))
	for i, d := range delays {
		d *= time.Millisecond
		timers[i] = c.AfterFunc(d, func() {
			if early := d - time.Since(start); early > 0 {
				t.Errorf("timer %d fired %v early", i, early)
			}
			mu.Lock()
			got = append(got, i)
			n := len(got)
			mu.Unlock()
			if n == len(delays)-1 {
				close(done)
			}
		})
	}
	if !timers[3].Stop() {
		t.Error("Stop of a pending timer reported false")
	}
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("timers did not fire within 10 s")
	}
	if timers[0].Stop() {
		t.Error("Stop of a fired timer reported true")
	}
	mu.Lock()
	defer mu.Unlock()
	if want := []int{5, 1, 0, 4, 2}; !slices.Equal(got, want) {
		t.Errorf("fired %v, want %v", got, want)
	}
}

// TestTimerfdClockClose: Close returns with timers pending, which never
// fire.
func TestTimerfdClockClose(t *testing.T) {
	c, err := NewTimerfdClock()
	if err != nil {
		t.Fatal(err)
	}
	fired := make(chan struct{}, 1)
	c.AfterFunc(20*time.Millisecond, func() { fired <- struct{}{} })
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-fired:
		t.Error("a timer fired after Close")
	case <-time.After(100 * time.Millisecond):
	}
}

// BenchmarkTimerLateness reports how late timers fire (the mean, in
// microseconds, "late-us") with the timerfd clock and with Go's own
// time.AfterFunc, for a deadline a few milliseconds away on an idle
// process: what decides how close to Master_Down_Interval a backup takes
// over.
func BenchmarkTimerLateness(b *testing.B) {
	c, err := NewTimerfdClock()
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	for _, tc := range []struct {
		name  string
		after func(time.Duration, func())
	}{
		{"timerfd", func(d time.Duration, f func()) { c.AfterFunc(d, f) }},
		{"go-runtime", func(d time.Duration, f func()) { time.AfterFunc(d, f) }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var total time.Duration
			fired := make(chan time.Duration)
			for b.Loop() {
				d := 3*time.Millisecond + 400*time.Microsecond
				at := time.Now().Add(d)
				tc.after(d, func() { fired <- time.Since(at) })
				total += <-fired
			}
			b.ReportMetric(float64(total.Microseconds())/float64(b.N), "late-us")
		})
	}
}

// TestTimerfdClockReset: a timer moved later fires at its new deadline
// only (the timerfd, left at the old one, fires for nothing), one moved
// earlier fires then, and a fired or stopped timer fires again once
// reset; Reset tells pending from done.
func TestTimerfdClockReset(t *testing.T) {
	c, err := NewTimerfdClock()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fires := make(chan time.Time, 8)
	start := time.Now()
	later := c.AfterFunc(20*time.Millisecond, func() { fires <- time.Now() })
	if !later.Reset(80 * time.Millisecond) {
		t.Error("Reset of a pending timer reported false")
	}
	at := waitFire(t, fires)
	if d := at.Sub(start); d < 80*time.Millisecond {
		t.Errorf("timer moved to 80 ms fired after %v", d)
	}
	if later.Reset(10 * time.Millisecond) {
		t.Error("Reset of a fired timer reported true")
	}
	waitFire(t, fires)
	later.Stop()
	later.Reset(5 * time.Millisecond)
	waitFire(t, fires)

	start = time.Now()
	sooner := c.AfterFunc(time.Hour, func() { fires <- time.Now() })
	sooner.Reset(10 * time.Millisecond)
	at = waitFire(t, fires)
	if d := at.Sub(start); d < 10*time.Millisecond || d > 5*time.Second {
		t.Errorf("timer moved from 1 h to 10 ms fired after %v", d)
	}
	select {
	case <-fires:
		t.Error("a timer fired once more than it was set")
	case <-time.After(50 * time.Millisecond):
	}
}

func waitFire(t *testing.T, fires <-chan time.Time) time.Time {
	t.Helper()
	select {
	case at := <-fires:
		return at
	case <-time.After(10 * time.Second):
		t.Fatal("timer did not fire within 10 s")
		return time.Time{}
	}
}
