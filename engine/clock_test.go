package engine

import (
	"testing"
	"time"
)

// TestTimerfdClockAdapter: both kinds of timer fire, and a stopped one
// does not.
func TestTimerfdClockAdapter(t *testing.T) {
	c, closeClock := newClock()
	defer closeClock()
	if _, ok := c.(timerfdClock); !ok {
		t.Fatalf("clock is %T, want the timerfd clock on Linux", c)
	}
	fired := make(chan struct{})
	c.AfterFunc(time.Millisecond, func() { close(fired) })
	tm := c.NewTimer(2 * time.Millisecond)
	stopped := c.AfterFunc(time.Millisecond, func() { t.Error("a stopped timer fired") })
	if !stopped.Stop() {
		t.Error("Stop of a pending timer reported false")
	}
	select {
	case <-fired:
	case <-time.After(5 * time.Second):
		t.Fatal("AfterFunc timer did not fire")
	}
	select {
	case at := <-tm.C():
		if at.IsZero() {
			t.Error("zero time from NewTimer")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("NewTimer did not fire")
	}
	time.Sleep(10 * time.Millisecond) // the stopped timer's deadline passes
}
