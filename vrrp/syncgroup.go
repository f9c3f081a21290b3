package vrrp

import (
	"slices"
	"sync"
)

// SyncGroup couples the member instances of a vrrp_sync_group as
// keepalived 2.2.7 does (vrrp_sync.c):
//
//   - it is the members' Gate: a member enters MASTER on its own only if
//     the group is MASTER already or every other member wants MASTER
//     (vrrp_sync_can_goto_master); at start an address owner goes
//     straight to MASTER only if every member is an owner wanting MASTER
//     (the group's initial state, vrrp_sync_set_group);
//   - Follow, fed with the members' reports, takes the others along: a
//     member that became MASTER while the group was not forces the others
//     to MASTER (vrrp_sync_master), one that left MASTER for BACKUP while
//     the group was MASTER forces them to BACKUP (vrrp_sync_backup); like
//     keepalived's group state checks, this forces once per group change;
//   - SetFault keeps one fault per member and puts every member in FAULT
//     while any has one (vrrp_sync_fault).
//
// Group notifies are the caller's: keepalived sends them once the group
// changed state, which the caller sees from the members' transitions.
type SyncGroup struct {
	name string

	// faultMu orders SetFault calls; the gate never takes it, so holding
	// it while waiting for a member's control queue cannot deadlock.
	faultMu sync.Mutex
	mu      sync.Mutex // guards members, faults and master
	members []*Instance
	faults  map[string]bool
	master  bool // keepalived's GROUP_STATE == MASTER
}

// NewSyncGroup returns an empty group; master is its state carried over
// a reload (keepalived keeps a group's state on SIGHUP).
func NewSyncGroup(name string, master bool) *SyncGroup {
	return &SyncGroup{name: name, faults: map[string]bool{}, master: master}
}

// Name returns the group's name.
func (g *SyncGroup) Name() string { return g.name }

// Join adds a member. The instance should have been created with the
// group (or a Gate that asks it) in its Outputs. Joining twice is a no-op.
func (g *SyncGroup) Join(in *Instance) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !slices.Contains(g.members, in) {
		g.members = append(g.members, in)
	}
}

// MayBecomeMaster implements Gate.
func (g *SyncGroup) MayBecomeMaster(instance string, from State) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if from == StateInit {
		for _, m := range g.members {
			if !m.owner {
				return false
			}
		}
		return true
	}
	if g.master {
		return true
	}
	for _, m := range g.members {
		if m.name != instance && !m.WantsMaster() {
			return false
		}
	}
	return true
}

// Follow takes the other members along after a member's transition. Call
// it with every report of every member (other kinds are ignored), from
// the member's Reporter: it may wait for the other members' control
// queues, never for their outputs.
func (g *SyncGroup) Follow(r Report) {
	if r.Kind != ReportTransition {
		return
	}
	var force func(*Instance)
	g.mu.Lock()
	switch {
	case r.Reason == ReasonSyncGroup:
		// The result of a force: keepalived's group state was set by
		// the member that moved first; following it again would bounce
		// forces between members whose states changed meanwhile.
	case r.To == StateMaster && !g.master:
		g.master = true
		force = (*Instance).ForceMaster
	case r.From == StateMaster && r.To != StateMaster && g.master:
		// vrrp_sync_backup only for BACKUP; FAULT and STOP of the
		// others come from their own faults or shutdown.
		g.master = false
		if r.To == StateBackup {
			force = (*Instance).ForceBackup
		}
	}
	others := g.others(r.Instance)
	g.mu.Unlock()
	if force == nil {
		return
	}
	for _, m := range others {
		force(m)
	}
}

// SetFault records one member's own fault; every member is in fault
// while any member has one.
func (g *SyncGroup) SetFault(instance string, fault bool) {
	g.faultMu.Lock()
	defer g.faultMu.Unlock()
	g.mu.Lock()
	g.faults[instance] = fault
	faulty := false
	for _, f := range g.faults {
		faulty = faulty || f
	}
	members := slices.Clone(g.members)
	g.mu.Unlock()
	for _, m := range members {
		m.SetFault(faulty)
	}
}

func (g *SyncGroup) others(instance string) []*Instance {
	var out []*Instance
	for _, m := range g.members {
		if m.name != instance {
			out = append(out, m)
		}
	}
	return out
}
