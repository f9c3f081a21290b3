package parser

import (
	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/parser/syntax"
)

// notes are what the builder knows about model values while it builds
// them and the model does not keep: which keywords an instance wrote,
// where a command or a group member was written. Keeping them here leaves
// package config free of the parser's bookkeeping.
type notes struct {
	inst       map[*config.Instance]*instNotes
	cmd        map[*config.Command]cmdNote
	userFailed map[*config.VRRPScript]bool
	members    map[any][]syntax.Pos // a sync or track group's member lines
	// scriptUserFailed is set when global_defs names a script_user that
	// cannot be set: keepalived 2.2.7 then has no default script user at
	// all, whatever enable_script_security says.
	scriptUserFailed bool
	// removedScripts are the vrrp_scripts dropped while being read (no
	// usable user): a track_script naming one gets keepalived's plain
	// "not found" message.
	removedScripts map[string]bool
	// alerts are the smtp_alert lines of instances and sync groups, by
	// model pointer, resolved against global_defs once it is read.
	alerts map[any]bool
	// groupIfaces are where each sync group wrote track_interface.
	groupIfaces map[*config.SyncGroup]syntax.Pos
	// pos is where each script and group block was written: the model keeps no positions, which only the findings
	// made after its block need.
	pos map[any]syntax.Pos
}

// instNotes records the keywords an instance wrote, for rules that depend
// on the order or presence of others.
type instNotes struct {
	set map[string]bool
	// pos is where the instance was written, and stmts its block once
	// read: findings made while finishing the instance name the line of
	// their keyword (the last of a repeated one) or else the instance's.
	pos   syntax.Pos
	stmts []*syntax.Stmt
}

func (n *instNotes) mark(kw string) { n.set[kw] = true }

// cmdNote is where a command was configured and by which keyword.
type cmdNote struct {
	pos syntax.Pos
	kw  string
}

func (b *builder) inst(in *config.Instance) *instNotes {
	if b.notes.inst == nil {
		b.notes.inst = map[*config.Instance]*instNotes{}
	}
	n := b.notes.inst[in]
	if n == nil {
		n = &instNotes{set: map[string]bool{}}
		b.notes.inst[in] = n
	}
	return n
}

func (b *builder) notePos(block any, pos syntax.Pos) {
	if b.notes.pos == nil {
		b.notes.pos = map[any]syntax.Pos{}
	}
	b.notes.pos[block] = pos
}

// posOf is where a script or group (*config.VRRPScript,
// *config.SyncGroup, *config.TrackGroup) was written.
func (b *builder) posOf(block any) syntax.Pos { return b.notes.pos[block] }

func (b *builder) cmdAt(c *config.Command) cmdNote { return b.notes.cmd[c] }

func (b *builder) noteCmd(c *config.Command, s *syntax.Stmt) {
	if b.notes.cmd == nil {
		b.notes.cmd = map[*config.Command]cmdNote{}
	}
	b.notes.cmd[c] = cmdNote{pos: s.Pos, kw: s.Keyword}
}

func (b *builder) addMember(group any, pos syntax.Pos) {
	if b.notes.members == nil {
		b.notes.members = map[any][]syntax.Pos{}
	}
	b.notes.members[group] = append(b.notes.members[group], pos)
}

func (b *builder) failUser(v *config.VRRPScript) {
	if b.notes.userFailed == nil {
		b.notes.userFailed = map[*config.VRRPScript]bool{}
	}
	b.notes.userFailed[v] = true
}

// at returns the line of keyword kw in instance in, or the instance's own
// line when the keyword was not written there.
func (b *builder) at(in *config.Instance, kw string) syntax.Pos {
	n := b.inst(in)
	for i := len(n.stmts) - 1; i >= 0; i-- {
		if n.stmts[i].Keyword == kw {
			return n.stmts[i].Pos
		}
	}
	return n.pos
}

func (b *builder) removeScript(name string) {
	if b.notes.removedScripts == nil {
		b.notes.removedScripts = map[string]bool{}
	}
	b.notes.removedScripts[name] = true
}

func (b *builder) setAlert(owner any, v bool) {
	if b.notes.alerts == nil {
		b.notes.alerts = map[any]bool{}
	}
	b.notes.alerts[owner] = v
}

// alert resolves the smtp_alert of an instance or sync group.
func (b *builder) alert(owner any) bool {
	var own *bool
	if v, ok := b.notes.alerts[owner]; ok {
		own = &v
	}
	return alertDefault(own, b.cfg.Global.Email)
}

func (b *builder) noteGroupIfaces(g *config.SyncGroup, pos syntax.Pos) {
	if b.notes.groupIfaces == nil {
		b.notes.groupIfaces = map[*config.SyncGroup]syntax.Pos{}
	}
	b.notes.groupIfaces[g] = pos
}
