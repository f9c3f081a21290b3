package vrrp

import (
	"fmt"
	"net/netip"
	"time"
)

// Saved is a machine's run-time state, for handing a running instance to
// another process without a transition (goalived's hot upgrade): the
// state, the effective priority, the master last heard, every armed timer
// and the AH sequence number. Timers are kept as the time left from the
// moment of the save, so that the receiving process, whose clock readings
// start elsewhere, can arm them from its own now. It is a plain value
// that encoding/json carries.
type Saved struct {
	State      State         `json:"state"`
	Priority   uint8         `json:"priority"`
	Fault      bool          `json:"fault,omitempty"`
	Want       bool          `json:"want,omitempty"`
	MasterInt  time.Duration `json:"master_adver_int"`
	MasterAddr netip.Addr    `json:"master_addr,omitzero"`
	MasterPrio uint8         `json:"master_priority,omitempty"`
	// The timers, as time left at the save; nil when not armed. Late
	// ones are negative and fire at once.
	Down    *time.Duration `json:"down,omitempty"`
	DownWhy Reason         `json:"down_why,omitempty"`
	Preempt *time.Duration `json:"preempt,omitempty"`
	Advert  *time.Duration `json:"advert,omitempty"`
	GARP    *time.Duration `json:"garp,omitempty"`
	Refresh *time.Duration `json:"refresh,omitempty"`
	Lower   *time.Duration `json:"lower,omitempty"`
	// LowerAnswered is how long before the save a lower-priority advert
	// was last answered; nil if none was since becoming master.
	LowerAnswered *time.Duration `json:"lower_answered,omitempty"`
	// The AH sequence counter and whether it has cycled.
	AHSeq   uint32 `json:"ah_seq,omitempty"`
	AHCycle bool   `json:"ah_cycle,omitempty"`
	// UnicastChecksum is the checksum in use, learnt from a peer or not.
	UnicastChecksum UnicastChecksum `json:"unicast_checksum,omitempty"`
	Stats           Stats           `json:"stats"`
}

// Save returns the machine's state at now. A machine that has not started
// or has stopped cannot be handed over.
func (m *Machine) Save(now time.Time) (Saved, error) {
	if !m.started || m.state == StateInit || m.state == StateStopped {
		return Saved{}, fmt.Errorf("save vrrp instance %s: state %v cannot be handed over", m.cfg.Name, m.state)
	}
	n := m.at(now)
	left := func(t moment) *time.Duration {
		if !t.set() {
			return nil
		}
		d := t.sub(n)
		return &d
	}
	s := Saved{
		State: m.state, Priority: m.prio, Fault: m.fault, Want: m.want, MasterInt: m.masterInt,
		MasterAddr: m.masterAddr, MasterPrio: m.masterPrio,
		Down: left(m.downAt), DownWhy: m.downWhy, Preempt: left(m.preemptAt), Advert: left(m.advertAt),
		GARP: left(m.garpAt), Refresh: left(m.refreshAt), Lower: left(m.lowerAt),
		AHSeq: m.ah.seq, AHCycle: m.ah.cycle, UnicastChecksum: m.cfg.UnicastChecksum, Stats: m.stats.stats(),
	}
	if m.lowerAnswered.set() {
		ago := n.sub(m.lowerAnswered)
		s.LowerAnswered = &ago
	}
	return s, nil
}

// RestoreMachine returns a started machine for cfg in the saved state at
// now (see Machine.Restore).
func RestoreMachine(cfg Config, s Saved, now time.Time) (*Machine, error) {
	m, err := NewMachine(cfg)
	if err != nil {
		return nil, err
	}
	if err := m.Restore(s, now); err != nil {
		return nil, err
	}
	return m, nil
}

// Restore puts a machine that has not started into the saved state at now,
// as if it had run here all along: no transition, no notification. The
// saved state must be one a running machine is in (BACKUP, MASTER or
// FAULT). The machine's configuration may differ from the one the state
// was saved under, as a reload may change it (the caller then steps a
// Reload).
func (m *Machine) Restore(s Saved, now time.Time) error {
	if m.started {
		return fmt.Errorf("restore vrrp instance %s: already started", m.cfg.Name)
	}
	switch s.State {
	case StateBackup, StateMaster, StateFault:
	default:
		return fmt.Errorf("restore vrrp instance %s: state %v cannot be restored", m.cfg.Name, s.State)
	}
	n := m.at(now)
	at := func(d *time.Duration) moment {
		if d == nil {
			return 0
		}
		return n.add(*d)
	}
	m.started, m.state, m.fault, m.want = true, s.State, s.Fault, s.Want
	if s.Priority != 0 && !m.isOwner() {
		m.prio = s.Priority
	}
	if s.MasterInt > 0 {
		m.masterInt = s.MasterInt
	}
	m.masterAddr, m.masterPrio = s.MasterAddr, s.MasterPrio
	m.downAt, m.downWhy, m.preemptAt, m.advertAt = at(s.Down), s.DownWhy, at(s.Preempt), at(s.Advert)
	m.garpAt, m.refreshAt, m.lowerAt = at(s.GARP), at(s.Refresh), at(s.Lower)
	if s.LowerAnswered != nil {
		m.lowerAnswered = n.add(-*s.LowerAnswered)
	}
	m.ah = ahCounter{seq: s.AHSeq, cycle: s.AHCycle}
	if m.cfg.UnicastChecksum == UnicastChecksumAuto {
		m.cfg.UnicastChecksum = s.UnicastChecksum // what was learnt stays learnt
	}
	m.stats = countersOf(s.Stats)
	m.ensureTimers(n)
	return nil
}

// ensureTimers arms what the state needs if the saved state lacked it,
// so that a restored machine can never sit without a deadline: a master
// always has its next advert, a backup its master-down timer.
func (m *Machine) ensureTimers(now moment) {
	switch m.state {
	case StateMaster:
		if !m.advertAt.set() {
			m.advertAt = now
		}
	case StateBackup:
		if !m.downAt.set() {
			m.armDown(now, m.masterDownInterval(), ReasonMasterDown)
		}
	}
}
