package vrrp

import (
	"fmt"
	"time"
)

// The machine is stepped only by functions queued on in.run, one at a
// time, so it needs no lock; the fields below belong to those functions.
//
//	in.timer, in.timerGen, in.deadline: the pending deadline's timer
//	in.stopped: Shutdown was stepped, later events are ignored

// handle steps the machine on ev and re-arms the deadline.
func (in *Instance) handle(ev Event) {
	if in.stopped {
		return
	}
	in.arm(in.step(ev))
}

// arm makes the timer fire at deadline (none for zero). A deadline that did
// not change keeps its timer: most packets leave it where it was.
func (in *Instance) arm(deadline time.Time) {
	if in.timer != nil && deadline.Equal(in.deadline) {
		return
	}
	if in.timer != nil {
		in.timer.Stop()
		in.timer = nil
	}
	// A timer that fired before Stop may already have queued fire; the
	// generation tells fire that its deadline is gone.
	in.timerGen++
	in.deadline = deadline
	if deadline.IsZero() {
		return
	}
	gen := in.timerGen
	in.timer = in.clock.AfterFunc(max(deadline.Sub(in.clock.Now()), 0), func() {
		in.run.do(func() { in.fire(gen) })
	})
}

// fire handles the deadline armed as generation gen.
func (in *Instance) fire(gen uint64) {
	if gen != in.timerGen || in.stopped {
		return
	}
	in.timer = nil
	in.noteLateness(in.deadline)
	in.handle(Timer{})
}

// shutdown is the last function run for the instance: the machine resigns
// (or, keeping its VIPs, just stops), the effects drain, done is closed.
func (in *Instance) shutdown(keepVIPs bool) {
	if in.timer != nil {
		in.timer.Stop()
		in.timer = nil
	}
	in.step(Shutdown{KeepVIPs: keepVIPs})
	in.stopped = true
	in.eff.close()
	close(in.done)
}

// step runs one machine step, performs its actions and returns the next
// deadline.
func (in *Instance) step(ev Event) time.Time {
	now := in.clock.Now()
	prio := in.m.Priority()
	r := in.m.Step(now, ev)
	base := Report{Instance: in.m.cfg.Name, Time: now, From: r.From, To: r.State, Reason: r.Reason, Priority: in.m.Priority()}
	// Published before the actions run: the effects they queue (an
	// announcement asking whether we are master, a report reading the
	// priority) must see the state this step made.
	in.publish()
	if r.Drop != nil {
		rep := base
		rep.Kind, rep.Err = ReportDrop, r.Drop
		if p, ok := ev.(PacketReceived); ok {
			rep.Peer = p.Packet.Src
		}
		in.eff.reportPacket(rep)
	}
	if r.Verdict.AddrMismatch {
		rep := base
		rep.Kind = ReportAddrMismatch
		rep.Peer = ev.(PacketReceived).Packet.Src
		in.eff.reportPacket(rep)
	}
	for _, a := range r.Actions {
		in.perform(base, a)
	}
	if base.Priority != prio {
		rep := base
		rep.Kind = ReportPriorityChanged
		in.eff.report(rep)
	}
	return r.Deadline
}

// publish makes the machine's state visible to the accessors.
func (in *Instance) publish() {
	in.want.Store(in.m.WantsMaster())
	in.mu.Lock()
	in.snap = snapshotOf(in.m)
	in.mu.Unlock()
}

func (in *Instance) perform(base Report, a Action) {
	switch a := a.(type) {
	case SendAdvert:
		in.sendAdvert(base, a)
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
	case RxDiscarded:
		rep := base
		rep.Kind, rep.Peer, rep.PeerPriority = ReportRxDiscarded, a.From, a.Priority
		in.eff.reportPacket(rep)
	case RxPriorityZero:
		rep := base
		rep.Kind, rep.Peer = ReportRxPriorityZero, a.From
		in.eff.reportPacket(rep)
	case RxHigherPriority:
		rep := base
		rep.Kind, rep.Peer, rep.PeerPriority = ReportRxHigherPriority, a.From, a.Priority
		in.eff.report(rep)
	}
}

// sendAdvert encodes and sends synchronously on the loop goroutine: the
// Sender contract is non-blocking, and sending here keeps the advert ahead
// of the VIP and GARP work queued for the effects goroutine.
func (in *Instance) sendAdvert(base Report, sa SendAdvert) {
	if in.out.Sender == nil {
		return
	}
	cfg := in.m.Config()
	for _, dst := range cfg.destinations() {
		var err error
		if cfg.AuthType == AuthAH {
			err = sendAH(in.out.Sender, &cfg, sa, dst)
		} else {
			var b []byte
			if b, err = Marshal(sa.Advert, cfg.Source, dst, cfg.codec()); err == nil {
				err = in.out.Sender.Send(dst, b)
			}
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
// logs "A thread timer expired").
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
