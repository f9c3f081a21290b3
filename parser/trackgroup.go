package parser

import (
	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/parser/syntax"
)

var trackGroupTable = &table[*config.TrackGroup]{
	block: "track_group",
	handlers: map[string]handler[*config.TrackGroup]{
		"group": fixed(0, trackGroupMembers),
	},
}

// trackGroupMembers reads group { INSTANCE ... }, several names a line
// allowed; they are resolved once the whole file is read.
func trackGroupMembers(b *builder, s *syntax.Stmt, g *config.TrackGroup) {
	if !b.needBlock(s) {
		return
	}
	for _, line := range s.Block.Stmts {
		for _, n := range append([]string{line.Keyword}, words(line)...) {
			g.Members = append(g.Members, n)
			b.addMember(g, line.Pos)
		}
	}
}

// buildTrackGroup handles one track_group block; keepalived skips a
// block without exactly one name or with a name already defined.
func (b *builder) buildTrackGroup(s *syntax.Stmt) {
	if len(s.Args) != 1 {
		b.warnf(s.Pos, s.Keyword, "track_group must have a name - skipping")
		return
	}
	if !b.needBlock(s) {
		return
	}
	name := s.Args[0].Text
	if b.cfg.TrackGroup(name) != nil {
		b.warnf(s.Pos, s.Keyword, "track_group %s already defined", name)
		return
	}
	g := &config.TrackGroup{Name: name}
	b.notePos(g, s.Pos)
	b.withContext("track_group "+name, func() {
		dispatch(b, trackGroupTable, s.Block.Stmts, g)
	})
	b.cfg.TrackGroups = append(b.cfg.TrackGroups, g)
}

// setTrackGroup applies a static item's "track_group NAME": the group
// must be defined earlier in the file (keepalived looks it up while
// parsing the line), and an item names one group.
func (b *builder) setTrackGroup(s *syntax.Stmt, field *string, name string) {
	switch {
	case *field != "":
		b.warnf(s.Pos, s.Keyword, "track_group %s is a duplicate", name)
	case b.cfg.TrackGroup(name) == nil:
		b.warnf(s.Pos, s.Keyword, "track_group %s not found", name)
	default:
		*field = name
	}
}

// finishTrackGroups resolves the members as static_track_group_init
// does: unknown instances are dropped, and a group left without any is
// removed (its static items then track nothing).
func (b *builder) finishTrackGroups() {
	var keep []*config.TrackGroup
	for _, g := range b.cfg.TrackGroups {
		if len(g.Members) == 0 {
			b.warnf(b.posOf(g), "track_group", "Static track group %s has no virtual router(s)", g.Name)
			b.dropTrackGroup(g)
			continue
		}
		var members []string
		for i, m := range g.Members {
			if _, ok := b.instances[m]; !ok {
				b.warnf(b.notes.members[g][i], "track_group", "vrrp instance %s specified in track group %s doesn't exist - ignoring", m, g.Name)
				continue
			}
			members = append(members, m)
		}
		g.Members = members
		if len(members) == 0 {
			b.warnf(b.posOf(g), "track_group", "Static track group %s has no VRRP instance(s)", g.Name)
			b.dropTrackGroup(g)
			continue
		}
		keep = append(keep, g)
	}
	b.cfg.TrackGroups = keep
}

// dropTrackGroup removes g from the static items that name it.
func (b *builder) dropTrackGroup(g *config.TrackGroup) {
	for i := range b.cfg.StaticAddresses {
		if v := &b.cfg.StaticAddresses[i]; v.Extra != nil && v.Extra.TrackGroup == g.Name {
			v.Extra.TrackGroup = ""
		}
	}
	for i := range b.cfg.StaticRoutes {
		if b.cfg.StaticRoutes[i].TrackGroup == g.Name {
			b.cfg.StaticRoutes[i].TrackGroup = ""
		}
	}
	for i := range b.cfg.StaticRules {
		if b.cfg.StaticRules[i].TrackGroup == g.Name {
			b.cfg.StaticRules[i].TrackGroup = ""
		}
	}
}
