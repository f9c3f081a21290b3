package engine

import (
	"time"

	"github.com/goalived/goalived/engine/dump"
	"github.com/goalived/goalived/engine/track"
	"github.com/goalived/goalived/script"
	"github.com/goalived/goalived/vrrp"
)

// snapshot captures what the dumps show; raw are the instances' counters
// before the STATS_CLEAR baseline is taken off. The links, which only
// keepalived.data shows, are listed with withLinks, after the engine
// lock is released.
func (e *Engine) snapshot(withLinks bool) (*dump.Snapshot, map[*vrrp.Instance]vrrp.Stats, error) {
	host := e.dumpHost()
	s, raw := e.stateSnapshot(host)
	if withLinks {
		links, err := host.Links()
		if err != nil {
			return nil, nil, err
		}
		s.Links = links
	}
	return s, raw, nil
}

// stateSnapshot captures the running state under the engine lock, so
// that a reload is either wholly before or wholly after it.
func (e *Engine) stateSnapshot(host dumpHost) (*dump.Snapshot, map[*vrrp.Instance]vrrp.Stats) {
	e.mu.Lock()
	defer e.mu.Unlock()
	s, r := e.globalSnapshot(host)
	sockIdx := map[*socket]int{}
	b := e.baseline()
	raw := make(map[*vrrp.Instance]vrrp.Stats, len(e.insts))
	for _, in := range e.insts {
		i, ok := sockIdx[in.sock]
		if !ok {
			i = len(s.Sockets)
			sockIdx[in.sock] = i
			s.Sockets = append(s.Sockets, socketInfo(i, in))
		}
		pin := in.conf()
		s.Sockets[i].Instances = append(s.Sockets[i].Instances, dump.VRID{Name: pin.Name, VRID: pin.VRID})
		di := e.instanceInfo(in, s.Now)
		di.Socket = i
		raw[in.vi] = di.Stats
		di.Stats = b.since(in.vi, di.Stats)
		s.Instances = append(s.Instances, di)
	}
	s.Scripts = r.Scripts(e.cfg, e.scriptStates())
	s.GroupNotify = r.GroupNotifies(e.cfg)
	e.trackInfo(s)
	s.GroupStates = e.groupStates()
	return s, raw
}

// globalSnapshot is the part of a snapshot the global definitions need,
// and the resolver of the configuration's users and programs. The caller
// holds e.mu.
func (e *Engine) globalSnapshot(host dumpHost) (*dump.Snapshot, dump.Resolver) {
	s := &dump.Snapshot{Now: time.Now()}
	r := dump.Resolver{Identity: host.Identity, Program: host.Program}
	if e.cmds != nil && e.cmds.defErr == nil {
		r.DefaultUID, r.DefaultGID = e.cmds.def.UID, e.cmds.def.GID
	}
	r.Global(s, e.cfg, processUmask())
	if e.opts.Realtime != nil {
		s.RealtimePriority, s.RealtimeLimit = e.opts.Realtime()
	}
	return s, r
}

// trackInfo copies the track file values and process quorums the
// instances see, and counts the matching processes now.
func (e *Engine) trackInfo(s *dump.Snapshot) {
	t := e.track
	if t == nil {
		return
	}
	s.FileValues = t.FileValues()
	s.ProcQuorum, s.ProcCounts = t.Processes()
}

// scriptStates are the vrrp_scripts' results by name.
func (e *Engine) scriptStates() map[string]dump.ScriptState {
	out := map[string]dump.ScriptState{}
	if e.track == nil {
		return out
	}
	for name, c := range e.track.Conditions() {
		switch c {
		case script.Up:
			out[name] = dump.ScriptGood
		case script.Down:
			out[name] = dump.ScriptBad
		case track.Disabled:
			out[name] = dump.ScriptDisabled
		}
	}
	return out
}

// groupStates are the sync groups' states by name, nil without groups; a
// group that has no state yet (no member left INIT) is left out.
func (e *Engine) groupStates() map[string]vrrp.State { return e.groups.States() }

// socketInfo describes a pooled socket. netif does not expose the
// descriptor, so the socket's position in the pool stands in for keepalived's
// fd numbers, which serve the same purpose: linking an instance to its
// socket pool entry.
func socketInfo(i int, in *instance) dump.Socket {
	k := in.sock.key
	ds := dump.Socket{FD: i, Ifname: k.ifname, Family: k.family, Unicast: k.unicast, RxBufSize: in.sock.rxBufSize()}
	if pin := in.conf(); pin.Unicast() && pin.UnicastSrcIP().IsValid() {
		ds.Addr = pin.UnicastSrcIP()
	}
	return ds
}

func (e *Engine) instanceInfo(in *instance, now time.Time) dump.Instance {
	pin := in.conf()
	st := in.status.get(pin)
	di := dump.Instance{
		Cfg: pin, State: in.vi.State(), Priority: int(in.vi.Priority()),
		Since: st.Since, Source: st.Source, IfIndex: in.sock.ifIndex(),
		Stats: in.vi.Stats(), Notify: resolvedNotifies(*in.notify.Load()),
		Checksum: in.vi.UnicastChecksum(),
	}
	addr, prio := in.vi.Master()
	di.MasterAddr, di.MasterPrio = addr, int(prio)
	di.Total = di.Priority
	if e.track != nil {
		ev := script.Evaluate(pin.Priority, e.track.Trackers(pin))
		di.Total, di.Faults, di.ScriptsInit = ev.Total, len(ev.Fault), len(ev.Pending)
	}
	// vrrp does not expose its deadline; the dump shows when the current
	// state's timer fires at the latest: the next advert of a master, the
	// master-down timeout of a backup.
	switch di.State {
	case vrrp.StateMaster:
		di.ReadTimeout = now.Add(pin.AdvertInt)
	case vrrp.StateBackup:
		di.ReadTimeout = now.Add(di.MasterDown().Truncate(time.Microsecond))
	}
	return di
}

// resolvedNotifies lists the notify scripts an instance runs, as loaded
// (argv[0] found and canonicalised), in keepalived's data-file order.
func resolvedNotifies(n script.NotifyScripts) []dump.Notify {
	conv := func(c *script.Command) *dump.Command {
		if c == nil {
			return nil
		}
		id := script.Self()
		if c.User != nil {
			id = *c.User
		}
		return &dump.Command{Argv: c.Argv, UID: id.UID, GID: id.GID}
	}
	return dump.NotifySet{
		Backup: conv(n.Backup), Master: conv(n.Master), Fault: conv(n.Fault), Stop: conv(n.Stop),
		Deleted: conv(n.Deleted), Generic: conv(n.Generic), MasterRxLowerPri: conv(n.MasterRxLowerPri),
	}.List()
}
