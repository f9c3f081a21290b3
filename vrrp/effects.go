package vrrp

import "fmt"

// effects runs the outputs that may block (VIPs, Announcer, Reporter) in
// the order the machine produced them, one at a time, on a serial executor
// of their own, so that a slow netlink call or reporter never delays an
// advert. The queue is unbounded: the machine produces a handful of items
// per transition.
type effects struct {
	out  Outputs
	run  serial
	done chan struct{} // closed once everything pushed before close has run
}

func newEffects(out Outputs) *effects {
	return &effects{out: out, done: make(chan struct{})}
}

// push queues f; it never blocks.
func (e *effects) push(f func()) { e.run.do(f) }

// close closes done once the items already pushed have run.
func (e *effects) close() { e.run.do(func() { close(e.done) }) }

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
