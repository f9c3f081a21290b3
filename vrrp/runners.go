package vrrp

import (
	"sync"
	"time"
)

// Runners runs the effects of many instances on a bounded number of
// goroutines. An instance's effects executor otherwise starts a goroutine
// whenever work arrives, and the runtime keeps the descriptor of every
// goroutine that ever ran at once for the life of the process: 1000
// instances becoming master together started 1000 of them faster than
// they finished, which left half a MiB behind for good.
//
// Each executor still runs its functions one at a time and in order; the
// Runners only decide when it gets a goroutine. An executor waiting for
// one keeps its place in line. So that no executor waits forever behind
// runners that are all blocked (an effect waiting for a lock whose holder
// waits for effects further back), a runner is added whenever executors
// have waited stallWait without any runner finishing.
type Runners struct {
	clock Clock
	max   int

	mu      sync.Mutex // guards the rest
	running int
	waiting []*serial  // in order of arrival
	done    uint64     // drains finished: the watchdog's sign of progress
	seen    uint64     // done when the watchdog last looked
	watch   ClockTimer // armed while executors wait
}

// stallWait is how long executors may wait while no runner finishes
// before another runner is started.
const stallWait = 10 * time.Millisecond

// NewRunners returns runners that use up to max goroutines (more only
// while all of them are stuck), with clock for the stall watchdog.
func NewRunners(clock Clock, max int) *Runners {
	if clock == nil {
		clock = RealClock()
	}
	return &Runners{clock: clock, max: max}
}

// WithRunners runs the instance's effects on r instead of goroutines of
// their own.
func WithRunners(r *Runners) Option { return func(in *Instance) { in.effRun.runners = r } }

// start gives s a runner now, or when one is free.
func (r *Runners) start(s *serial) {
	r.mu.Lock()
	if r.running < r.max {
		r.running++
		r.mu.Unlock()
		go r.run(s)
		return
	}
	r.waiting = append(r.waiting, s)
	if r.watch == nil {
		r.seen = r.done
		r.watch = r.clock.AfterFunc(stallWait, r.check)
	}
	r.mu.Unlock()
}

// run drains s, then the executors that wait, and ends when none does.
func (r *Runners) run(s *serial) {
	for {
		s.drain()
		r.mu.Lock()
		r.done++
		if len(r.waiting) == 0 {
			r.running--
			r.waiting = nil
			if r.watch != nil {
				r.watch.Stop()
				r.watch = nil
			}
			r.mu.Unlock()
			return
		}
		s = r.next()
		r.mu.Unlock()
	}
}

// next takes the first waiting executor; r.mu is held.
func (r *Runners) next() *serial {
	s := r.waiting[0]
	r.waiting[0] = nil
	r.waiting = r.waiting[1:]
	return s
}

// check starts one more runner if executors have waited a whole
// stallWait without any drain finishing, and looks again later while
// executors wait.
func (r *Runners) check() {
	r.mu.Lock()
	r.watch = nil
	if len(r.waiting) == 0 {
		r.mu.Unlock()
		return
	}
	var s *serial
	if r.done == r.seen {
		s = r.next()
		r.running++
	}
	r.seen = r.done
	if len(r.waiting) > 0 {
		r.watch = r.clock.AfterFunc(stallWait, r.check)
	}
	r.mu.Unlock()
	if s != nil {
		go r.run(s)
	}
}
