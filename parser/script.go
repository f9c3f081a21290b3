package parser

import (
	"time"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/parser/syntax"
)

// scriptTable is the keyword table of vrrp_script (reference 2.3).
var scriptTable = &table[*config.VRRPScript]{
	block: "vrrp_script",
	handlers: map[string]handler[*config.VRRPScript]{
		"script":   scriptScript,
		"interval": scriptTimer(func(v *config.VRRPScript) *time.Duration { return &v.Interval }),
		"timeout":  scriptTimer(func(v *config.VRRPScript) *time.Duration { return &v.Timeout }),
		"weight":   fixed(2, scriptWeight),
		"rise":     scriptCount(func(v *config.VRRPScript) *int { return &v.Rise }),
		"fall":     scriptCount(func(v *config.VRRPScript) *int { return &v.Fall }),
		"user":     fixed(2, scriptUser),
		"init_fail": func(b *builder, s *syntax.Stmt, v *config.VRRPScript) {
			v.InitFail = true
			b.extraWords(s, 0)
		},
	},
}

func scriptScript(b *builder, s *syntax.Stmt, v *config.VRRPScript) {
	user := (*config.User)(nil)
	if v.Script != nil {
		user = &config.User{User: v.Script.User, Group: v.Script.Group, SupplementaryGroups: v.Script.SupplementaryGroups}
	}
	c := b.command(s, false)
	if c == nil {
		return
	}
	if user != nil {
		c.User, c.Group, c.SupplementaryGroups = user.User, user.Group, user.SupplementaryGroups
	}
	v.Script = c
}

// scriptTimer handles interval and timeout: decimal seconds with ms
// resolution up to 4294 s (keepalived 2.3+). keepalived 2.2.7 takes whole
// seconds only and ignores other values with a message (observed), so a
// fraction is used but warned about. interval 0 becomes 1 s, and so does
// timeout 0 (keepalived's words); an unset timeout is the interval.
func scriptTimer(field func(v *config.VRRPScript) *time.Duration) handler[*config.VRRPScript] {
	return func(b *builder, s *syntax.Stmt, v *config.VRRPScript) {
		defer b.extraWords(s, 1)
		d, ok := b.timerArg(s, 0, 3, 0, 4294*time.Second)
		if !ok {
			return
		}
		switch {
		case d == 0 && s.Keyword == "interval":
			b.warnf(argPos(s, 0), s.Keyword, "(%s) interval must be greater than 0, using 1 second", v.Name)
			d = time.Second
		case d == 0:
			b.warnf(argPos(s, 0), s.Keyword, "(%s): vrrp script timeout must be greater than 0, setting to 1", v.Name)
			d = time.Second
		case d%time.Second != 0:
			b.warnf(argPos(s, 0), s.Keyword, "(%s) keepalived 2.2.7 accepts whole seconds only (later versions accept %s), using %s", v.Name, fmtSecs(d), d)
		}
		*field(v) = d
		v.TimeoutWritten = v.TimeoutWritten || s.Keyword == "timeout"
	}
}

// scriptWeight handles "weight W [reverse]". Out-of-range values are
// reported and used anyway, as keepalived does (reference 1.10).
func scriptWeight(b *builder, s *syntax.Stmt, v *config.VRRPScript) {
	w, ok := b.intArgAny(s, 0)
	if !ok {
		return
	}
	if w < -253 || w > 253 {
		b.warnf(argPos(s, 0), s.Keyword, "number '%s' outside range [-253, 253], used anyway", s.Args[0].Text)
	}
	v.Weight = w
	if r, ok := arg(s, 1); ok {
		switch r {
		case "reverse":
			v.Reverse = true
		case "noreverse":
			v.Reverse = false
		default:
			b.warnf(argPos(s, 1), s.Keyword, "unknown option '%s', expected reverse", r)
		}
	}
}

func scriptCount(field func(v *config.VRRPScript) *int) handler[*config.VRRPScript] {
	return func(b *builder, s *syntax.Stmt, v *config.VRRPScript) {
		if n, ok := b.intArg(s, 0, 1, 1<<31-1); ok {
			*field(v) = n
		}
		b.extraWords(s, 1)
	}
}

func scriptUser(b *builder, s *syntax.Stmt, v *config.VRRPScript) {
	ws := words(s)
	if len(ws) == 0 {
		b.warnf(s.Pos, s.Keyword, "missing user")
		return
	}
	u, ok := b.user(s, ws, false)
	if !ok {
		v.Script = nil
		b.warnf(s.Pos, s.Keyword, "vrrp_script %s removed", v.Name)
		b.failUser(v)
		return
	}
	if v.Script == nil {
		v.Script = &config.Command{}
	}
	v.Script.User, v.Script.Group, v.Script.SupplementaryGroups = u.User, u.Group, u.SupplementaryGroups
}

// buildScript handles one vrrp_script block. The script becomes visible
// to track_script entries that follow it in the file (reference 2.3).
func (b *builder) buildScript(s *syntax.Stmt) {
	name, ok := b.nameArg(s)
	if !ok {
		return
	}
	if _, dup := b.scripts[name]; dup {
		b.warnf(s.Pos, s.Keyword, "vrrp_script %s already defined, block ignored", name)
		return
	}
	v := &config.VRRPScript{Name: name, Interval: time.Second, Rise: 1, Fall: 1}
	b.notePos(v, s.Pos)
	b.withContext("vrrp_script "+name, func() {
		dispatch(b, scriptTable, s.Block.Stmts, v)
	})
	if b.notes.userFailed[v] {
		b.removeScript(name)
		return
	}
	if v.Script == nil || len(v.Script.Argv) == 0 {
		b.warnf(s.Pos, s.Keyword, "no script set for vrrp_script %s, removed", name)
		return
	}
	if v.Script.User == "" && b.defaultUserFails() {
		b.warnf(s.Pos, s.Keyword, "unable to set default user for vrrp script %s - removing (set script_user, or create user keepalived_script)", name)
		b.removeScript(name)
		return
	}
	if v.Timeout == 0 {
		v.Timeout = v.Interval
	}
	b.scripts[name] = v
	b.cfg.Scripts = append(b.cfg.Scripts, v)
}

// defaultUserFails reports whether a script without a user line has no
// user to run as, judged as keepalived 2.2.7 does at the end of each
// vrrp_script block (so with the global_defs read so far): a script_user
// that could not be set, or script security with neither script_user nor
// a keepalived_script account.
func (b *builder) defaultUserFails() bool {
	g := &b.cfg.Global
	if b.notes.scriptUserFailed {
		return true
	}
	return g.EnableScriptSecurity && g.ScriptUser == nil && !b.opts.UserExists("keepalived_script")
}
