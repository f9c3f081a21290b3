package vrrptest

import (
	"sync"
	"time"

	"github.com/goalived/goalived/vrrp"
)

// FakeClock is a vrrp.Clock that only moves when told to.
type FakeClock struct {
	// Settle, if set, is called after each timer fires during Advance and
	// before time moves on, so that the goroutines woken can run at the
	// right instant (e.g. synctest.Wait inside a synctest bubble).
	Settle func()

	mu     sync.Mutex // guards now, timers and seq
	now    time.Time
	timers []*fakeTimer
	seq    uint64
}

type fakeTimer struct {
	c     *FakeClock
	when  time.Time
	seq   uint64         // creation order breaks ties between equal deadlines
	ch    chan time.Time // NewTimer's
	fn    func()         // AfterFunc's, called by Advance or Jump
	armed bool
}

// NewFakeClock returns a clock reading start.
func NewFakeClock(start time.Time) *FakeClock { return &FakeClock{now: start} }

// Now returns the fake time.
func (c *FakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// NewTimer returns a timer firing d after the current fake time.
func (c *FakeClock) NewTimer(d time.Duration) vrrp.ClockTimer {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	t := &fakeTimer{c: c, when: c.now.Add(d), seq: c.seq, ch: make(chan time.Time, 1), armed: true}
	c.timers = append(c.timers, t)
	return t
}

// AfterFunc returns a timer that calls f, on the goroutine advancing the
// clock, d after the current fake time.
func (c *FakeClock) AfterFunc(d time.Duration, f func()) vrrp.ClockTimer {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	t := &fakeTimer{c: c, when: c.now.Add(d), seq: c.seq, fn: f, armed: true}
	c.timers = append(c.timers, t)
	return t
}

func (t *fakeTimer) C() <-chan time.Time { return t.ch }

func (t *fakeTimer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	was := t.armed
	t.disarmLocked()
	// Drain a fire that was not consumed, as time.Timer does since Go 1.23.
	select {
	case <-t.ch:
	default:
	}
	return was
}

// Reset re-arms the timer d after the current fake time; a fire not
// consumed from C is drained first, as time.Timer does since Go 1.23.
func (t *fakeTimer) Reset(d time.Duration) bool {
	c := t.c
	c.mu.Lock()
	defer c.mu.Unlock()
	was := t.armed
	t.disarmLocked()
	select {
	case <-t.ch:
	default:
	}
	c.seq++
	t.when, t.seq, t.armed = c.now.Add(d), c.seq, true
	c.timers = append(c.timers, t)
	return was
}

func (t *fakeTimer) disarmLocked() {
	t.armed = false
	for i, x := range t.c.timers {
		if x == t {
			t.c.timers = append(t.c.timers[:i], t.c.timers[i+1:]...)
			return
		}
	}
}

// Advance moves time forward by d, firing due timers in deadline order;
// each fires with Now() equal to its deadline. Without Settle the woken
// goroutines may run at any later fake time up to the end of the advance.
func (c *FakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	target := c.now.Add(d)
	c.mu.Unlock()
	for c.fireNext(target) {
		if c.Settle != nil {
			c.Settle()
		}
	}
	c.mu.Lock()
	if c.now.Before(target) {
		c.now = target
	}
	c.mu.Unlock()
}

// Jump moves time forward by d at once and only then fires the timers that
// became due, all seeing Now() at the new time: a process that was not
// scheduled for d (a stall) and handles its timers late.
func (c *FakeClock) Jump(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	target := c.now
	c.mu.Unlock()
	for c.fireNext(target) {
		if c.Settle != nil {
			c.Settle()
		}
	}
}

// fireNext fires the earliest timer due by target, if any.
func (c *FakeClock) fireNext(target time.Time) bool {
	fn, fired := c.popNext(target)
	if fn != nil {
		fn() // outside the lock: f may read the clock or arm a timer
	}
	return fired
}

// popNext disarms the earliest timer due by target and moves the clock to
// its deadline; a channel timer is fired here, an AfterFunc's f returned.
func (c *FakeClock) popNext(target time.Time) (func(), bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var next *fakeTimer
	for _, t := range c.timers {
		if !t.when.After(target) && (next == nil || t.when.Before(next.when) ||
			t.when.Equal(next.when) && t.seq < next.seq) {
			next = t
		}
	}
	if next == nil {
		return nil, false
	}
	if next.when.After(c.now) {
		c.now = next.when
	}
	next.disarmLocked()
	if next.fn != nil {
		return next.fn, true
	}
	next.ch <- c.now // capacity 1 and fired once: never blocks
	return nil, true
}
