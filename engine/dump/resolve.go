package dump

import "github.com/goalived/goalived/config"

// Resolver turns what the configuration names (users, programs) into
// what the dumps show, through the host's look-ups: the engine passes
// the real ones, tests fixed answers. A nil look-up leaves users at the
// default script user and programs as configured.
type Resolver struct {
	// DefaultUID and DefaultGID are the resolved script_user.
	DefaultUID, DefaultGID uint32
	// Identity resolves "USER [GROUP]"; ok false keeps the default user.
	Identity func(user, group string) (uid, gid uint32, ok bool)
	// Program shows a command with its program resolved, looked up as
	// uid:gid, the way keepalived shows it after loading it.
	Program func(argv []string, uid, gid uint32) []string
}

func (r Resolver) identity(user, group string) (uid, gid uint32) {
	if user != "" && r.Identity != nil {
		if uid, gid, ok := r.Identity(user, group); ok {
			return uid, gid
		}
	}
	return r.DefaultUID, r.DefaultGID
}

func (r Resolver) program(argv []string, uid, gid uint32) []string {
	if r.Program == nil || len(argv) == 0 {
		return argv
	}
	return r.Program(argv, uid, gid)
}

// Global is the part of a snapshot the global definitions need: the
// configuration, the script user, the notify FIFOs and the umask.
func (r Resolver) Global(s *Snapshot, cfg *config.Config, umask *uint32) {
	s.Config, s.Umask = cfg, umask
	s.DefaultUID, s.DefaultGID = r.DefaultUID, r.DefaultGID
	s.NotifyFIFO, s.VRRPNotifyFIFO = r.fifo(cfg.Global.NotifyFIFO), r.fifo(cfg.Global.VRRPNotifyFIFO)
}

// fifo is a notify FIFO with the owner keepalived gives it and its
// reader: the configured user and group when they are numeric or known,
// else the default script user. The reader's program is looked up as the
// default script user.
func (r Resolver) fifo(f *config.FIFO) *FIFO {
	if f == nil {
		return nil
	}
	out := &FIFO{Path: f.Path}
	out.UID, out.GID = r.identity(f.User, f.Group)
	if f.Script != nil {
		c := &Command{Argv: f.Script.Argv}
		c.UID, c.GID = r.identity(f.Script.User, f.Script.Group)
		out.Script, out.Shown = c, r.program(f.Script.Argv, r.DefaultUID, r.DefaultGID)
	}
	return out
}

// Notifies are configured notify scripts with their users resolved and
// their commands as configured.
func (r Resolver) Notifies(n *config.Notifies) []Notify {
	conv := func(pc *config.Command) *Command {
		if pc == nil {
			return nil
		}
		c := &Command{Argv: pc.Argv}
		c.UID, c.GID = r.identity(pc.User, pc.Group)
		return c
	}
	return NotifySet{
		Backup: conv(n.Backup), Master: conv(n.Master), Fault: conv(n.Fault), Stop: conv(n.Stop),
		Deleted: conv(n.DeletedCmd), Generic: conv(n.Generic), MasterRxLowerPri: conv(n.MasterRxLowerPri),
	}.List()
}

// GroupNotifies are the sync groups' notify scripts by group name, their
// programs looked up as the default script user.
func (r Resolver) GroupNotifies(cfg *config.Config) map[string][]Notify {
	out := map[string][]Notify{}
	for _, g := range cfg.SyncGroups {
		ns := r.Notifies(&g.Notify)
		for i := range ns {
			ns[i].Argv = r.program(ns[i].Argv, r.DefaultUID, r.DefaultGID)
		}
		out[g.Name] = ns
	}
	return out
}

// NotifySet is a set of notify scripts, each nil when not configured.
type NotifySet struct {
	Backup, Master, Fault, Stop, Deleted, Generic, MasterRxLowerPri *Command
}

// List is the set in keepalived's data-file order, with the words it
// prints and the JSON keys.
func (n NotifySet) List() []Notify {
	list := []struct {
		kind, key string
		c         *Command
	}{
		{"Backup", "script_backup", n.Backup}, {"Master", "script_master", n.Master},
		{"Fault", "script_fault", n.Fault}, {"Stop", "script_stop", n.Stop},
		{"Deleted", "script_deleted", n.Deleted}, {"Generic", "script", n.Generic},
		{"Master rx lower pri", "script_master_rx_lower_pri", n.MasterRxLowerPri},
	}
	var out []Notify
	for _, l := range list {
		if l.c != nil {
			out = append(out, Notify{Kind: l.kind, JSONKey: l.key, Argv: l.c.Argv, UID: l.c.UID, GID: l.c.GID})
		}
	}
	return out
}

// Scripts lists the vrrp_scripts in use, with their states (by name; a
// missing one has no result yet), the instances tracking them and their
// programs resolved as the user each runs as. A disabled script is left
// out, and so is one that nothing tracks any more (its only track_script
// entries were dropped, as in sync group members): keepalived removes
// both.
func (r Resolver) Scripts(cfg *config.Config, states map[string]ScriptState) []Script {
	var out []Script
	for _, sc := range cfg.Scripts {
		st := states[sc.Name]
		if !sc.Used || st == ScriptDisabled {
			continue
		}
		ds := Script{Cfg: sc, State: st, UID: r.DefaultUID, GID: r.DefaultGID}
		ds.Tracking = trackingOf(cfg, sc.Name, trackScripts)
		if len(ds.Tracking) == 0 {
			continue
		}
		if sc.Script != nil {
			ds.UID, ds.GID = r.identity(sc.Script.User, sc.Script.Group)
			ds.Argv = r.program(sc.Script.Argv, ds.UID, ds.GID)
		}
		out = append(out, ds)
	}
	return out
}
