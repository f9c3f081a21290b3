package engine

import (
	"sync"

	"github.com/goalived/goalived/parser"
	"github.com/goalived/goalived/script"
	"github.com/goalived/goalived/vrrp"
)

// Sync groups (reference 3.6) as far as the vrrp.Instance API allows:
//
//   - FAULT together: tracking puts every member in FAULT while any
//     member's own or group trackers fault it (see tracking.apply), so
//     the group stays FAULT until no member has a fault;
//   - group trackers (track_script/interface/file/process in the group
//     block) apply to every member with their weights;
//   - group notifies (type GROUP, priority 0, FIFO `GROUP "name" STATE 0`)
//     are sent once per group transition, when every member has reached
//     the new state (see nextGroupState).
//
// Not done, because vrrp.Instance has no way to hold a member back from
// MASTER or to force it to BACKUP/MASTER: "a member becomes MASTER only
// when every member wants MASTER" (vrrp_sync_can_goto_master), "one
// member going MASTER takes the others with it, one leaving MASTER takes
// the others to BACKUP" (vrrp_sync_master/backup), and the start-up rule
// that an owner member waits for its group. Members elect independently;
// with peers whose members' priorities move together (the usual case:
// shared trackers on the group, faults coupled here) the outcome is the
// same, but a member that alone loses its election stays BACKUP while the
// others remain MASTER. What the vrrp package would need:
//
//   - Instance.SetMasterGate(func() bool) (or SetHold(bool)): consulted
//     when a BACKUP's master-down timer fires or it would preempt; false
//     re-arms the timer instead of entering MASTER;
//   - a ReportWantMaster report when that happens, so the engine learns
//     that a member wants MASTER and can release the whole group;
//   - Instance.Force(vrrp.StateMaster|vrrp.StateBackup, reason): enter
//     the state now (MASTER: adverts, VIPs, GARP; BACKUP: resign with the
//     master-down timer armed), reporting a transition as usual.

// syncGroups are the configured groups, by member name. It is replaced
// as a whole on reload.
type syncGroups struct {
	byMember map[string]*syncGroup
}

type syncGroup struct {
	cfg    *parser.SyncGroup
	notify script.NotifyScripts

	mu     sync.Mutex // guards states and state; held while notifying to keep FIFO order
	states map[string]string
	state  string // "" until the first member leaves INIT
}

// newSyncGroups builds the groups of cfg. prev are the states of the
// groups before a reload: a group that keeps its name keeps its state,
// so a reload does not repeat its notifies.
func (e *Engine) newSyncGroups(cfg *parser.Config, prev *syncGroups) *syncGroups {
	gs := &syncGroups{byMember: map[string]*syncGroup{}}
	for _, pg := range cfg.SyncGroups {
		g := &syncGroup{cfg: pg, notify: e.notifyScripts(pg.Name, &pg.Notify), states: map[string]string{}}
		if old := prev.group(pg.Name); old != nil {
			old.mu.Lock()
			g.state = old.state
			for m, s := range old.states {
				g.states[m] = s
			}
			old.mu.Unlock()
		}
		for _, m := range pg.Members {
			gs.byMember[m] = g
		}
	}
	return gs
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

// memberTracks are an instance's trackers plus those of its sync group.
type memberTracks struct {
	scripts, ifaces, files, procs []parser.Track
}

func (t *tracking) tracksOf(in *parser.Instance) memberTracks {
	tr := memberTracks{scripts: in.TrackScripts, ifaces: in.TrackInterfaces, files: in.TrackFiles, procs: in.TrackProcesses}
	if g := t.groups.of(in.Name); g != nil {
		c := g.cfg
		tr.scripts = append(append([]parser.Track(nil), tr.scripts...), c.TrackScripts...)
		tr.ifaces = append(append([]parser.Track(nil), tr.ifaces...), c.TrackInterfaces...)
		tr.files = append(append([]parser.Track(nil), tr.files...), c.TrackFiles...)
		tr.procs = append(append([]parser.Track(nil), tr.procs...), c.TrackProcesses...)
	}
	return tr
}

func hasTrack(list []parser.Track, name string) bool {
	for _, tr := range list {
		if tr.Name == name {
			return true
		}
	}
	return false
}

// used collects the names of the trackers of one kind that some
// instance or group refers to.
func (t *tracking) used(get func(tr memberTracks) []parser.Track) map[string]bool {
	out := map[string]bool{}
	for _, in := range t.insts {
		for _, tr := range get(t.tracksOf(in.conf())) {
			out[tr.Name] = true
		}
	}
	return out
}
