package main

import (
	"sync"
	"time"

	"github.com/goalived/goalived/netif"
)

// floorPeriod is how often the timer probe fires.
const floorPeriod = 10 * time.Millisecond

// timerProbe is the machine's timer floor during a window: a timer of
// goalived's own clock (netif.TimerfdClock, the one that drives its
// adverts) in the benchmark's process, firing every floorPeriod, and how
// late each firing came. A daemon's adverts cannot be more punctual than
// the machine wakes a process: on a virtual machine a sleeping vCPU is
// woken by its host, sometimes milliseconds late, whatever the program.
type timerProbe struct {
	clock *netif.TimerfdClock
	timer *netif.TimerfdTimer

	mu   sync.Mutex // guards the fields below
	next time.Time
	late []time.Duration
}

func startTimerProbe() (*timerProbe, error) {
	c, err := netif.NewTimerfdClock()
	if err != nil {
		return nil, err
	}
	p := &timerProbe{clock: c}
	p.mu.Lock() // fire waits for p.timer
	defer p.mu.Unlock()
	p.next = time.Now().Add(floorPeriod)
	p.timer = c.AfterFunc(floorPeriod, p.fire)
	return p, nil
}

// fire notes the lateness and sets the next deadline on the grid.
func (p *timerProbe) fire() {
	now := time.Now()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.late = append(p.late, now.Sub(p.next))
	for !p.next.After(now) {
		p.next = p.next.Add(floorPeriod)
	}
	p.timer.Reset(p.next.Sub(now))
}

// finish stops the probe and returns the 99th percentile of its
// lateness. Close waits for the clock's goroutine, on which fire runs:
// nothing is added after it.
func (p *timerProbe) finish() time.Duration {
	p.clock.Close()
	return percentile(p.late, 0.99)
}
