package parser

import (
	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/parser/syntax"
)

// commandSlots returns every configured notify-like command of the model
// (not vrrp_script), as pointers so that checks can remove them.
func (b *builder) commandSlots() []**config.Command {
	g := &b.cfg.Global
	slots := []**config.Command{&g.StartupScript, &g.ShutdownScript}
	for _, f := range []*config.FIFO{g.NotifyFIFO, g.VRRPNotifyFIFO} {
		if f != nil {
			slots = append(slots, &f.Script)
		}
	}
	add := func(n *config.Notifies) {
		slots = append(slots, &n.Master, &n.Backup, &n.Fault, &n.Stop, &n.Generic, &n.DeletedCmd, &n.MasterRxLowerPri)
	}
	for _, in := range b.cfg.Instances {
		if in.Notifies != nil {
			add(in.Notifies)
		}
	}
	for _, sg := range b.cfg.SyncGroups {
		add(&sg.Notify)
	}
	return slots
}

// checkNotifyScripts drops notify scripts whose program cannot be found,
// as keepalived does at load time (reference 3.4).
func (b *builder) checkNotifyScripts() {
	for _, p := range b.commandSlots() {
		if c := *p; c != nil && !b.opts.ScriptUsable(c.Argv[0]) {
			// keepalived 2.2.7 drops it without a word: a note.
			b.notef(b.cmdAt(c).pos, b.cmdAt(c).kw, "script %s is not found or not accessible, ignored", c.Argv[0])
			*p = nil
		}
	}
}

// checkScriptSecurity reports keepalived's SECURITY VIOLATION (reference
// 3.4): any script that will run while enable_script_security is off.
func (b *builder) checkScriptSecurity() {
	if b.cfg.Global.EnableScriptSecurity {
		return
	}
	var first *syntax.Pos
	consider := func(c *config.Command) {
		if c != nil && (first == nil || posLess(b.cmdAt(c).pos, *first)) {
			p := b.cmdAt(c).pos
			first = &p
		}
	}
	for _, p := range b.commandSlots() {
		consider(*p)
	}
	for _, v := range b.cfg.Scripts {
		consider(v.Script)
	}
	if first == nil {
		return
	}
	b.report(syntax.Security, *first, "enable_script_security",
		"SECURITY VIOLATION - scripts are being executed but script_security not enabled")
}
