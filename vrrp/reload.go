package vrrp

import (
	"net/netip"
	"slices"
)

// NewReload validates cfg for a Reload event.
func NewReload(cfg Config) (Reload, error) {
	c, err := cfg.normalize()
	if err != nil {
		return Reload{}, err
	}
	return Reload{cfg: c}, nil
}

// reload follows keepalived's SIGHUP handling for a matched instance:
// the state, statistics and timers are kept and no
// notification is sent; a master sends one advert at once (keepalived
// sends it before re-reading, so with the old settings) and, when the new
// configuration adds addresses, owns the new set and announces all of
// them. The effective priority restarts from the new base priority; the
// caller re-applies its tracker weights with PriorityChanged.
func (m *Machine) reload(now moment, c Config, r *Result) {
	if c.Priority == 0 {
		return // a zero Reload{} not built by NewReload
	}
	old := m.cfg
	r.Reason = ReasonReload
	if m.state == StateMaster {
		m.send(m.prio, r)
	}
	if old.UnicastChecksum == UnicastChecksumDetected && c.UnicastChecksum == UnicastChecksumAuto {
		// The peer that sent the old checksum may be a silent backup now:
		// forgetting it would make us send a checksum it drops.
		c.UnicastChecksum = UnicastChecksumDetected
	}
	m.cfg = c
	if c.Priority == PriorityOwner || old.Priority != c.Priority {
		m.applyPriority(c.Priority)
	}
	if m.state != StateMaster {
		if m.state == StateBackup && old.Interval != c.Interval && m.masterInt == old.Interval {
			m.masterInt = c.Interval
		}
		return
	}
	m.masterInt, m.masterPrio = c.Interval, m.prio
	if next := now.add(c.Interval); m.advertAt.set() && next.before(m.advertAt) {
		m.advertAt = next
	}
	if added(old.Addrs, c.Addrs) {
		r.Actions = append(r.Actions, AddVIPs{})
		m.announce(c.GARP.MasterRepeat, AnnounceReload, r)
	}
}

// added reports whether next has an address that prev lacks.
func added(prev, next []netip.Addr) bool {
	for _, a := range next {
		if !slices.Contains(prev, a) {
			return true
		}
	}
	return false
}
