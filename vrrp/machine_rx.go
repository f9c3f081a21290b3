package vrrp

import (
	"net/netip"
	"time"
)

// enterBackup arms the master-down timer with our own interval.
func (m *Machine) enterBackup(now moment, why Reason, r *Result) {
	m.clearTimers()
	m.masterInt = m.cfg.Interval
	m.armDown(now, m.masterDownInterval(), ReasonMasterDown)
	m.transition(StateBackup, why, r)
}

func (m *Machine) armDown(now moment, d time.Duration, why Reason) {
	m.downAt, m.downWhy = now.add(d), why
}

// enterMaster follows keepalived's vrrp_state_become_master (reference
// 3.14): one advert first so the old master can release, then the VIPs,
// then the first GARP burst; the second burst and refreshes are timers.
func (m *Machine) enterMaster(now moment, why Reason, r *Result) {
	m.clearTimers()
	m.lowerAnswered = 0
	m.ah.becomeMaster()
	m.masterInt = m.cfg.Interval
	m.masterAddr, m.masterPrio = m.cfg.Source, m.prio
	m.send(m.prio, r)
	r.Actions = append(r.Actions, AddVIPs{})
	m.announce(m.cfg.GARP.MasterRepeat, AnnounceBecameMaster, r)
	g := m.cfg.GARP
	m.advertAt = now.add(m.cfg.Interval)
	if g.MasterDelay > 0 {
		m.garpAt = now.add(g.MasterDelay)
	}
	if g.MasterRefresh > 0 {
		// keepalived 2.2.7's first refresh comes one refresh period after
		// becoming master, whatever garp_master_delay is (observed: 2 s
		// with refresh 2; 3 s, 6 s with refresh 3).
		m.refreshAt = now.add(g.MasterRefresh)
	}
	m.stats.becameMaster++
	m.want = true
	m.transition(StateMaster, why, r)
}

// leaveMaster releases the VIPs.
func (m *Machine) leaveMaster(r *Result) {
	m.stats.releasedMaster++
	r.Actions = append(r.Actions, RemoveVIPs{})
}

func (m *Machine) announce(rounds int, why AnnounceReason, r *Result) {
	if rounds > 0 {
		r.Actions = append(r.Actions, Announce{Rounds: rounds, Why: why})
	}
}

func (m *Machine) masterTimers(now moment, r *Result) {
	g := m.cfg.GARP
	if due(m.lowerOwed, now) {
		// Before the advert timer: the answer is an advert, and moves it.
		m.answerLower(now, r)
		r.Reason = ReasonLowerPriority
	}
	if due(m.advertAt, now) {
		m.send(m.prio, r)
		m.advertAt = nextAdvert(m.advertAt, now, m.cfg.Interval)
		r.Reason = ReasonAdvertTimer
	}
	if due(m.garpAt, now) {
		m.garpAt = 0
		m.announce(g.MasterRepeat, AnnounceMasterDelay, r)
		r.Reason = ReasonGARPTimer
	}
	if due(m.refreshAt, now) {
		m.refreshAt = now.add(g.MasterRefresh)
		m.announce(g.MasterRefreshRepeat, AnnounceRefresh, r)
		r.Reason = ReasonGARPTimer
	}
	if due(m.lowerAt, now) {
		m.lowerAt = 0
		m.announce(g.LowerPrioRepeat, AnnounceLowerPriorityDelay, r)
		r.Reason = ReasonGARPTimer
	}
}

func due(t, now moment) bool { return t.set() && !now.before(t) }

// nextAdvert schedules the advert after the one due at due and sent at
// now. It counts from when the advert was due, not from when it was sent,
// so that the lateness of each timer does not add up: a peer sees adverts
// exactly one interval apart on average. If the machine fell a whole
// interval or more behind (a stalled process), it starts again from now
// rather than sending the missed adverts in a burst.
func nextAdvert(due, now moment, interval time.Duration) moment {
	next := due.add(interval)
	if !now.before(next) {
		return now.add(interval)
	}
	return next
}

// backupRx is keepalived's vrrp_state_backup.
func (m *Machine) backupRx(now moment, a Advert, src netip.Addr, r *Result) {
	if a.Priority == PriorityStop {
		m.armDown(now, m.skew(), ReasonPriorityZero)
		r.Reason = ReasonPriorityZero
		r.Actions = append(r.Actions, RxPriorityZero{From: src})
		return
	}
	lower := a.Priority < m.prio
	held := lower && !m.cfg.NoPreempt && m.holdPreempt(now)
	if lower && !m.cfg.NoPreempt && !held {
		// Preempting: let the down timer run out (or, with FastPreempt,
		// take over after the skew time only).
		r.Reason = ReasonAdvertDiscarded
		if at := now.add(m.skew()); m.cfg.FastPreempt && at.before(m.downAt) {
			m.downAt, m.downWhy = at, ReasonFastPreempt
		}
		r.Actions = append(r.Actions, RxDiscarded{From: src, Priority: a.Priority})
		return
	}
	r.Reason = ReasonAdvertAccepted
	if held {
		r.Reason = ReasonPreemptDelay
	}
	if !lower {
		m.preemptAt = 0
	}
	if m.cfg.Version == 3 {
		m.masterInt = a.Interval
	}
	m.masterAddr, m.masterPrio = src, a.Priority
	m.armDown(now, m.masterDownInterval(), ReasonMasterDown)
	// Held in BACKUP by a sync group or not, we now have a master.
	m.want = false
}

// holdPreempt reports whether preempt_delay still holds back preemption;
// the first lower-priority advert starts it.
func (m *Machine) holdPreempt(now moment) bool {
	if m.cfg.PreemptDelay == 0 {
		return false
	}
	if !m.preemptAt.set() {
		m.preemptAt = now.add(m.cfg.PreemptDelay)
		return true
	}
	return now.before(m.preemptAt)
}

// masterRx is keepalived's vrrp_state_master_rx.
func (m *Machine) masterRx(now moment, a Advert, src netip.Addr, r *Result) {
	switch {
	case a.Priority == PriorityStop:
		m.send(m.prio, r)
		m.advertAt = now.add(m.cfg.Interval)
		r.Reason = ReasonPriorityZero
		r.Actions = append(r.Actions, RxPriorityZero{From: src})
	case a.Priority > m.prio || (a.Priority == m.prio && src.Compare(m.cfg.Source) > 0):
		if m.cfg.HigherPrioSendAdvert {
			m.send(m.prio, r)
		}
		m.ah.cycle = false
		r.Actions = append(r.Actions, RxHigherPriority{From: src, Priority: a.Priority})
		m.leaveMaster(r)
		m.want = false
		m.enterBackup(now, ReasonHigherPriority, r)
		if m.cfg.Version == 3 {
			m.masterInt = a.Interval
			m.armDown(now, m.masterDownInterval(), ReasonMasterDown)
		}
		m.masterAddr, m.masterPrio = src, a.Priority
	default:
		m.masterRxLower(now, a, src, r)
	}
}

// masterRxLower: only masters send adverts, so a worse advert means a
// split brain is healing. Assert ourselves at once with an advert and
// re-announce the VIPs, because the other master's GARPs may have moved
// the neighbours' caches. The announcement is sent
// even with garp_lower_prio_repeat 0 (one round), unlike keepalived.
func (m *Machine) masterRxLower(now moment, a Advert, src netip.Addr, r *Result) {
	r.Reason = ReasonLowerPriority
	if m.cfg.AuthType == AuthAH {
		// keepalived ("IPSEC-AH : Syncing seq_num - Increment seq"): the
		// counter, just raised to the advert's number, goes one above it.
		m.ah.seq++
		m.ah.cycle = false
	}
	if !m.lowerAnswerDue(now) {
		// One answer per advert interval is all the protocol needs: the
		// other master hears it before its next advert. A flood of worse
		// adverts (spoofed or a looping switch) is counted, not reflected
		// onto the segment advert for advert and GARP round for round.
		// They are owed one answer when the interval is up, so that the
		// last announcement the segment hears is ours: a peer master
		// that announced after our answer and then yielded would
		// otherwise keep the neighbours' caches until they time out (a
		// flood had made keepalived's backup take over and announce once
		// per flood packet; the client lost its pings for up to 5 s).
		m.stats.lowerPrioSuppressed++
		m.lowerOwed = m.lowerAnswered.add(m.cfg.Interval)
		return
	}
	m.answerLower(now, r)
	r.Actions = append(r.Actions, RxLowerPriority{From: src, Priority: a.Priority})
}

// answerLower answers lower-priority adverts: an advert (unless
// lower_prio_no_advert) and an announcement.
func (m *Machine) answerLower(now moment, r *Result) {
	g := m.cfg.GARP
	m.lowerAnswered, m.lowerOwed = now, 0
	if !m.cfg.LowerPrioNoAdvert {
		m.send(m.prio, r)
		m.advertAt = now.add(m.cfg.Interval)
	}
	m.announce(max(g.LowerPrioRepeat, 1), AnnounceLowerPriority, r)
	if g.LowerPrioRepeat > 0 && g.LowerPrioDelay > 0 {
		m.lowerAt = now.add(g.LowerPrioDelay)
	}
}

// lowerAnswerDue reports whether a lower-priority advert may be answered
// now: the first one since becoming master is, later ones once an advert
// interval has passed since the last answer. keepalived 2.2.7 answers
// every one; with one other master advertising once an interval the two
// behave the same.
func (m *Machine) lowerAnswerDue(now moment) bool {
	return !m.lowerAnswered.set() || now.sub(m.lowerAnswered) >= m.cfg.Interval
}
