package vrrp

import "sync"

// serial runs queued functions one at a time, in order, on a goroutine
// that exists only while there is work. An idle instance then costs no
// goroutine and no stack: with one parked goroutine pair per instance,
// a daemon with 250 instances spent 8-19 MiB on stacks alone, more than
// keepalived's whole process.
type serial struct {
	mu      sync.Mutex // guards queue and running
	queue   []func()
	running bool
}

// do queues f and starts a runner if none is running; it never blocks.
func (s *serial) do(f func()) {
	s.mu.Lock()
	s.queue = append(s.queue, f)
	start := !s.running
	s.running = true
	s.mu.Unlock()
	if start {
		go s.drain()
	}
}

// drain runs the queue until it is empty, then lets the goroutine end.
func (s *serial) drain() {
	for {
		s.mu.Lock()
		q := s.queue
		s.queue = nil
		if len(q) == 0 {
			s.running = false
			s.mu.Unlock()
			return
		}
		s.mu.Unlock()
		for _, f := range q {
			f()
		}
	}
}
