package track

import (
	"context"
	"maps"
	"reflect"
	"sync"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/script"
	"github.com/goalived/goalived/vrrp"
)

// Saved is a Tracker's state, for handing tracking to a new process
// (goalived's hot upgrade) so that it goes on as if it had run there all
// along: the vrrp_scripts' conditions and rise/fall positions, the
// last good track_file values, the tracked processes' quorum and the
// sync groups' states. What the new process reads again itself (link
// states, the files' contents, the process table) is not carried.
// encoding/json carries it.
type Saved struct {
	Scripts map[string]SavedScript `json:"scripts,omitempty"`
	// Files are the track files' values at the save, for the record; the
	// new process reads the files again.
	Files map[string]int64 `json:"files,omitempty"`
	// Good is, per instance and file ("instance\x00file"), the last
	// value that was not a fault (see fileTrackersLocked).
	Good map[string]int64 `json:"good,omitempty"`
	// Procs is each tracked process's quorum as the instances saw it.
	Procs  map[string]bool `json:"processes,omitempty"`
	Groups []SavedGroup    `json:"sync_groups,omitempty"`
}

// SavedScript is one vrrp_script. Command is what it ran: a new
// configuration that changed it starts the script afresh, as a reload
// does.
type SavedScript struct {
	Command *config.Command    `json:"command"`
	Cond    script.Condition   `json:"condition"`
	Check   *script.CheckState `json:"check,omitempty"`
}

// SavedGroup is one sync group's state.
type SavedGroup struct {
	Name    string                `json:"name"`
	State   string                `json:"state,omitempty"`
	Members map[string]string     `json:"members,omitempty"` // each member's state, as the group counts them
	Last    map[string]vrrp.State `json:"last,omitempty"`    // each member's last reported state
}

// Freeze stops the Tracker for a handover and returns its state. Checks
// in progress are allowed to finish (their results count) until ctx
// ends, when they are killed and give no verdict; no check starts
// meanwhile. The Tracker is closed afterwards.
func (t *Tracker) Freeze(ctx context.Context) Saved {
	states := map[string]script.CheckState{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, c := range t.checks {
		wg.Go(func() {
			st := c.Drain(ctx)
			mu.Lock()
			states[c.Name()] = st
			mu.Unlock()
		})
	}
	wg.Wait() // the loop still applies the results that came in
	t.Close()
	t.mu.Lock()
	defer t.mu.Unlock()
	s := Saved{Scripts: map[string]SavedScript{}, Files: maps.Clone(t.files), Good: maps.Clone(t.good),
		Procs: maps.Clone(t.procs), Groups: t.groups.save()}
	for name, cond := range t.conds {
		ps := t.cfg.Script(name)
		if ps == nil || cond == Disabled {
			continue
		}
		ss := SavedScript{Command: ps.Script, Cond: cond}
		if st, ok := states[name]; ok {
			ss.Check = &st
		}
		s.Scripts[name] = ss
	}
	return s
}

// restore takes a saved state into a Tracker that has not started: the
// conditions and positions of the scripts whose command is unchanged,
// the good file values and the process quorums (startProcs and
// startCheck use them).
func (t *Tracker) restore(s *Saved) {
	for _, ns := range t.cfg.Scripts {
		ss, ok := s.Scripts[ns.Name]
		if !ok || !reflect.DeepEqual(ss.Command, ns.Script) {
			continue
		}
		t.conds[ns.Name] = ss.Cond
		if ss.Check != nil {
			t.resume[ns.Name] = *ss.Check
		}
	}
	maps.Copy(t.good, s.Good)
	t.savedProcs = maps.Clone(s.Procs)
}

// save returns the groups' states; set may be nil.
func (set *groupSet) save() []SavedGroup {
	if set == nil {
		return nil
	}
	var out []SavedGroup
	for _, pg := range set.cfg.SyncGroups {
		g := set.group(pg.Name)
		if g == nil {
			continue
		}
		g.mu.Lock()
		out = append(out, SavedGroup{Name: pg.Name, State: g.state, Members: maps.Clone(g.states), Last: maps.Clone(g.last)})
		g.mu.Unlock()
	}
	return out
}

// savedSet is a group set holding only saved states, the "previous"
// groups that replace carries states from in a restored Tracker.
func savedSet(saved []SavedGroup) *groupSet {
	set := &groupSet{byMember: map[string]*syncGroup{}}
	for _, sg := range saved {
		g := &syncGroup{cfg: &config.SyncGroup{Name: sg.Name}, state: sg.State,
			states: maps.Clone(sg.Members), last: maps.Clone(sg.Last)}
		if g.states == nil {
			g.states = map[string]string{}
		}
		if g.last == nil {
			g.last = map[string]vrrp.State{}
		}
		set.byMember["\x00"+sg.Name] = g // looked up by group name only
	}
	return set
}
