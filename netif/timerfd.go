package netif

import (
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

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
	fd     int
	f      *os.File // fd, registered with the netpoller for reads
	rc     syscall.RawConn
	base   time.Time // deadlines are nanoseconds since base (monotonic)
	closed atomic.Bool

	mu     sync.Mutex // guards timers, armed and firing
	timers timerHeap
	armed  int64 // the timerfd's expiry, 0 when disarmed
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
	f := os.NewFile(uintptr(fd), "timerfd")
	rc, err := pollable(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("timerfd: %w", err)
	}
	// base lies a second back so that no deadline is 0, which means
	// disarmed.
	c := &TimerfdClock{fd: fd, f: f, rc: rc, base: time.Now().Add(-time.Second), done: make(chan struct{})}
	go c.run()
	return c, nil
}

// Close stops the clock; pending timers never fire. It waits for the
// clock's goroutine.
func (c *TimerfdClock) Close() error {
	c.closed.Store(true)
	err := c.f.Close()
	<-c.done
	return err
}

// Now returns time.Now: the timerfd counts CLOCK_MONOTONIC, the clock
// behind time.Now's monotonic reading.
func (c *TimerfdClock) Now() time.Time { return time.Now() }

// mono is t as the heap orders deadlines.
func (c *TimerfdClock) mono(t time.Time) int64 { return int64(t.Sub(c.base)) }

// TimerfdTimer is one pending call of a TimerfdClock.
type TimerfdTimer struct {
	c     *TimerfdClock
	when  int64 // c.mono of the deadline
	f     func()
	index int // in c.timers; -1 once fired or stopped
}

// AfterFunc calls f on the clock's goroutine once d has passed.
func (c *TimerfdClock) AfterFunc(d time.Duration, f func()) *TimerfdTimer {
	t := &TimerfdTimer{c: c, f: f, index: -1}
	t.Reset(d)
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
	c.timers.remove(t.index)
	return true
}

// Reset makes the timer call its function d from now, whether it was
// pending, stopped or had fired; it reports whether it was pending. The
// timer is moved within the heap, without allocating.
func (t *TimerfdTimer) Reset(d time.Duration) bool {
	c := t.c
	now := c.mono(time.Now())
	c.mu.Lock()
	t.when = now + int64(max(d, 0))
	pending := t.index >= 0
	if pending {
		c.timers.fix(t.index)
	} else {
		c.timers.push(t)
	}
	err := c.rearmLocked(now)
	c.mu.Unlock()
	if err != nil {
		// timerfd_settime on our own valid fd does not fail; if it ever
		// did, a late timer is better than a lost one.
		go func() { time.Sleep(d); c.fire(t) }()
	}
	return pending
}

// fire runs t unless it was stopped (the fallback path of Reset).
func (c *TimerfdClock) fire(t *TimerfdTimer) {
	c.mu.Lock()
	pending := t.index >= 0
	if pending {
		c.timers.remove(t.index)
	}
	c.mu.Unlock()
	if pending {
		t.f()
	}
}

// rearmLocked sets the timerfd to the earliest deadline if that is
// earlier than the expiry it has (or it has none). While fireDue calls
// the due functions it does nothing: fireDue sets the timerfd after them.
func (c *TimerfdClock) rearmLocked(now int64) error {
	if c.firing || len(c.timers) == 0 {
		return nil
	}
	next := c.timers[0].when
	if c.armed != 0 && next >= c.armed {
		return nil
	}
	// A zero value would disarm: a deadline already past fires in 1 ns.
	spec := unix.ItimerSpec{Value: unix.NsecToTimespec(max(next-now, 1))}
	if err := unix.TimerfdSettime(c.fd, 0, &spec, nil); err != nil {
		c.armed = 0
		return fmt.Errorf("timerfd_settime: %w", err)
	}
	c.armed = next
	return nil
}

func (c *TimerfdClock) run() {
	defer close(c.done)
	var count [8]byte // the expiry count, read and discarded
	read := func(fd uintptr) bool {
		// A raw read: the timerfd is non-blocking (see conn_bufs.go on
		// why the socket calls are raw too).
		_, _, errno := unix.RawSyscall(unix.SYS_READ, fd, uintptr(unsafe.Pointer(&count[0])), uintptr(len(count)))
		return errno != unix.EAGAIN
	}
	var due []*TimerfdTimer
	for {
		if err := c.rc.Read(read); err != nil && c.closed.Load() {
			return
		}
		due = c.fireDue(due)
	}
}

// fireDue calls the functions of every timer that is due, then sets the
// timerfd to the next deadline. due is the goroutine's own buffer.
func (c *TimerfdClock) fireDue(due []*TimerfdTimer) []*TimerfdTimer {
	now := c.mono(time.Now())
	due = due[:0]
	c.mu.Lock()
	for len(c.timers) > 0 && c.timers[0].when <= now {
		due = append(due, c.timers.popMin())
	}
	c.armed = 0 // expired
	c.firing = len(due) > 0
	c.mu.Unlock()
	for _, t := range due {
		t.f()
	}
	c.mu.Lock()
	c.firing = false
	_ = c.rearmLocked(c.mono(time.Now()))
	c.mu.Unlock()
	clear(due)
	return due
}
