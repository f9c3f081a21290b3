package engine

import (
	"fmt"
	"io"
	"runtime"
	"sync"
	"time"
	"weak"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/engine/track"
	"github.com/goalived/goalived/script"
	"github.com/goalived/goalived/vrrp"
)

// WriteData writes keepalived.data (SIGUSR1) for the running instances.
func (e *Engine) WriteData(w io.Writer) error {
	s, _ := e.dumpSnapshot()
	if err := s.addInterfaces(); err != nil {
		return fmt.Errorf("write data dump: %w", err)
	}
	if err := writeData(w, s); err != nil {
		return fmt.Errorf("write data dump: %w", err)
	}
	return nil
}

// WriteStats writes keepalived.stats (SIGUSR2). With clear (STATS_CLEAR)
// the counters restart from zero after this dump.
func (e *Engine) WriteStats(w io.Writer, clear bool) error {
	s, raw := e.dumpSnapshot()
	if err := writeStats(w, s); err != nil {
		return fmt.Errorf("write stats dump: %w", err)
	}
	if clear {
		e.baseline().reset(raw)
	}
	return nil
}

// WriteJSON writes keepalived.json (the JSON signal, json_version 1).
func (e *Engine) WriteJSON(w io.Writer) error {
	s, _ := e.dumpSnapshot()
	if err := writeJSON(w, s); err != nil {
		return fmt.Errorf("write json dump: %w", err)
	}
	return nil
}

// baselines holds each Engine's STATS_CLEAR baseline, keyed weakly so
// that it goes away with its Engine. (It lives here rather than as an
// Engine field to keep the dump code out of the engine's core files.)
var baselines sync.Map // weak.Pointer[Engine] -> *statsBaseline

func (e *Engine) baseline() *statsBaseline {
	k := weak.Make(e)
	if v, ok := baselines.Load(k); ok {
		return v.(*statsBaseline)
	}
	v, loaded := baselines.LoadOrStore(k, &statsBaseline{})
	if !loaded {
		runtime.AddCleanup(e, func(k weak.Pointer[Engine]) { baselines.Delete(k) }, k)
	}
	return v.(*statsBaseline)
}

// dumpSnapshot captures the running state under the engine lock, so
// that a reload is either wholly before or wholly after it; raw are the
// instances' counters before the STATS_CLEAR baseline is taken off.
func (e *Engine) dumpSnapshot() (*dumpSnapshot, map[*vrrp.Instance]vrrp.Stats) {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := e.globalSnapshot(time.Now())
	s.Resolve = func(argv []string) []string {
		if len(argv) == 0 || script.IsShellTest(argv[0]) {
			return argv
		}
		path, _, err := script.LookPath(argv[0], script.Identity{UID: s.DefaultUID, GID: s.DefaultGID})
		if err != nil {
			return argv
		}
		return displayArgv(argv, path)
	}
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
		s.Sockets[i].Instances = append(s.Sockets[i].Instances, dumpVRID{Name: pin.Name, VRID: pin.VRID})
		di := e.instanceInfo(in, s.Now)
		di.Socket = i
		raw[in.vi] = di.Stats
		di.Stats = b.since(in.vi, di.Stats)
		s.Instances = append(s.Instances, di)
	}
	s.Scripts = e.scriptInfo(s)
	e.trackInfo(s)
	e.groupInfo(s)
	return s, raw
}

// globalSnapshot is the part of a snapshot the global definitions need:
// the configuration, the resolved script_user and the umask. The caller
// holds e.mu.
func (e *Engine) globalSnapshot(now time.Time) *dumpSnapshot {
	s := &dumpSnapshot{Now: now, Config: e.cfg, Umask: processUmask()}
	if e.cmds != nil && e.cmds.defErr == nil {
		s.DefaultUID, s.DefaultGID = e.cmds.def.UID, e.cmds.def.GID
	}
	return s
}

// trackInfo copies the track file values and process quorums the
// instances see, and counts the matching processes now.
func (e *Engine) trackInfo(s *dumpSnapshot) {
	t := e.track
	if t == nil {
		return
	}
	s.FileValues = t.FileValues()
	s.ProcQuorum, s.ProcCounts = t.Processes()
}

// groupInfo copies the sync groups' states.
func (e *Engine) groupInfo(s *dumpSnapshot) { s.GroupStates = e.groupStates() }

// groupStates are the sync groups' states by name, nil without groups; a
// group that has no state yet (no member left INIT) is left out.
func (e *Engine) groupStates() map[string]vrrp.State { return e.groups.States() }

// socketInfo describes a pooled socket. netif does not expose the
// descriptor, so the socket's position in the pool stands in for keepalived's
// fd numbers, which serve the same purpose: linking an instance to its
// socket pool entry.
func socketInfo(i int, in *instance) dumpSocket {
	k := in.sock.key
	ds := dumpSocket{FD: i, Ifname: k.ifname, Family: k.family, Unicast: k.unicast, RxBufSize: in.sock.rxBufSize()}
	if pin := in.conf(); pin.Unicast() && pin.UnicastSrcIP.IsValid() {
		ds.Addr = pin.UnicastSrcIP
	}
	return ds
}

func (e *Engine) instanceInfo(in *instance, now time.Time) dumpInstance {
	st := in.status.get()
	pin := in.conf()
	di := dumpInstance{
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
		di.ReadTimeout = now.Add(time.Duration(masterDown(&di)) * time.Microsecond)
	}
	return di
}

// resolvedNotifies lists the notify scripts that survived loading, in
// keepalived's data-file order.
func resolvedNotifies(n script.NotifyScripts) []dumpNotify {
	list := []struct {
		kind, key string
		c         *script.Command
	}{
		{"Backup", "script_backup", n.Backup}, {"Master", "script_master", n.Master},
		{"Fault", "script_fault", n.Fault}, {"Stop", "script_stop", n.Stop},
		{"Deleted", "script_deleted", n.Deleted}, {"Generic", "script", n.Generic},
		{"Master rx lower pri", "script_master_rx_lower_pri", n.MasterRxLowerPri},
	}
	var out []dumpNotify
	for _, l := range list {
		if l.c == nil {
			continue
		}
		dn := dumpNotify{Kind: l.kind, JSONKey: l.key, Argv: displayArgv(l.c.Argv, l.c.Path)}
		if l.c.User != nil {
			dn.UID, dn.GID = l.c.User.UID, l.c.User.GID
		} else {
			self := script.Self()
			dn.UID, dn.GID = self.UID, self.GID
		}
		out = append(out, dn)
	}
	return out
}

// notifyList is resolvedNotifies for configured (not yet resolved)
// scripts: sync groups, and tests.
func notifyList(n *config.Notifies, uid, gid uint32) []dumpNotify {
	conv := func(pc *config.Command) *script.Command {
		if pc == nil {
			return nil
		}
		id := script.Identity{UID: uid, GID: gid}
		if pc.User != "" {
			if got, err := lookupIdentity(pc.User, pc.Group); err == nil {
				id = got
			}
		}
		return &script.Command{Argv: pc.Argv, User: &id}
	}
	return resolvedNotifies(script.NotifyScripts{
		Backup: conv(n.Backup), Master: conv(n.Master), Fault: conv(n.Fault), Stop: conv(n.Stop),
		Deleted: conv(n.DeletedCmd), Generic: conv(n.Generic), MasterRxLowerPri: conv(n.MasterRxLowerPri),
	})
}

// displayArgv is the command as keepalived 2.2.7 shows it: argv[0]
// replaced by the canonical path of the program it runs (reference 3.3;
// "/bin/true" shows as "/usr/bin/true" on Debian). path is the resolved
// program; without it (a command that was never resolved, as in tests
// and sync group scripts) or when it cannot be resolved, the command is
// shown as configured.
func displayArgv(argv []string, path string) []string {
	if len(argv) == 0 || path == "" || script.IsShellTest(argv[0]) {
		return argv
	}
	canon, _, err := script.CanonicalPath(path)
	if err != nil {
		return argv
	}
	return append([]string{canon}, argv[1:]...)
}

// lookupIdentity resolves "USER [GROUP]"; a variable for tests.
var lookupIdentity = script.LookupIdentity

// scriptInfo lists the vrrp_scripts that run, with the instances
// tracking them.
func (e *Engine) scriptInfo(s *dumpSnapshot) []dumpScript {
	conds := map[string]script.Condition{}
	if e.track != nil {
		conds = e.track.Conditions()
	}
	list := scriptList(e.cfg, conds, s.DefaultUID, s.DefaultGID)
	for i := range list {
		ds := &list[i]
		if len(ds.Argv) == 0 || script.IsShellTest(ds.Argv[0]) {
			continue
		}
		path, _, err := script.LookPath(ds.Argv[0], script.Identity{UID: ds.UID, GID: ds.GID})
		if err == nil {
			ds.Argv = displayArgv(ds.Argv, path)
		}
	}
	return list
}

// scriptList builds the script entries from the configuration and the
// scripts' conditions. A script marked disabled is left out, and so is
// one that nothing tracks any more (its only track_script entries were
// dropped, as in sync group members): keepalived removes both.
func scriptList(cfg *config.Config, conds map[string]script.Condition, uid, gid uint32) []dumpScript {
	var out []dumpScript
	for _, sc := range cfg.Scripts {
		cond := conds[sc.Name]
		if !sc.Used || cond == track.Disabled {
			continue
		}
		ds := dumpScript{Cfg: sc, Cond: cond, UID: uid, GID: gid}
		if sc.Script != nil {
			ds.Argv = sc.Script.Argv
			if sc.Script.User != "" {
				if id, err := lookupIdentity(sc.Script.User, sc.Script.Group); err == nil {
					ds.UID, ds.GID = id.UID, id.GID
				}
			}
		}
		ds.Tracking = trackingOf(cfg, sc.Name, func(in *config.Instance) []config.Track { return in.TrackScripts })
		if len(ds.Tracking) == 0 && !groupTracks(cfg, sc.Name) {
			continue
		}
		out = append(out, ds)
	}
	return out
}

// groupTracks reports whether a sync group tracks the script.
func groupTracks(cfg *config.Config, name string) bool {
	for _, g := range cfg.SyncGroups {
		for _, t := range g.TrackScripts {
			if t.Name == name {
				return true
			}
		}
	}
	return false
}
