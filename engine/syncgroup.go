package engine

import (
	"maps"
	"slices"
	"sync"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/script"
	"github.com/goalived/goalived/vrrp"
)

// Sync groups (reference 3.6), as keepalived 2.2.7 runs them:
//
//   - MASTER together: every member's vrrp.Instance has syncGate as its
//     Gate, which asks the group's vrrp.SyncGroup: a member whose down
//     timer fires becomes MASTER only if the group is MASTER or every
//     other member wants MASTER too (vrrp_sync_can_goto_master), else it
//     waits another master-down interval; at start an address owner goes
//     MASTER at once only if every member is an owner wanting MASTER;
//   - one member entering MASTER forces the others to MASTER, one leaving
//     MASTER for BACKUP forces them to BACKUP (vrrp_sync_master/backup):
//     memberTransition hands each transition to SyncGroup.Follow;
//   - FAULT together: tracking puts every member in FAULT while any
//     member's own or group trackers fault it (see tracking.apply), so
//     the group stays FAULT until no member has a fault;
//   - group trackers (track_script/interface/file/process in the group
//     block) apply to every member with their weights;
//   - group notifies (type GROUP, priority 0, FIFO `GROUP "name" STATE 0`)
//     are sent once per group transition, when every member has reached
//     the new state (see nextGroupState).

// syncGroups are the configured groups, by member name. It is replaced
// as a whole on reload.
type syncGroups struct {
	byMember map[string]*syncGroup
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

// syncGate is every instance's vrrp.Gate. It finds the instance's group
// at each call, so instances kept by a reload follow the new groups.
type syncGate struct{ e *Engine }

func (s syncGate) MayBecomeMaster(instance string, from vrrp.State) bool {
	g := s.e.groups.Load().of(instance)
	if g == nil {
		return true
	}
	return g.vg.MayBecomeMaster(instance, from)
}

// bind joins the running instances to their groups' coordinators.
func (gs *syncGroups) bind(insts []*instance) {
	for _, in := range insts {
		if g := gs.of(in.conf().Name); g != nil {
			g.vg.Join(in.vi)
		}
	}
}

// newSyncGroups builds the groups of cfg. prev are the states of the
// groups before a reload: a group that keeps its name keeps its state,
// so a reload does not repeat its notifies.
func (e *Engine) newSyncGroups(cfg *config.Config, prev *syncGroups) *syncGroups {
	gs := &syncGroups{byMember: map[string]*syncGroup{}}
	for _, pg := range cfg.SyncGroups {
		g := &syncGroup{cfg: pg, notify: e.notifyScripts(pg.Name, &pg.Notify), states: map[string]string{},
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
			e.log.Warn("sync group has some members as address owner and some not; this won't work", "group", pg.Name)
		}
		for _, m := range pg.Members {
			gs.byMember[m] = g
		}
	}
	return gs
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

// group finds a group by name; gs may be nil.
func (gs *syncGroups) group(name string) *syncGroup {
	if gs == nil {
		return nil
	}
	for _, g := range gs.byMember {
		if g.cfg.Name == name {
			return g
		}
	}
	return nil
}

// of returns the group of an instance, or nil; gs may be nil.
func (gs *syncGroups) of(instance string) *syncGroup {
	if gs == nil {
		return nil
	}
	return gs.byMember[instance]
}

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

// memberTransition records a member's new state and sends the group's
// notifies when the group's state changes. The reporter calls it before
// (initial) and after the member's own notifies: only the group's first
// transition is sent before them.
func (e *Engine) memberTransition(instance string, to vrrp.State, initial bool) {
	g := e.groups.Load().of(instance)
	if g == nil {
		return
	}
	if !initial {
		e.follow(g, instance, to)
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
	e.log.Info("sync group state change", "group", g.cfg.Name, "to", next, "member", instance)
	t := script.Transition{Group: true, Name: g.cfg.Name, State: next}
	if err := e.notifier.Notify(g.notify, t); err != nil {
		e.log.Warn("notify", "group", g.cfg.Name, "state", next, "err", err)
	}
}

// follow lets the group take the other members along (vrrp_sync_master,
// vrrp_sync_backup). It runs after the member's own notifies, as
// keepalived forces the others once the member is in its new state.
func (e *Engine) follow(g *syncGroup, instance string, to vrrp.State) {
	g.mu.Lock()
	from, ok := g.last[instance]
	g.last[instance] = to
	g.mu.Unlock()
	if !ok {
		from = vrrp.StateInit
	}
	if to == vrrp.StateMaster || from == vrrp.StateMaster && to == vrrp.StateBackup {
		e.log.Debug("sync group follows its member", "group", g.cfg.Name, "member", instance, "to", to.String())
	}
	g.vg.Follow(vrrp.Report{Kind: vrrp.ReportTransition, Instance: instance, From: from, To: to})
}

// memberTracks are an instance's trackers plus those of its sync group.
type memberTracks struct {
	scripts, ifaces, files, procs []config.Track
}

func (t *tracking) tracksOf(in *config.Instance) memberTracks {
	tr := memberTracks{scripts: in.TrackScripts, ifaces: in.TrackInterfaces, files: in.TrackFiles, procs: in.TrackProcesses}
	if g := t.groups.of(in.Name); g != nil {
		c := g.cfg
		tr.scripts = append(append([]config.Track(nil), tr.scripts...), c.TrackScripts...)
		tr.ifaces = append(append([]config.Track(nil), tr.ifaces...), c.TrackInterfaces...)
		tr.files = append(append([]config.Track(nil), tr.files...), c.TrackFiles...)
		tr.procs = append(append([]config.Track(nil), tr.procs...), c.TrackProcesses...)
	}
	return tr
}

func hasTrack(list []config.Track, name string) bool {
	for _, tr := range list {
		if tr.Name == name {
			return true
		}
	}
	return false
}

// used collects the names of the trackers of one kind that some
// instance or group refers to.
func (t *tracking) used(get func(tr memberTracks) []config.Track) map[string]bool {
	out := map[string]bool{}
	for _, in := range t.insts {
		for _, tr := range get(t.tracksOf(in.conf())) {
			out[tr.Name] = true
		}
	}
	return out
}
