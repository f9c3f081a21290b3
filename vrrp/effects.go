package vrrp

import "fmt"

// The effects: the outputs that may block (VIPs, Announcer, Reporter) run
// in the order the machine produced them, one at a time, on the
// instance's second serial executor (effRun), so that a slow netlink call
// or reporter never delays an advert. Transitions produce a handful of
// items each; reports caused by single packets (drops, other VIP lists)
// are bounded by maxPacketReports queued at once, so that a flood can
// neither grow the queue nor delay the VIP work queued behind it. The
// packets themselves are still counted in the machine's Stats. The
// executor and its counters are fields of the Instance, not an object of
// their own: that one held a second copy of the outputs.
//
//	in.effRun: the executor
//	in.pktQueued: packet reports queued and not yet run
//	in.pktSuppressed: packet reports not queued (queue full)

// maxPacketReports is how many per-packet reports may wait in the queue.
const maxPacketReports = 8

// pushEffect queues f; it never blocks.
func (in *Instance) pushEffect(f func()) { in.effRun.do(f) }

// closeEffects calls done once the items already pushed have run.
func (in *Instance) closeEffects(done func()) { in.effRun.do(done) }

func (in *Instance) report(r Report) {
	if in.out.Reporter != nil {
		in.pushEffect(func() { in.out.Reporter.Report(r) })
	}
}

// reportPacket queues a report caused by one received packet, unless
// maxPacketReports are already waiting.
func (in *Instance) reportPacket(r Report) {
	if in.out.Reporter == nil {
		return
	}
	if in.pktQueued.Add(1) > maxPacketReports {
		in.pktQueued.Add(-1)
		in.pktSuppressed.Add(1)
		return
	}
	in.pushEffect(func() {
		in.pktQueued.Add(-1)
		in.out.Reporter.Report(r)
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
func (in *Instance) own(base Report, own bool) {
	if in.out.VIPs == nil {
		return
	}
	in.pushEffect(func() {
		ownSlots <- struct{}{}
		err := in.out.VIPs.Own(own)
		<-ownSlots
		if err != nil {
			in.reportNow(base, fmt.Errorf("set vips owned=%t: %w", own, err))
		}
	})
}

func (in *Instance) announce(base Report, rounds int) {
	if in.out.Announcer == nil {
		return
	}
	in.pushEffect(func() {
		if err := in.out.Announcer.Announce(rounds); err != nil {
			in.reportNow(base, fmt.Errorf("announce vips: %w", err))
		}
	})
}

// reportNow reports an error from the effects goroutine itself.
func (in *Instance) reportNow(base Report, err error) {
	if in.out.Reporter != nil {
		base.Kind, base.Err = ReportError, err
		in.out.Reporter.Report(base)
	}
}
