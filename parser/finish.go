package parser

import (
	"slices"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/parser/syntax"
)

// finish applies the checks and defaults that need the whole file, in
// keepalived's order: globals, instances, sync groups, scripts, security.
func (b *builder) finish() {
	g := &b.cfg.Global
	b.finishGlobal(g)
	if g.ScriptUser == nil && !b.notes.scriptUserFailed && b.opts.UserExists("keepalived_script") {
		g.ScriptUser = &config.User{User: "keepalived_script"}
	}
	b.finishStaticAddresses()
	var kept []*config.Instance
	for _, in := range b.cfg.Instances {
		if b.finishInstance(in) {
			kept = append(kept, in)
		} else {
			delete(b.instances, in.Name)
		}
	}
	b.cfg.Instances = kept
	for _, in := range kept {
		in.SMTPAlert = b.alert(in)
	}
	for _, g := range b.cfg.SyncGroups {
		g.SMTPAlert = b.alert(g)
	}
	b.checkDuplicateVRIDs()
	b.finishSyncGroups()
	b.finishTrackGroups()
	b.finishScripts()
	b.checkNotifyScripts()
	b.checkScriptSecurity()
	b.dropUnusedScripts()
}

func (b *builder) finishStaticAddresses() {
	for i := range b.cfg.StaticAddresses {
		v := &b.cfg.StaticAddresses[i]
		if v.Dev != "" {
			continue
		}
		v.Dev = b.cfg.Global.DefaultInterface
		if !b.opts.InterfaceExists(v.Dev) && !b.cfg.Global.DynamicInterfaces {
			b.fatalf(b.staticAddrPos[i], "static_ipaddress",
				"static address %s requires either an interface or an existing default interface (%s)", v.Prefix, v.Dev)
		}
	}
}

// checkDuplicateVRIDs: two instances with the same VRID, family and
// interface cannot share one socket (reference 1.11, 3.12).
func (b *builder) checkDuplicateVRIDs() {
	type key struct {
		vrid   int
		family config.Family
		ifname string
		group  string
	}
	seen := map[key]*config.Instance{}
	for _, in := range b.cfg.Instances {
		k := key{in.VRID, in.Family, in.Interface, in.McastDstIP.String()}
		if in.Unicast() {
			k.group = "unicast " + in.UnicastSrcIP().String()
		}
		if prev, ok := seen[k]; ok {
			b.warnf(b.at(in, "virtual_router_id"), "virtual_router_id", "%s and %s both use VRID %d with %s on interface %s",
				prev.Name, in.Name, in.VRID, familyName(in.Family), in.Interface)
			continue
		}
		seen[k] = in
	}
}

// finishSyncGroups resolves member names and applies the rules on
// weighted trackers (reference 2.5, 3.1).
func (b *builder) finishSyncGroups() {
	var kept []*config.SyncGroup
	for _, g := range b.cfg.SyncGroups {
		var members []string
		for i, name := range g.Members {
			pos := b.notes.members[g][i]
			in, ok := b.instances[name]
			switch {
			case !ok:
				b.warnf(pos, name, "(%s) virtual router %s specified in sync group doesn't exist, ignoring", g.Name, name)
			case in.SyncGroup != "":
				b.warnf(pos, name, "(%s) instance %s is already in sync group %s, ignoring", g.Name, name, in.SyncGroup)
			default:
				in.SyncGroup = g.Name
				members = append(members, name)
				if g.NotifyPriorityChangesWritten && !b.inst(in).set["notify_priority_changes"] {
					// keepalived 2.2.7: the instance's own value, else its
					// group's, else the global one.
					in.NotifyPriorityChanges = g.NotifyPriorityChanges
				}
			}
		}
		g.Members = members
		switch len(members) {
		case 0:
			b.warnf(b.posOf(g), "vrrp_sync_group", "sync group %s has no virtual router(s), removed", g.Name)
			continue
		case 1:
			b.warnf(b.posOf(g), "vrrp_sync_group", "sync group %s has only 1 virtual router, this probably isn't what you want", g.Name)
		}
		b.finishGroupWeights(g)
		b.checkGroupIfaces(g)
		if b.noDefaultUser() {
			b.dropUserless(g.Name, &g.Notify)
		}
		kept = append(kept, g)
	}
	b.cfg.SyncGroups = kept
}

func (b *builder) finishGroupWeights(g *config.SyncGroup) {
	owner := false
	for _, name := range g.Members {
		in := b.instances[name]
		owner = owner || in.Owner()
		if g.TrackingWeight {
			continue
		}
		t := in.Trackers
		if t == nil {
			continue
		}
		why := "due to SYNC group " + g.Name
		t.TrackScripts = b.dropWeighted(in, t.TrackScripts, "script", why)
		t.TrackFiles = b.dropWeighted(in, t.TrackFiles, "file", why)
		t.TrackProcesses = b.dropWeighted(in, t.TrackProcesses, "process", why)
		for i := range t.TrackInterfaces {
			if t.TrackInterfaces[i].Weight != 0 {
				b.warnf(b.at(in, "track_interface"), "track_interface", "(%s) ignoring weight of tracked interface %s %s", in.Name, t.TrackInterfaces[i].Name, why)
				t.TrackInterfaces[i].Weight = 0
			}
		}
	}
	if owner {
		// Group trackers apply with weight 0 when a member owns the address.
		for _, list := range [][]config.Track{g.TrackScripts, g.TrackInterfaces, g.TrackFiles, g.TrackProcesses} {
			for i := range list {
				list[i].Weight = 0
			}
		}
	}
}

// checkGroupIfaces reports a group track_interface that a member tracks
// already, as its own interface or in its track_interface: keepalived
// 2.2.7 keeps the member's entry (see engine/track's mergeTracks) and
// counts a configuration error. Under dont_track_primary the own
// interface is not tracked, and the group's entry is taken silently,
// unless a virtual route or rule of the member names it (keepalived
// tracks it for them, with weight 0).
func (b *builder) checkGroupIfaces(g *config.SyncGroup) {
	for _, t := range g.TrackInterfaces {
		for _, name := range g.Members {
			in := b.instances[name]
			ownTracked := !in.DontTrackPrimary || slices.Contains(in.ItemInterfaces(), in.Interface)
			if t.Name == in.Interface && ownTracked || dupTrack(in.TrackInterfaces(), t.Name) {
				b.warnf(b.notes.groupIfaces[g], "track_interface", "(%s) track_interface %s is configured on VRRP instance and sync group. Remove vrrp instance or sync group config", in.Name, t.Name)
			}
		}
	}
}

// dropWeighted removes weighted trackers with a warning.
func (b *builder) dropWeighted(in *config.Instance, list []config.Track, what, why string) []config.Track {
	return slices.DeleteFunc(list, func(t config.Track) bool {
		if t.Weight == 0 {
			return false
		}
		b.warnf(b.at(in, "track_"), "track_"+what, "(%s) ignoring tracked %s %s with weights %s", in.Name, what, t.Name, why)
		return true
	})
}

// finishScripts disables scripts whose program cannot be run (reference
// 2.3, 3.4). Unused scripts go through the same checks, and the security
// check after this, before dropUnusedScripts removes them: keepalived
// 2.2.7 drops them only then.
func (b *builder) finishScripts() {
	var kept []*config.VRRPScript
	for _, v := range b.cfg.Scripts {
		if !b.opts.ScriptUsable(v.Script.Argv[0]) {
			b.warnf(b.cmdAt(v.Script).pos, "script", "disabling track script %s since %s is not found or not accessible", v.Name, v.Script.Argv[0])
			b.untrackScript(v.Name)
			continue
		}
		kept = append(kept, v)
	}
	b.cfg.Scripts = kept
}

// dropUnusedScripts removes the scripts no track_script names; keepalived
// 2.2.7 logs that at info level only.
func (b *builder) dropUnusedScripts() {
	b.cfg.Scripts = slices.DeleteFunc(b.cfg.Scripts, func(v *config.VRRPScript) bool {
		if !v.Used {
			b.notef(b.posOf(v), "vrrp_script", "script %s is not used, removed", v.Name)
		}
		return !v.Used
	})
}

func (b *builder) untrackScript(name string) {
	drop := func(t config.Track) bool { return t.Name == name }
	for _, in := range b.cfg.Instances {
		if t := in.Trackers; t != nil {
			t.TrackScripts = slices.DeleteFunc(t.TrackScripts, drop)
		}
	}
	for _, g := range b.cfg.SyncGroups {
		g.TrackScripts = slices.DeleteFunc(g.TrackScripts, drop)
	}
}

func posLess(a, b syntax.Pos) bool {
	if a.File != b.File {
		return false
	}
	return a.Line < b.Line || a.Line == b.Line && a.Col < b.Col
}
