package netif

import (
	"container/heap"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// TimerfdClock runs timers off one Linux timerfd. Go's own timers are
// served by a scheduler that sleeps in epoll_wait with a millisecond
// timeout, so they fire up to a millisecond or two after their deadline;
// a timerfd's expiry is a file descriptor event, which the netpoller
// reports at once. For VRRP that is the difference between taking over
// at Master_Down_Interval and a millisecond or two after it.
//
// One goroutine serves all timers from one heap; a timer's function is
// called on it and must not block. The timerfd is only moved earlier:
// a deadline that moves later (a backup's master-down timer, pushed back
// by every advert it hears) leaves the timerfd where it was, to fire once
// early and be set again, instead of a timerfd_settime per advert.
type TimerfdClock struct {
	fd int
	f  *os.File // fd, registered with the netpoller for reads

	mu     sync.Mutex // guards timers, armed and firing
	timers timerHeap
	armed  time.Time // the timerfd's expiry, zero when disarmed
	// firing is set while fireDue calls the due functions: timers they
	// set are sorted into the heap and the timerfd set once afterwards.
	firing bool

	done chan struct{}
}

// NewTimerfdClock creates the timerfd and starts its goroutine.
func NewTimerfdClock() (*TimerfdClock, error) {
	fd, err := unix.TimerfdCreate(unix.CLOCK_MONOTONIC, unix.TFD_NONBLOCK|unix.TFD_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("timerfd_create: %w", err)
	}
	c := &TimerfdClock{fd: fd, f: os.NewFile(uintptr(fd), "timerfd"), done: make(chan struct{})}
	go c.run()
	return c, nil
}

// Close stops the clock; pending timers never fire. It waits for the
// clock's goroutine.
func (c *TimerfdClock) Close() error {
	err := c.f.Close()
	<-c.done
	return err
}

// Now returns time.Now: the timerfd counts CLOCK_MONOTONIC, the clock
// behind time.Now's monotonic reading.
func (c *TimerfdClock) Now() time.Time { return time.Now() }

// TimerfdTimer is one pending call of a TimerfdClock.
type TimerfdTimer struct {
	c     *TimerfdClock
	when  time.Time
	f     func()
	index int // in c.timers; -1 once fired or stopped
}

// AfterFunc calls f on the clock's goroutine once d has passed.
func (c *TimerfdClock) AfterFunc(d time.Duration, f func()) *TimerfdTimer {
	now := time.Now()
	t := &TimerfdTimer{c: c, when: now.Add(d), f: f}
	c.mu.Lock()
	heap.Push(&c.timers, t)
	err := c.rearmLocked(now)
	c.mu.Unlock()
	if err != nil {
		// timerfd_settime on our own valid fd does not fail; if it ever
		// did, a late timer is better than a lost one.
		go func() { time.Sleep(d); c.fire(t) }()
	}
	return t
}

// Stop prevents the call; it reports whether the timer was pending. The
// timerfd is left as it is: if it was set for this timer, it fires once
// for nothing.
func (t *TimerfdTimer) Stop() bool {
	c := t.c
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.index < 0 {
		return false
	}
	heap.Remove(&c.timers, t.index)
	return true
}

// Reset makes the timer call its function d from now, whether it was
// pending, stopped or had fired; it reports whether it was pending. The
// timer is moved within the heap, without allocating.
func (t *TimerfdTimer) Reset(d time.Duration) bool {
	c := t.c
	now := time.Now()
	c.mu.Lock()
	t.when = now.Add(d)
	pending := t.index >= 0
	if pending {
		heap.Fix(&c.timers, t.index)
	} else {
		heap.Push(&c.timers, t)
	}
	err := c.rearmLocked(now)
	c.mu.Unlock()
	if err != nil {
		go func() { time.Sleep(d); c.fire(t) }()
	}
	return pending
}

// fire runs t unless it was stopped (the fallback path of AfterFunc).
func (c *TimerfdClock) fire(t *TimerfdTimer) {
	c.mu.Lock()
	pending := t.index >= 0
	if pending {
		heap.Remove(&c.timers, t.index)
	}
	c.mu.Unlock()
	if pending {
		t.f()
	}
}

// rearmLocked sets the timerfd to the earliest deadline if that is
// earlier than the expiry it has (or it has none). While fireDue calls
// the due functions it does nothing: fireDue sets the timerfd after them.
func (c *TimerfdClock) rearmLocked(now time.Time) error {
	if c.firing || len(c.timers) == 0 {
		return nil
	}
	next := c.timers[0].when
	if !c.armed.IsZero() && !next.Before(c.armed) {
		return nil
	}
	// A zero value would disarm: a deadline already past fires in 1 ns.
	spec := unix.ItimerSpec{Value: unix.NsecToTimespec(max(next.Sub(now).Nanoseconds(), 1))}
	if err := unix.TimerfdSettime(c.fd, 0, &spec, nil); err != nil {
		c.armed = time.Time{}
		return fmt.Errorf("timerfd_settime: %w", err)
	}
	c.armed = next
	return nil
}

func (c *TimerfdClock) run() {
	defer close(c.done)
	var buf [8]byte // the expiry count
	var due []*TimerfdTimer
	for {
		if _, err := c.f.Read(buf[:]); err != nil {
			if errors.Is(err, os.ErrClosed) {
				return
			}
			// EAGAIN after a rearm raced the expiry is retried by the
			// netpoller inside Read; anything else: look at the heap.
		}
		due = c.fireDue(due)
	}
}

// fireDue calls the functions of every timer that is due, then sets the
// timerfd to the next deadline. due is the goroutine's own buffer.
func (c *TimerfdClock) fireDue(due []*TimerfdTimer) []*TimerfdTimer {
	now := time.Now()
	due = due[:0]
	c.mu.Lock()
	for len(c.timers) > 0 && !c.timers[0].when.After(now) {
		due = append(due, heap.Pop(&c.timers).(*TimerfdTimer))
	}
	c.armed = time.Time{} // expired
	c.firing = len(due) > 0
	c.mu.Unlock()
	for _, t := range due {
		t.f()
	}
	c.mu.Lock()
	c.firing = false
	_ = c.rearmLocked(time.Now())
	c.mu.Unlock()
	clear(due)
	return due
}

// timerHeap orders pending timers by deadline.
type timerHeap []*TimerfdTimer

func (h timerHeap) Len() int           { return len(h) }
func (h timerHeap) Less(i, j int) bool { return h[i].when.Before(h[j].when) }
func (h timerHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}
func (h *timerHeap) Push(x any) {
	t := x.(*TimerfdTimer)
	t.index = len(*h)
	*h = append(*h, t)
}
func (h *timerHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	t.index = -1
	return t
}
