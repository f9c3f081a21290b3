package vrrp

import (
	"fmt"
	"time"
)

// loop is the instance goroutine: the only caller of the Machine.
func (in *Instance) loop() {
	defer close(in.done)
	defer in.eff.close()
	deadline := in.step(Start{})
	timer := in.arm(deadline)
	for {
		var tc <-chan time.Time
		if timer != nil {
			tc = timer.C()
		}
		var ev Event
		select {
		case <-in.quit:
			stopTimer(timer)
			in.step(Shutdown{KeepVIPs: in.keepVIPs.Load()})
			return
		case p := <-in.pkts:
			ev = PacketReceived{Packet: p}
		case ev = <-in.ctl:
		case <-tc:
			ev = Timer{}
			in.noteLateness(deadline)
		}
		stopTimer(timer)
		deadline = in.step(ev)
		timer = in.arm(deadline)
	}
}

// step runs one machine step, performs its actions and returns the next
// deadline.
func (in *Instance) step(ev Event) time.Time {
	now := in.clock.Now()
	r := in.m.Step(now, ev)
	base := Report{Instance: in.m.cfg.Name, Time: now, From: r.From, To: r.State, Reason: r.Reason, Priority: in.m.Priority()}
	if r.Drop != nil {
		rep := base
		rep.Kind, rep.Err = ReportDrop, r.Drop
		if p, ok := ev.(PacketReceived); ok {
			rep.Peer = p.Packet.Src
		}
		in.eff.report(rep)
	}
	if r.Verdict.AddrMismatch {
		rep := base
		rep.Kind = ReportAddrMismatch
		rep.Peer = ev.(PacketReceived).Packet.Src
		in.eff.report(rep)
	}
	for _, a := range r.Actions {
		in.perform(base, a)
	}
	in.want.Store(in.m.WantsMaster())
	in.mu.Lock()
	in.snap = snapshotOf(in.m)
	in.mu.Unlock()
	return r.Deadline
}

func (in *Instance) perform(base Report, a Action) {
	switch a := a.(type) {
	case SendAdvert:
		in.sendAdvert(base, a.Advert)
	case AddVIPs:
		in.eff.own(base, true)
	case RemoveVIPs:
		in.eff.own(base, false)
	case Announce:
		in.eff.announce(base, a.Rounds)
	case Notify:
		rep := base
		rep.Kind, rep.From, rep.To, rep.Reason, rep.Priority = ReportTransition, a.From, a.To, a.Reason, a.Priority
		in.eff.report(rep)
	case RxLowerPriority:
		rep := base
		rep.Kind, rep.Peer, rep.Priority = ReportRxLowerPriority, a.From, a.Priority
		in.eff.report(rep)
	case WantMaster:
		rep := base
		rep.Kind = ReportWantMaster
		in.eff.report(rep)
	case OldChecksumDetected:
		rep := base
		rep.Kind, rep.Peer = ReportOldChecksum, a.From
		in.eff.report(rep)
	}
}

// sendAdvert encodes and sends synchronously on the loop goroutine: the
// Sender contract is non-blocking, and sending here keeps the advert ahead
// of the VIP and GARP work queued for the effects goroutine.
func (in *Instance) sendAdvert(base Report, a Advert) {
	if in.out.Sender == nil {
		return
	}
	cfg := in.m.Config()
	for _, dst := range cfg.destinations() {
		b, err := Marshal(a, cfg.Source, dst, cfg.codec())
		if err == nil {
			err = in.out.Sender.Send(dst, b)
		}
		if err != nil {
			rep := base
			rep.Kind, rep.Peer, rep.Err = ReportError, dst, fmt.Errorf("send advert to %v: %w", dst, err)
			in.eff.report(rep)
		}
	}
}

// lateThreshold is how late a timer may fire before it is reported; later
// than this, a scheduling stall may have let a backup take over (keepalived
// logs "A thread timer expired", reference 5, theme 8).
const lateThreshold = 100 * time.Millisecond

// noteLateness records how late the deadline's timer fired.
func (in *Instance) noteLateness(deadline time.Time) {
	now := in.clock.Now()
	late := now.Sub(deadline)
	in.mu.Lock()
	in.maxLate = max(in.maxLate, late)
	in.mu.Unlock()
	if late > lateThreshold {
		in.eff.report(Report{Instance: in.m.cfg.Name, Time: now, Kind: ReportTimerLate, Late: late,
			From: in.m.State(), To: in.m.State(), Priority: in.m.Priority()})
	}
}
