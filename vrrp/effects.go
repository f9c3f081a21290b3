package vrrp

import (
	"fmt"
	"sync/atomic"
)

// effects runs the outputs that may block (VIPs, Announcer, Reporter) in
// the order the machine produced them, one at a time, on a serial executor
// of their own, so that a slow netlink call or reporter never delays an
// advert. Transitions produce a handful of items each; reports caused by
// single packets (drops, other VIP lists) are bounded by maxPacketReports
// queued at once, so that a flood can neither grow the queue nor delay the
// VIP work queued behind it. The packets themselves are still counted in
// the machine's Stats.
type effects struct {
	out Outputs
	run serial

	pktQueued     atomic.Int32  // packet reports queued and not yet run
	pktSuppressed atomic.Uint64 // packet reports not queued (queue full)
}

// maxPacketReports is how many per-packet reports may wait in the queue.
const maxPacketReports = 8

func newEffects(out Outputs) *effects {
	return &effects{out: out}
}

// push queues f; it never blocks.
func (e *effects) push(f func()) { e.run.do(f) }

// close calls done once the items already pushed have run.
func (e *effects) close(done func()) { e.run.do(done) }

func (e *effects) report(r Report) {
	if e.out.Reporter != nil {
		e.push(func() { e.out.Reporter.Report(r) })
	}
}

// reportPacket queues a report caused by one received packet, unless
// maxPacketReports are already waiting.
func (e *effects) reportPacket(r Report) {
	if e.out.Reporter == nil {
		return
	}
	if e.pktQueued.Add(1) > maxPacketReports {
		e.pktQueued.Add(-1)
		e.pktSuppressed.Add(1)
		return
	}
	e.push(func() {
		e.pktQueued.Add(-1)
		e.out.Reporter.Report(r)
	})
}

// ownSlots bounds how many instances change their VIPs at once, across
// the process. VIPs.Own is a series of blocking netlink requests, and
// each goroutine blocked in a system call holds an OS thread: a thousand
// instances becoming master together made the runtime start a dozen
// threads that then stayed for the life of the process (their stacks
// alone half a MiB of resident memory). Own does not wait for anything
// but the kernel, so a few slots only queue the changes for microseconds.
var ownSlots = make(chan struct{}, 4)

// own and announce call the outputs and report their errors.
func (e *effects) own(base Report, own bool) {
	if e.out.VIPs == nil {
		return
	}
	e.push(func() {
		ownSlots <- struct{}{}
		err := e.out.VIPs.Own(own)
		<-ownSlots
		if err != nil {
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
