package vrrp

import (
	"net/netip"
	"time"
)

// Machine is the pure VRRP state machine of one instance. It never reads
// the clock, sleeps or does I/O: Step takes the current time and an event
// and returns what to do and when to call it again. It is not safe for
// concurrent use; the runtime (Instance) serialises calls.
type Machine struct {
	cfg   Config
	stats counters

	masterInt  time.Duration // master_adver_int: a v3 backup adopts the master's
	masterAddr netip.Addr
	gate       func(State) bool // nil: never held back

	// The timers, as moments after base (see moment.go); zero when not
	// armed.
	base      time.Time
	downAt    moment // backup: master-down timer
	preemptAt moment // backup: preempt_delay expiry
	advertAt  moment // master: next advert
	garpAt    moment // master: second GARP burst
	refreshAt moment // master: next GARP refresh
	lowerAt   moment // master: second lower-priority GARP burst
	// lowerAnswered is when a lower-priority advert was last answered;
	// lowerOwed, when one not answered since is (master).
	lowerAnswered, lowerOwed moment

	// acts and sent are the last step's actions and advert, reused by the
	// next one (see Result); a step that sends twice has its second
	// advert allocated.
	acts []Action
	sent SendAdvert

	ah ahCounter // auth_type AH: the sequence number, sent and received

	// The one-byte fields together, after the wider ones: in declaration
	// order among those, each would have been padded to eight bytes.
	state      State
	prio       uint8 // effective priority
	masterPrio uint8
	downWhy    Reason // why downAt was last armed
	fault      bool
	started    bool
	want       bool // keepalived's wantstate == MASTER (see machine_sync.go)
	sentUsed   bool
}

// NewMachine validates cfg, applies its defaults and returns a machine in
// StateInit.
func NewMachine(cfg Config) (*Machine, error) {
	c, err := cfg.normalize()
	if err != nil {
		return nil, err
	}
	return &Machine{cfg: c, prio: c.Priority, masterInt: c.Interval, want: c.WantMaster}, nil
}

// State returns the current state.
func (m *Machine) State() State { return m.state }

// Priority returns the effective priority.
func (m *Machine) Priority() uint8 { return m.prio }

// Stats returns a copy of the counters.
func (m *Machine) Stats() Stats { return m.stats.stats() }

// Config returns the normalised configuration.
func (m *Machine) Config() Config { return m.cfg }

// Master returns the address and priority of the last accepted master
// advert (our own address when master).
func (m *Machine) Master() (netip.Addr, uint8) { return m.masterAddr, m.masterPrio }

// Step feeds one event to the machine at time now.
func (m *Machine) Step(t time.Time, ev Event) Result {
	now := m.at(t)
	clear(m.acts) // nothing of the last step stays reachable
	r := Result{From: m.state, Reason: ReasonIgnored, Actions: m.acts[:0]}
	m.sentUsed = false
	switch e := ev.(type) {
	case Start:
		m.start(now, &r)
	case PacketReceived:
		m.packet(now, e.Packet, &r)
	case AdvertReceived:
		m.advert(now, e.Advert, e.Src, &r)
	case Timer:
		m.timer(now, &r)
	case PriorityChanged:
		m.setPriority(now, e.Priority, &r)
	case FaultSet:
		m.setFault(now, true, &r)
	case FaultCleared:
		m.setFault(now, false, &r)
	case Shutdown:
		m.shutdown(e.KeepVIPs, &r)
	case Reload:
		m.reload(now, e.cfg, &r)
	case ForceMaster:
		m.forceMaster(now, &r)
	case ForceBackup:
		m.forceBackup(now, &r)
	}
	r.State = m.state
	r.Deadline = m.deadline()
	m.acts = r.Actions
	if cap(m.acts) > maxKeptActions {
		m.acts = nil // a transition's; an advert needs one
	}
	return r
}

// maxKeptActions is how many action slots a machine keeps for its next
// step: enough for its adverts and GARP timers, which then allocate none,
// not the five of becoming master, 64 bytes more held by every master.
const maxKeptActions = 2

func (m *Machine) isOwner() bool { return m.cfg.Priority == PriorityOwner && m.cfg.WantMaster }

func (m *Machine) start(now moment, r *Result) {
	if m.started || m.state != StateInit {
		return
	}
	m.started = true
	switch {
	case m.fault:
		m.transition(StateFault, ReasonFault, r)
	case m.isOwner() && m.mayMaster(StateInit):
		m.enterMaster(now, ReasonOwner, r)
	default:
		m.enterBackup(now, ReasonStart, r)
	}
}

// packet validates a received message and processes it as an advert.
func (m *Machine) packet(now moment, p Packet, r *Result) {
	if m.state != StateBackup && m.state != StateMaster {
		return
	}
	a, v, err := m.check(p)
	m.detectOldChecksum(v, p.Src, r)
	if err != nil {
		m.stats.countDrop(ReasonOf(err))
		r.Reason, r.Drop = ReasonDropped, err
		return
	}
	r.Verdict = v
	if v.AddrMismatch {
		m.stats.addrListErr++
	}
	m.advert(now, a, p.Src, r)
}

// detectOldChecksum follows keepalived's vrrp_check_packet: a unicast
// instance left at the default mode that receives a VRRPv3 advert
// checksummed the pre-1.3.6 way sends that checksum from then on
// (keepalived logs "Setting unicast VRRPv3 checksum to old version").
func (m *Machine) detectOldChecksum(v Verdict, src netip.Addr, r *Result) {
	if v.Checksum != ChecksumOldUnicast || !m.cfg.Unicast || m.cfg.UnicastChecksum != UnicastChecksumAuto {
		return
	}
	m.cfg.UnicastChecksum = UnicastChecksumDetected
	r.Actions = append(r.Actions, OldChecksumDetected{From: src})
}

func (m *Machine) advert(now moment, a Advert, src netip.Addr, r *Result) {
	switch m.state {
	case StateBackup:
		m.countRx(a)
		m.backupRx(now, a, src, r)
	case StateMaster:
		m.countRx(a)
		m.masterRx(now, a, src, r)
	}
}

func (m *Machine) countRx(a Advert) {
	m.stats.advertReceived++
	if a.Priority == PriorityStop {
		m.stats.priZeroReceived++
	}
}

func (m *Machine) timer(now moment, r *Result) {
	switch m.state {
	case StateBackup:
		if m.downAt.set() && !now.before(m.downAt) {
			m.downTimer(now, r)
		}
	case StateMaster:
		m.masterTimers(now, r)
	}
}

func (m *Machine) setPriority(now moment, p int, r *Result) {
	if m.cfg.Priority == PriorityOwner {
		return // frozen
	}
	np := uint8(min(max(p, 1), PriorityOwner-1))
	if np == m.prio {
		return
	}
	lower := np < m.prio
	m.applyPriority(np)
	r.Reason = ReasonPriorityChanged
	// With FastPreempt a master whose priority fell says so at once, so
	// that a backup now above it takes over after its skew, not up to an
	// interval later. (keepalived waits for the next regular advert.)
	if m.cfg.FastPreempt && lower && m.state == StateMaster {
		m.send(m.prio, r)
		m.advertAt = now.add(m.cfg.Interval)
	}
}

// applyPriority sets the effective priority; keepalived shifts a running
// down timer by the change in skew.
func (m *Machine) applyPriority(p uint8) {
	old := m.skew()
	m.prio = p
	if m.state == StateBackup && m.downAt.set() {
		m.downAt = m.downAt.add(m.skew() - old)
	}
}

func (m *Machine) setFault(now moment, fault bool, r *Result) {
	if m.fault == fault {
		return
	}
	m.fault = fault
	m.want = false
	switch {
	case fault && (m.state == StateBackup || m.state == StateMaster):
		if m.state == StateMaster {
			m.send(PriorityStop, r)
			m.leaveMaster(r)
		}
		m.clearTimers()
		m.transition(StateFault, ReasonFault, r)
	case !fault && m.state == StateFault:
		if m.isOwner() && m.mayMaster(StateFault) {
			m.enterMaster(now, ReasonFaultCleared, r)
			return
		}
		m.enterBackup(now, ReasonFaultCleared, r)
	}
}

func (m *Machine) shutdown(keepVIPs bool, r *Result) {
	if m.state == StateStopped {
		return
	}
	if m.state == StateMaster && !keepVIPs {
		m.send(PriorityStop, r)
		r.Actions = append(r.Actions, RemoveVIPs{})
	}
	m.clearTimers()
	m.transition(StateStopped, ReasonShutdown, r)
}

// transition records a state change and its notification.
func (m *Machine) transition(to State, why Reason, r *Result) {
	from := m.state
	m.state = to
	r.Reason = why
	r.Actions = append(r.Actions, Notify{From: from, To: to, Reason: why, Priority: m.prio})
}

func (m *Machine) send(prio uint8, r *Result) {
	m.stats.advertSent++
	if prio == PriorityStop {
		m.stats.priZeroSent++
	}
	sa := &m.sent
	if m.sentUsed {
		sa = new(SendAdvert)
	}
	m.sentUsed = true
	*sa = SendAdvert{Advert: m.cfg.advert(prio)}
	if m.cfg.AuthType == AuthAH {
		sa.AHSeq = m.ah.next()
	}
	r.Actions = append(r.Actions, sa)
}

func (m *Machine) clearTimers() {
	m.downAt, m.preemptAt, m.advertAt = 0, 0, 0
	m.garpAt, m.refreshAt, m.lowerAt, m.lowerOwed = 0, 0, 0, 0
}

// deadline is the earliest armed timer of the current state.
func (m *Machine) deadline() time.Time {
	var d moment
	switch m.state {
	case StateBackup:
		d = m.downAt
	case StateMaster:
		for _, t := range [...]moment{m.advertAt, m.garpAt, m.refreshAt, m.lowerAt, m.lowerOwed} {
			if t.set() && (!d.set() || t.before(d)) {
				d = t
			}
		}
	}
	return m.time(d)
}

// skew is Skew_Time: (256-prio)/256 s in VRRPv2 whatever the interval
// (RFC 3768 section 6.1), (256-prio)*Master_Adver_Interval/256 in VRRPv3
// (RFC 5798 section 6.1).
func (m *Machine) skew() time.Duration {
	if m.cfg.Version == 2 {
		return time.Duration(256-int(m.prio)) * time.Second / 256
	}
	return time.Duration(256-int(m.prio)) * m.masterInt / 256
}

// masterDownInterval is down_timer_adverts (3) * Master_Adver_Interval +
// Skew_Time.
func (m *Machine) masterDownInterval() time.Duration {
	return time.Duration(m.cfg.DownTimerAdverts)*m.masterInt + m.skew()
}
