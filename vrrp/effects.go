package vrrp

import (
	"fmt"
	"sync"
)

// effects runs the outputs that may block (VIPs, Announcer, Reporter) on
// their own goroutine, in the order the machine produced them, so that a
// slow netlink call or reporter never delays an advert. The queue is
// unbounded: the machine produces a handful of items per transition.
type effects struct {
	out  Outputs
	wake chan struct{} // capacity 1: "the queue is not empty"
	done chan struct{}

	mu     sync.Mutex // guards queue and closed
	queue  []func()
	closed bool
}

func newEffects(out Outputs) *effects {
	return &effects{out: out, wake: make(chan struct{}, 1), done: make(chan struct{})}
}

// push queues f; it never blocks.
func (e *effects) push(f func()) {
	e.mu.Lock()
	e.queue = append(e.queue, f)
	e.mu.Unlock()
	select {
	case e.wake <- struct{}{}:
	default:
	}
}

// close makes run return once the queue is drained.
func (e *effects) close() {
	e.mu.Lock()
	e.closed = true
	e.mu.Unlock()
	select {
	case e.wake <- struct{}{}:
	default:
	}
}

func (e *effects) run() {
	defer close(e.done)
	for range e.wake {
		for {
			e.mu.Lock()
			q, closed := e.queue, e.closed
			e.queue = nil
			e.mu.Unlock()
			if len(q) == 0 {
				if closed {
					return
				}
				break
			}
			for _, f := range q {
				f()
			}
		}
	}
}

func (e *effects) report(r Report) {
	if e.out.Reporter != nil {
		e.push(func() { e.out.Reporter.Report(r) })
	}
}

// own and announce call the outputs and report their errors.
func (e *effects) own(base Report, own bool) {
	if e.out.VIPs == nil {
		return
	}
	e.push(func() {
		if err := e.out.VIPs.Own(own); err != nil {
			e.reportNow(base, fmt.Errorf("set vips owned=%t: %w", own, err))
		}
	})
}

func (e *effects) announce(base Report, rounds int) {
	if e.out.Announcer == nil {
		return
	}
	e.push(func() {
		if err := e.out.Announcer.Announce(rounds); err != nil {
			e.reportNow(base, fmt.Errorf("announce vips: %w", err))
		}
	})
}

// reportNow reports an error from the effects goroutine itself.
func (e *effects) reportNow(base Report, err error) {
	if e.out.Reporter != nil {
		base.Kind, base.Err = ReportError, err
		e.out.Reporter.Report(base)
	}
}
