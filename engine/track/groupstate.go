package track

import (
	"context"
	"fmt"

	"github.com/goalived/goalived/engine/kalog"
	"github.com/goalived/goalived/script"
	"github.com/goalived/goalived/vrrp"
)

// nextGroupState applies one member transition to the group's state:
// the group enters a state once every member is in it. keepalived forces
// the other members to follow the first and then notifies the group, so
// its FIFO shows the group line after all the members' lines (observed
// with 2.2.7, also for FAULT); tracking couples faults, so FAULT is always
// reached by all members, and members that disagree on MASTER/BACKUP
// (which keepalived would not let happen) leave the group where it was.
// INIT is not a group state. The first member to leave INIT takes the
// group with it: keepalived notifies the group's initial state before its
// members' (observed: FIFO `GROUP "G" BACKUP 0` first at start).
func nextGroupState(cur string, members []string, states map[string]string, member, to string) (string, bool) {
	states[member] = to
	if to == vrrp.StateInit.String() || to == cur {
		return cur, false
	}
	if cur == "" {
		return to, true
	}
	for _, m := range members {
		if states[m] != to {
			return cur, false
		}
	}
	return to, true
}

// MemberTransition records a member's new state and sends the group's
// notifies when the group's state changes. The instance's reporter calls
// it twice per transition, before the member's own notifies (initial set)
// and after them: only the group's first transition is sent before them.
func (gs *Groups) MemberTransition(instance string, to vrrp.State, initial bool) {
	set := gs.cur.Load()
	g := set.of(instance)
	if g == nil {
		return
	}
	if !initial {
		set.follow(g, instance, to)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if initial != (g.state == "") {
		return
	}
	next, changed := nextGroupState(g.state, g.cfg.Members, g.states, instance, to.String())
	if !changed {
		return
	}
	g.state = next
	// goalived's own: keepalived writes nothing when the group's state
	// (as notified) changes.
	set.log.Log(context.Background(), kalog.LevelExtraDetail, fmt.Sprintf("VRRP_Group(%s) is now %s", g.cfg.Name, next),
		"group", g.cfg.Name, "to", next, "member", instance)
	t := script.Transition{Group: true, Name: g.cfg.Name, State: next}
	if err := set.host.Notify(g.notify, t); err != nil {
		set.log.Warn(fmt.Sprintf("VRRP_Group(%s) %s not notified: %v", g.cfg.Name, next, err), "group", g.cfg.Name, "state", next, "err", err)
	}
}

// follow lets the group take the other members along (vrrp_sync_master,
// vrrp_sync_backup). It runs after the member's own notifies, as
// keepalived forces the others once the member is in its new state.
func (set *groupSet) follow(g *syncGroup, instance string, to vrrp.State) {
	g.mu.Lock()
	from, ok := g.last[instance]
	g.last[instance] = to
	first := true // no other member is in to yet: this one leads
	for m, st := range g.last {
		first = first && (m == instance || st != to)
	}
	g.mu.Unlock()
	if !ok {
		from = vrrp.StateInit
	}
	switch to {
	case vrrp.StateMaster, vrrp.StateBackup, vrrp.StateFault:
		if first && from != vrrp.StateInit {
			// keepalived's vrrp_sync_master, _backup and _fault.
			set.log.Info(fmt.Sprintf("VRRP_Group(%s) Syncing instances to %s state", g.cfg.Name, to),
				"group", g.cfg.Name, "member", instance, "to", to.String())
		}
	}
	g.vg.Follow(vrrp.Report{Kind: vrrp.ReportTransition, Instance: instance, From: from, To: to})
}
