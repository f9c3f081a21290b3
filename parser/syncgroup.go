package parser

import (
	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/parser/syntax"
)

type groupHandler = handler[*config.SyncGroup]

// syncGroupTable is the keyword table of vrrp_sync_group (reference 2.5).
var syncGroupTable = &table[*config.SyncGroup]{
	block: "vrrp_sync_group",
	handlers: map[string]groupHandler{
		"group":                   fixed(0, groupMembers),
		"track_script":            fixed(0, groupTrack(trackScript)),
		"track_interface":         fixed(0, groupTrack(trackInterface)),
		"track_file":              fixed(0, groupTrack(trackFile)),
		"track_process":           fixed(0, groupTrack(trackProcess)),
		"notify":                  groupNotify(func(n *config.Notifies) **config.Notify { return &n.Generic }),
		"notify_master":           groupNotify(func(n *config.Notifies) **config.Notify { return &n.Master }),
		"notify_backup":           groupNotify(func(n *config.Notifies) **config.Notify { return &n.Backup }),
		"notify_fault":            groupNotify(func(n *config.Notifies) **config.Notify { return &n.Fault }),
		"notify_stop":             groupNotify(func(n *config.Notifies) **config.Notify { return &n.Stop }),
		"notify_priority_changes": fixed(1, groupPriorityChanges),
		"smtp_alert": func(b *builder, s *syntax.Stmt, g *config.SyncGroup) {
			if v, ok := b.alertArg(s, "Invalid vrrp_group smtp_alert parameter %s"); ok {
				b.setAlert(g, v)
			}
		},
		"sync_group_tracking_weight": fixed(0, func(b *builder, s *syntax.Stmt, g *config.SyncGroup) { g.TrackingWeight = true }),
		"global_tracking": fixed(0, func(b *builder, s *syntax.Stmt, g *config.SyncGroup) {
			b.warnf(s.Pos, s.Keyword, "global_tracking is deprecated, use sync_group_tracking_weight")
			g.TrackingWeight = true
		}),
	},
	unsupported: []string{"track_bfd"},
}

// groupMembers reads group { INSTANCE ... }; names are resolved after the
// whole file is read (reference 2.5).
func groupMembers(b *builder, s *syntax.Stmt, g *config.SyncGroup) {
	if !b.needBlock(s) {
		return
	}
	for _, line := range s.Block.Stmts {
		names := append([]string{line.Keyword}, words(line)...)
		for _, n := range names {
			g.Members = append(g.Members, n)
			b.addMember(g, line.Pos)
		}
	}
}

func groupTrack(kind trackKind) groupHandler {
	return func(b *builder, s *syntax.Stmt, g *config.SyncGroup) {
		list := b.parseTrackBlock(s, kind, g.Name)
		switch kind {
		case trackScript:
			g.TrackScripts = append(g.TrackScripts, list...)
		case trackInterface:
			g.TrackInterfaces = append(g.TrackInterfaces, list...)
			b.noteGroupIfaces(g, s.Pos)
		case trackFile:
			g.TrackFiles = append(g.TrackFiles, list...)
		case trackProcess:
			g.TrackProcesses = append(g.TrackProcesses, list...)
		}
	}
}

func groupNotify(field func(n *config.Notifies) **config.Notify) groupHandler {
	return func(b *builder, s *syntax.Stmt, g *config.SyncGroup) {
		if c := b.command(s, true); c != nil {
			*field(&g.Notify) = c
		}
	}
}

func groupPriorityChanges(b *builder, s *syntax.Stmt, g *config.SyncGroup) {
	if v, ok := b.boolArg(s, 0); ok {
		g.NotifyPriorityChanges, g.NotifyPriorityChangesWritten = v, true
	}
}

// buildSyncGroup handles one vrrp_sync_group block.
func (b *builder) buildSyncGroup(s *syntax.Stmt) {
	name, ok := b.nameArg(s)
	if !ok {
		return
	}
	if _, dup := b.groups[name]; dup {
		b.warnf(s.Pos, s.Keyword, "vrrp_sync_group %s already defined, block ignored", name)
		return
	}
	g := &config.SyncGroup{Name: name}
	b.notePos(g, s.Pos)
	b.withContext("vrrp_sync_group "+name, func() {
		dispatch(b, syncGroupTable, s.Block.Stmts, g)
	})
	b.groups[name] = g
	b.cfg.SyncGroups = append(b.cfg.SyncGroups, g)
}
