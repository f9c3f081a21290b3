package track

import (
	"fmt"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/script"
	"github.com/goalived/goalived/vrrp"
)

// Trackers are the trackers of an instance (its own and its sync
// group's) with their conditions now, as script.Evaluate takes them.
func (t *Tracker) Trackers(in *config.Instance) []script.Tracker {
	tr := t.tracksOf(in)
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []script.Tracker
	for _, ts := range tr.scripts {
		cond, ok := t.conds[ts.Name]
		if cond == Disabled {
			continue
		}
		if !ok {
			cond = script.Unknown
		}
		out = append(out, script.Tracker{Kind: script.TrackScript, Name: ts.Name, Weight: ts.Weight, Reverse: ts.Reverse, Cond: cond})
	}
	out = append(out, t.ifaceTrackersLocked(in, tr.ifaces)...)
	if st, ok := t.sourceTrackerLocked(in); ok {
		out = append(out, st)
	}
	if in.UnicastFaultNoPeer() && len(in.UnicastPeers()) == 0 {
		// unicast_fault_no_peer: keepalived keeps a unicast instance
		// without peers in FAULT instead of falling back to multicast.
		out = append(out, script.Tracker{Kind: script.TrackInterface, Name: "unicast_fault_no_peer", Cond: script.Down})
	}
	for _, tf := range tr.files {
		v, ok := t.files[tf.Name]
		if !ok {
			continue // not followed: its directory is missing, or the parser dropped it
		}
		out = append(out, t.fileTrackersLocked(in.Name, tf, v)...)
	}
	for _, tp := range tr.procs {
		up, ok := t.procs[tp.Name]
		if !ok {
			continue
		}
		out = append(out, script.Tracker{Kind: script.TrackProcess, Name: tp.Name, Weight: tp.Weight, Reverse: tp.Reverse, Cond: linkCond(up)})
	}
	return out
}

// ifaceTrackersLocked are the instance's interface trackers, one for
// each interface as keepalived 2.2.7 keeps one entry for each: its own
// interface (weight 0, unless dont_track_primary) and VMACs, the
// interfaces of its items (weight 0: itemIfaces), then its
// track_interface entries merged with its sync group's (ifaces), whose
// interfaces an item names already carry weight 0 (mergeIfaces).
func (t *Tracker) ifaceTrackersLocked(in *config.Instance, ifaces []config.Track) []script.Tracker {
	var out []script.Tracker
	add := func(tr config.Track) {
		for _, o := range out {
			if o.Name == tr.Name {
				return
			}
		}
		out = append(out, script.Tracker{Kind: script.TrackInterface, Name: tr.Name, Weight: tr.Weight, Reverse: tr.Reverse, Cond: linkCond(t.links[tr.Name])})
	}
	for _, name := range t.weightZeroIfaces(in) {
		add(config.Track{Name: name})
	}
	for _, ti := range ifaces {
		add(ti)
	}
	return out
}

// weightZeroIfaces are the interfaces whose being down puts the
// instance in FAULT apart from its track_interface entries: its own
// (unless dont_track_primary), its VMACs and its items' interfaces.
func (t *Tracker) weightZeroIfaces(in *config.Instance) []string {
	var out []string
	if !in.DontTrackPrimary && in.Interface != "" {
		out = append(out, in.Interface)
	}
	out = append(out, t.vmacs[in.Name]...)
	return append(out, t.derivedOf(in).items...)
}

func linkCond(up bool) script.Condition {
	if up {
		return script.Up
	}
	return script.Down
}

// setPriority hands the effective priority to the instance and, with
// notify_priority_changes, writes MASTER_PRIORITY / BACKUP_PRIORITY to the
// FIFOs when it changed while MASTER or BACKUP, as keepalived 2.2.7 does.
func (t *Tracker) setPriority(in Instance, prio int) {
	in.SetPriority(prio)
	t.mu.Lock()
	old := t.prio[in]
	t.prio[in] = prio
	t.mu.Unlock()
	if old == prio {
		return
	}
	if old != 0 {
		// keepalived does not log a priority a reload gives (base
		// priority or trackers recomputed); it does at start, when a
		// tracker starts down.
		if !t.reload || !t.starting {
			t.log.Info(fmt.Sprintf("(%s) Changing effective priority from %d to %d", in.Config().Name, old, prio),
				"instance", in.Config().Name, "from", old, "to", prio)
		}
		in.PriorityChanged(prio)
	}
	if !t.notifyPriority(in.Config()) {
		return
	}
	switch st := in.State(); st {
	case vrrp.StateMaster, vrrp.StateBackup:
		t.host.NotifyEvent(in.Config().Name, st.String()+"_PRIORITY", prio)
	}
}

func (t *Tracker) notifyPriority(in *config.Instance) bool {
	if g := t.groups.of(in.Name); g != nil && g.cfg.NotifyPriorityChanges {
		return true
	}
	return in.NotifyPriorityChanges
}

// Priority is the effective priority tracking last gave the instance
// (the instance itself may not have taken it yet).
func (t *Tracker) Priority(in Instance) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	if p, ok := t.prio[in]; ok {
		return p
	}
	return in.Priority()
}

// reopenSockets lets the engine give the sockets on ifname a connection
// (dynamic_interfaces, or a VMAC made again: the engine decides) and
// re-evaluates the instances that moved to it.
func (t *Tracker) reopenSockets(ifname string) {
	if ifname == "" {
		return
	}
	for _, in := range t.host.ReopenSockets(ifname) {
		t.apply(in)
	}
}

// reopenMissing tries the sockets still without a connection: their
// interface may have appeared before the link watch began.
func (t *Tracker) reopenMissing() {
	done := map[string]bool{}
	for _, in := range t.insts {
		if name := in.Config().Interface; !in.SocketOpen() && !done[name] {
			done[name] = true
			t.reopenSockets(name)
		}
	}
}
