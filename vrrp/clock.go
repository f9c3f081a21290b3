package vrrp

import "time"

// Clock is the runtime's source of time, injected so that tests can drive
// it (vrrptest.FakeClock) or run under testing/synctest.
type Clock interface {
	Now() time.Time
	NewTimer(d time.Duration) ClockTimer
	// AfterFunc calls f on its own goroutine d from now, unless stopped
	// first. The runtime waits on it without holding a goroutine.
	AfterFunc(d time.Duration, f func()) ClockTimer
}

// ClockTimer is a one-shot timer delivering on C (nil for AfterFunc's).
type ClockTimer interface {
	C() <-chan time.Time
	// Stop prevents the timer from firing; it reports whether it was
	// pending. After Stop nothing more is received on C.
	Stop() bool
	// Reset makes the timer fire d from now (an AfterFunc's calls its
	// function again), whether it was pending, stopped or had fired; it
	// reports whether it was pending. A timer re-armed in place costs the
	// runtime no allocation, where Stop and a new AfterFunc cost several
	// for every advert an instance sends or hears.
	Reset(d time.Duration) bool
}

// RealClock returns the clock backed by package time.
func RealClock() Clock { return realClock{} }

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) NewTimer(d time.Duration) ClockTimer { return realTimer{time.NewTimer(d)} }

func (realClock) AfterFunc(d time.Duration, f func()) ClockTimer {
	return realTimer{time.AfterFunc(d, f)}
}

type realTimer struct{ t *time.Timer }

func (t realTimer) C() <-chan time.Time { return t.t.C }
func (t realTimer) Stop() bool          { return t.t.Stop() }

func (t realTimer) Reset(d time.Duration) bool { return t.t.Reset(d) }
