package vrrp

// Sync group support (keepalived's vrrp_sync.c). The
// machine keeps keepalived's "wantstate == MASTER" as want: set by
// `state MASTER` at start, when the down timer fires and on becoming
// master; cleared by an accepted advert, by leaving MASTER for BACKUP and
// by a fault. A coordinator (SyncGroup) reads it from the other members
// through the gate to decide whether a member may become master, and
// moves the members together with ForceMaster and ForceBackup.

// SetGate installs the function consulted before the machine enters
// MASTER on its own (down timer, an owner's start or fault recovery);
// from is the state it would leave. Returning false keeps it in BACKUP
// and, for the timer, re-arms the down timer, as keepalived's
// vrrp_sync_can_goto_master. nil removes the gate. ForceMaster asks it
// too (with from BACKUP), as keepalived's forced vrrp_state_goto_master.
func (m *Machine) SetGate(g func(from State) bool) { m.gate = g }

// WantsMaster reports keepalived's wantstate == MASTER: the instance is
// master, or would be if its sync group let it.
func (m *Machine) WantsMaster() bool { return m.want }

func (m *Machine) mayMaster(from State) bool { return m.gate == nil || m.gate(from) }

// downTimer: the master-down timer expired in BACKUP.
func (m *Machine) downTimer(now moment, r *Result) {
	m.want = true
	if !m.mayMaster(StateBackup) {
		m.armDown(now, m.masterDownInterval(), ReasonMasterDown)
		r.Reason = ReasonSyncHeld
		r.Actions = append(r.Actions, WantMaster{})
		return
	}
	m.enterMaster(now, m.downWhy, r)
}

// forceMaster is vrrp_sync_master's vrrp_state_goto_master on another
// member: the full become-master sequence (advert, VIPs, GARP). Like
// keepalived's, it asks the gate, which lets it through while the group
// is MASTER; a force that arrives after the group left MASTER again is
// refused instead of making a master for a moment.
func (m *Machine) forceMaster(now moment, r *Result) {
	if m.state != StateBackup {
		return
	}
	m.want = true
	if !m.mayMaster(StateBackup) {
		r.Reason = ReasonSyncHeld
		return
	}
	m.enterMaster(now, ReasonSyncGroup, r)
}

// forceBackup is vrrp_sync_backup's vrrp_state_leave_master: the VIPs
// go, no priority 0 advert is sent (the peer takes over when its own
// down timer fires), and the down timer is armed.
func (m *Machine) forceBackup(now moment, r *Result) {
	if m.state != StateMaster {
		return
	}
	m.leaveMaster(r)
	m.want = false
	m.enterBackup(now, ReasonSyncGroup, r)
}
