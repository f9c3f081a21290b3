package track

import (
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/script"
	"github.com/goalived/goalived/vrrp"
)

// Sync groups, as keepalived 2.2.7 runs them:
//
//   - MASTER together: every member's vrrp.Instance has Groups as its
//     Gate, which asks the group's vrrp.SyncGroup: a member whose down
//     timer fires becomes MASTER only if the group is MASTER or every
//     other member wants MASTER too (vrrp_sync_can_goto_master), else it
//     waits another master-down interval; at start an address owner goes
//     MASTER at once only if every member is an owner wanting MASTER;
//   - one member entering MASTER forces the others to MASTER, one leaving
//     MASTER for BACKUP forces them to BACKUP (vrrp_sync_master/backup):
//     MemberTransition hands each transition to SyncGroup.Follow;
//   - FAULT together: the Tracker puts every member in FAULT while any
//     member's own or group trackers fault it (see Tracker.apply), so the
//     group stays FAULT until no member has a fault;
//   - group trackers (track_script/interface/file/process in the group
//     block) apply to every member with their weights;
//   - group notifies (type GROUP, priority 0, FIFO `GROUP "name" STATE 0`)
//     are sent once per group transition, when every member has reached
//     the new state (see nextGroupState).

// Groups are the sync groups of the running configuration: the Gate of
// every instance and the sink of their transitions. Each Tracker makes
// its configuration's groups the current ones; a group that keeps its
// name keeps its state, so a reload does not repeat its notifies. The
// zero value has no groups.
type Groups struct {
	cur atomic.Pointer[groupSet] // read by the instances' goroutines
}

// groupSet are the groups of one configuration, by member name.
type groupSet struct {
	cfg      *config.Config
	byMember map[string]*syncGroup
	host     Host
	log      *slog.Logger
}

type syncGroup struct {
	cfg    *config.SyncGroup
	notify script.NotifyScripts
	vg     *vrrp.SyncGroup // couples the members' state machines

	mu     sync.Mutex // guards states, last and state; held while notifying to keep FIFO order
	states map[string]string
	last   map[string]vrrp.State // each member's last reported state, for Follow
	state  string                // "" until the first member leaves INIT
}

// replace makes the groups of cfg current and returns them; gs may be
// nil (the groups then serve the Tracker only). Without current groups,
// restored (a hot upgrade's saved states) are the previous ones.
func (gs *Groups) replace(cfg *config.Config, host Host, log *slog.Logger, restored []SavedGroup) *groupSet {
	var prev *groupSet
	if gs != nil {
		prev = gs.cur.Load()
	}
	if prev == nil && restored != nil {
		prev = savedSet(restored)
	}
	set := &groupSet{cfg: cfg, byMember: map[string]*syncGroup{}, host: host, log: log}
	for _, pg := range cfg.SyncGroups {
		g := &syncGroup{cfg: pg, notify: host.NotifyScripts(pg.Name, &pg.Notify), states: map[string]string{},
			last: map[string]vrrp.State{}}
		if old := prev.group(pg.Name); old != nil {
			old.mu.Lock()
			g.state = old.state
			maps.Copy(g.states, old.states)
			maps.Copy(g.last, old.last)
			old.mu.Unlock()
		}
		g.vg = vrrp.NewSyncGroup(pg.Name, g.state == vrrp.StateMaster.String())
		if mixedOwners(cfg, pg) {
			// keepalived's words: the owners never start MASTER (the group
			// starts BACKUP) and their priority cannot move with the others'.
			log.Info(fmt.Sprintf("Sync group %s has some member(s) as address owner and some not as address owner. This won't work.", pg.Name),
				"group", pg.Name)
		}
		for _, m := range pg.Members {
			set.byMember[m] = g
		}
	}
	if gs != nil {
		gs.cur.Store(set)
	}
	return set
}

// mixedOwners reports whether some members of g are address owners
// (priority 255) and some are not.
func mixedOwners(cfg *config.Config, g *config.SyncGroup) bool {
	owners, others := 0, 0
	for _, in := range cfg.Instances {
		if !slices.Contains(g.Members, in.Name) {
			continue
		}
		if in.Owner() {
			owners++
		} else {
			others++
		}
	}
	return owners > 0 && others > 0
}

// bind joins the running instances to their groups' coordinators.
func (set *groupSet) bind(insts []Instance) {
	for _, in := range insts {
		if g := set.of(in.Config().Name); g != nil {
			in.JoinGroup(g.vg)
		}
	}
}

// group finds a group by name; set may be nil.
func (set *groupSet) group(name string) *syncGroup {
	if set == nil {
		return nil
	}
	for _, g := range set.byMember {
		if g.cfg.Name == name {
			return g
		}
	}
	return nil
}

// of returns the group of an instance, or nil; set may be nil.
func (set *groupSet) of(instance string) *syncGroup {
	if set == nil {
		return nil
	}
	return set.byMember[instance]
}

// MayBecomeMaster is the Gate of every instance: it finds the instance's
// group at each call, so instances a reload keeps follow the new groups.
func (gs *Groups) MayBecomeMaster(instance string, from vrrp.State) bool {
	g := gs.cur.Load().of(instance)
	if g == nil {
		return true
	}
	return g.vg.MayBecomeMaster(instance, from)
}

// Has reports whether the instance is a member of a current group.
func (gs *Groups) Has(instance string) bool { return gs.cur.Load().of(instance) != nil }

// States are the groups' states by name, nil without a configuration; a
// group that has no state yet (no member left INIT) is left out.
func (gs *Groups) States() map[string]vrrp.State {
	set := gs.cur.Load()
	if set == nil {
		return nil
	}
	states := map[string]vrrp.State{}
	for _, pg := range set.cfg.SyncGroups {
		g := set.group(pg.Name)
		if g == nil {
			continue
		}
		g.mu.Lock()
		st := g.state
		g.mu.Unlock()
		for _, v := range []vrrp.State{vrrp.StateInit, vrrp.StateBackup, vrrp.StateMaster, vrrp.StateFault, vrrp.StateStopped} {
			if st == v.String() {
				states[pg.Name] = v
			}
		}
	}
	return states
}
