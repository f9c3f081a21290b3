package vrrp

import "sync"

// serial runs functions one at a time, in order, without holding a
// goroutine while idle: with one parked goroutine pair per instance, a
// daemon with 250 instances spent 8-19 MiB on stacks alone, more than
// keepalived's whole process.
//
// Work arrives two ways. do queues a function and starts a runner
// goroutine if none runs. enter and leave let the caller run its work on
// its own goroutine when nothing runs or waits: the instance's packets
// (on the socket's reader) and timers (on the clock's goroutine) take that
// path, which costs neither a goroutine start nor a wake-up of another
// thread per advert.
type serial struct {
	mu      sync.Mutex // guards queue, spare and running
	queue   []func()
	spare   []func() // the last drained queue, reused
	running bool     // a runner or an entered caller owns the executor
	runners *Runners // nil: a goroutine of its own for each run
}

// startRunner gives the queue a goroutine: one of s.runners, or its own.
func (s *serial) startRunner() {
	if s.runners != nil {
		s.runners.start(s)
		return
	}
	go s.drain()
}

// do queues f and starts a runner if none is running; it never blocks.
func (s *serial) do(f func()) {
	s.mu.Lock()
	s.queue = append(s.queue, f)
	start := !s.running
	s.running = true
	s.mu.Unlock()
	if start {
		s.startRunner()
	}
}

// enter claims the executor for the caller if nothing runs or waits;
// the caller then runs its work and calls leave. It reports false while
// the executor is busy: the caller queues with do instead, keeping the
// order.
func (s *serial) enter() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.running {
		return false
	}
	s.running = true
	return true
}

// leave ends what enter began: functions queued meanwhile get a runner.
func (s *serial) leave() {
	s.mu.Lock()
	if len(s.queue) == 0 {
		s.running = false
		s.mu.Unlock()
		return
	}
	s.mu.Unlock()
	s.startRunner()
}

// drain runs the queue until it is empty, then lets the goroutine end.
// Two slices take turns as the queue, so that steady work allocates none;
// an executor that falls idle lets both go, since an instance's executors
// are idle nearly all the time (their adverts take enter's path) and a
// thousand instances kept about 50 bytes each in them after a transition.
func (s *serial) drain() {
	for {
		s.mu.Lock()
		q := s.queue
		if len(q) == 0 {
			s.running = false
			s.queue, s.spare = nil, nil
			s.mu.Unlock()
			return
		}
		s.queue, s.spare = s.spare[:0], nil
		s.mu.Unlock()
		for _, f := range q {
			f()
		}
		clear(q)
		s.mu.Lock()
		s.spare = q[:0]
		s.mu.Unlock()
	}
}
