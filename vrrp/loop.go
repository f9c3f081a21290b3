package vrrp

import (
	"net/netip"
	"time"
)

// The machine is stepped only by functions run on in.run, one at a time,
// so it needs no lock; the fields below belong to those functions.
//
//	in.timer, in.armed: the pending deadline's timer; while armed, it is
//	  set for the machine's deadline, which only steps followed by arm
//	  change, so the instance need not keep a copy
//	in.stopped: Shutdown was stepped, later events are ignored
//	in.sendBuf: the advert being encoded

// handle steps the machine on ev and re-arms the deadline. A deadline that
// did not change keeps its timer: most packets leave it where it was.
func (in *Instance) handle(ev Event) {
	if in.stopped {
		return
	}
	var armedAt time.Time
	if in.armed {
		armedAt = in.m.deadline()
	}
	next := in.step(ev)
	if in.armed && next.Equal(armedAt) {
		return
	}
	in.arm(next)
}

// arm makes the timer fire at deadline (none for zero). The one timer of
// the instance is moved, not replaced.
func (in *Instance) arm(deadline time.Time) {
	if deadline.IsZero() {
		if in.armed {
			in.timer.Stop()
			in.armed = false
		}
		return
	}
	in.armed = true
	d := max(deadline.Sub(in.clock.Now()), 0)
	if in.timer == nil {
		in.timer = in.clock.AfterFunc(d, in.timerFired) // made once: the timer is never replaced
		return
	}
	in.timer.Reset(d)
}

// timerFired is the timer's function, called on the clock's goroutine: it
// steps the machine there if the instance is idle, else queues fire.
func (in *Instance) timerFired() {
	if in.run.enter() {
		in.fire()
		in.run.leave()
		return
	}
	in.run.do(in.fireFn)
}

// fire handles the armed deadline. A timer that fired just before the
// deadline was moved (or cleared) finds it not due (or not armed) and does
// nothing: the timer is already set for the new one.
func (in *Instance) fire() {
	if !in.armed || in.stopped {
		return
	}
	deadline := in.m.deadline()
	if in.clock.Now().Before(deadline) {
		return
	}
	in.armed = false
	in.noteLateness(deadline)
	in.handle(Timer{})
}

// stopTimer stops the timer for good (shutdown, freeze).
func (in *Instance) stopTimer() {
	if in.timer != nil {
		in.timer.Stop()
		in.timer = nil
	}
	in.armed = false
}

// shutdown is the last function run for the instance: the machine resigns
// (or, keeping its VIPs, just stops), the effects drain, Close returns.
func (in *Instance) shutdown(keepVIPs bool) {
	in.stopTimer()
	in.step(Shutdown{KeepVIPs: keepVIPs})
	in.stopped = true
	in.closeEffects(in.stopping.Done)
	in.stopping.Done()
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
		in.reportPacket(rep)
	}
	if r.Verdict.AddrMismatch {
		rep := base
		rep.Kind = ReportAddrMismatch
		rep.Peer = ev.(PacketReceived).Packet.Src
		in.reportPacket(rep)
	}
	for _, a := range r.Actions {
		in.perform(base, a)
	}
	if base.Priority != prio {
		rep := base
		rep.Kind = ReportPriorityChanged
		in.report(rep)
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
	case *SendAdvert:
		in.sendAdvert(base, a)
	case AddVIPs:
		in.own(base, true)
	case RemoveVIPs:
		in.own(base, false)
	case Announce:
		in.announce(base, a.Rounds)
	case Notify:
		rep := base
		rep.Kind, rep.From, rep.To, rep.Reason, rep.Priority = ReportTransition, a.From, a.To, a.Reason, a.Priority
		in.report(rep)
	case RxLowerPriority:
		rep := base
		rep.Kind, rep.Peer, rep.Priority = ReportRxLowerPriority, a.From, a.Priority
		in.report(rep)
	case WantMaster:
		rep := base
		rep.Kind = ReportWantMaster
		in.report(rep)
	case OldChecksumDetected:
		rep := base
		rep.Kind, rep.Peer = ReportOldChecksum, a.From
		in.report(rep)
	case RxDiscarded:
		rep := base
		rep.Kind, rep.Peer, rep.PeerPriority = ReportRxDiscarded, a.From, a.Priority
		in.reportPacket(rep)
	case RxPriorityZero:
		rep := base
		rep.Kind, rep.Peer = ReportRxPriorityZero, a.From
		in.reportPacket(rep)
	case RxHigherPriority:
		rep := base
		rep.Kind, rep.Peer, rep.PeerPriority = ReportRxHigherPriority, a.From, a.Priority
		in.report(rep)
	}
}

// sendAdvert encodes and sends synchronously on the loop goroutine: the
// Sender contract is non-blocking, and sending here keeps the advert ahead
// of the VIP and GARP work queued for the effects goroutine.
func (in *Instance) sendAdvert(base Report, sa *SendAdvert) {
	if in.out.Sender == nil {
		return
	}
	cfg := &in.m.cfg
	if !cfg.Unicast {
		in.sendTo(base, cfg, sa, cfg.Group)
		return
	}
	for _, p := range cfg.Peers {
		in.sendTo(base, cfg, sa, p.Addr)
	}
}

// sendTo encodes the advert for dst into the instance's buffer and sends
// it (Sender keeps no reference to it).
func (in *Instance) sendTo(base Report, cfg *Config, sa *SendAdvert, dst netip.Addr) {
	var err error
	if cfg.AuthType == AuthAH {
		err = sendAH(in.out.Sender, cfg, sa, dst)
	} else {
		var b []byte
		if b, err = AppendMarshal(in.sendBuf[:0], sa.Advert, cfg.Source, dst, cfg.codec()); err == nil {
			in.sendBuf = b
			err = in.out.Sender.Send(dst, b)
		}
	}
	if err != nil {
		rep := base
		rep.Kind, rep.Peer = ReportError, dst
		rep.Err = &SendError{Dst: dst, Unicast: cfg.Unicast, Priority: sa.Advert.Priority, Err: err}
		in.report(rep)
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
		in.report(Report{Instance: in.m.cfg.Name, Time: now, Kind: ReportTimerLate, Late: late,
			From: in.m.State(), To: in.m.State(), Priority: in.m.Priority()})
	}
}
