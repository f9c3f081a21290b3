package parser

import (
	"math"
	"net/netip"
	"time"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/parser/syntax"
)

type globalHandler = handler[*config.GlobalDefs]

// globalBool returns a handler setting a <BOOL> keyword.
func globalBool(field func(g *config.GlobalDefs) *bool) globalHandler {
	return func(b *builder, s *syntax.Stmt, g *config.GlobalDefs) {
		if v, ok := b.boolArg(s, 0); ok {
			*field(g) = v
		}
		b.extraWords(s, 1)
	}
}

// globalFlag returns a handler for a keyword without value that sets a flag.
func globalFlag(field func(g *config.GlobalDefs) *bool) globalHandler {
	return func(b *builder, s *syntax.Stmt, g *config.GlobalDefs) {
		*field(g) = true
		b.extraWords(s, 0)
	}
}

func globalSeconds(field func(g *config.GlobalDefs) *time.Duration, lo, hi int) globalHandler {
	return func(b *builder, s *syntax.Stmt, g *config.GlobalDefs) {
		if v, ok := b.secondsArg(s, 0, lo, hi); ok {
			*field(g) = v
		}
		b.extraWords(s, 1)
	}
}

func globalTimer(field func(g *config.GlobalDefs) *time.Duration, hi time.Duration) globalHandler {
	return func(b *builder, s *syntax.Stmt, g *config.GlobalDefs) {
		if v, ok := b.timerArg(s, 0, 6, 0, hi); ok {
			*field(g) = v
		}
		b.extraWords(s, 1)
	}
}

// globalAnnounceInterval reads vrrp_garp_interval and vrrp_gna_interval:
// keepalived 2.2.7 takes whole microseconds in [1, 2^32-1], so 0 (the
// stock sample's value) is an error and the interval stays unset.
func globalAnnounceInterval(field func(g *config.GlobalDefs) *time.Duration) globalHandler {
	return func(b *builder, s *syntax.Stmt, g *config.GlobalDefs) {
		v, ok := b.timerArg(s, 0, 6, time.Microsecond, math.MaxUint32*time.Microsecond)
		if ok {
			*field(g) = v
		} else if text, given := arg(s, 0); given {
			b.warnf(argPos(s, 0), s.Keyword, "%s '%s' is invalid", s.Keyword, text)
		}
		b.extraWords(s, 1)
	}
}

func globalInt(field func(g *config.GlobalDefs) *int, lo, hi int) globalHandler {
	return func(b *builder, s *syntax.Stmt, g *config.GlobalDefs) {
		if v, ok := b.intArg(s, 0, lo, hi); ok {
			*field(g) = v
		}
		b.extraWords(s, 1)
	}
}

func globalRouterID(b *builder, s *syntax.Stmt, g *config.GlobalDefs) {
	if v, ok := arg(s, 0); ok && v != "" {
		g.RouterID = v
		return
	}
	b.warnf(s.Pos, s.Keyword, "router_id name missing, ignored")
}

func globalScriptUser(b *builder, s *syntax.Stmt, g *config.GlobalDefs) {
	ws := words(s)
	if len(ws) == 0 {
		b.warnf(s.Pos, s.Keyword, "missing user")
		return
	}
	if u, ok := b.user(s, ws, false); ok {
		g.ScriptUser = u
		return
	}
	b.notes.scriptUserFailed = true
}

func globalVersion(b *builder, s *syntax.Stmt, g *config.GlobalDefs) {
	if v, ok := b.intArg(s, 0, 2, 3); ok {
		g.Version = v
	}
}

func globalMcast(v6 bool) globalHandler {
	return func(b *builder, s *syntax.Stmt, g *config.GlobalDefs) {
		a, ok := b.addrArg(s, 0)
		if !ok {
			return
		}
		if !a.IsMulticast() || a.Is6() != v6 {
			b.warnf(argPos(s, 0), s.Keyword, "%s is not an IPv%s multicast address, ignored", a, map[bool]string{false: "4", true: "6"}[v6])
			return
		}
		if v6 {
			g.McastGroup6 = a
		} else {
			g.McastGroup4 = a
		}
	}
}

// globalFIFO handles notify_fifo / vrrp_notify_fifo: PATH [USER [GROUP]].
func globalFIFO(field func(g *config.GlobalDefs) **config.FIFO) globalHandler {
	return func(b *builder, s *syntax.Stmt, g *config.GlobalDefs) {
		path, ok := b.strArg(s, 0)
		if !ok {
			return
		}
		f := *field(g)
		if f == nil {
			f = &config.FIFO{}
			*field(g) = f
		}
		f.Path = path
		if len(s.Args) > 1 {
			u, ok := b.user(s, words(s)[1:], false)
			if !ok {
				return
			}
			f.User, f.Group = u.User, u.Group
		}
	}
}

// globalFIFOScript handles *_fifo_script: "CMD" [USER [[:]GROUP]].
func globalFIFOScript(field func(g *config.GlobalDefs) **config.FIFO) globalHandler {
	return func(b *builder, s *syntax.Stmt, g *config.GlobalDefs) {
		c := b.command(s, true)
		if c == nil {
			return
		}
		f := *field(g)
		if f == nil {
			f = &config.FIFO{}
			*field(g) = f
		}
		f.Script = c
	}
}

func globalScript(field func(g *config.GlobalDefs) **config.Command) globalHandler {
	return func(b *builder, s *syntax.Stmt, g *config.GlobalDefs) {
		if c := b.command(s, true); c != nil {
			*field(g) = c
		}
	}
}

func globalDynamicInterfaces(b *builder, s *syntax.Stmt, g *config.GlobalDefs) {
	g.DynamicInterfaces = true
	if v, ok := arg(s, 0); ok {
		if v != "allow_if_changes" {
			b.warnf(argPos(s, 0), s.Keyword, "unknown option '%s', expected allow_if_changes", v)
			return
		}
		g.AllowIfChanges = true
	}
}

func globalDefaultInterface(b *builder, s *syntax.Stmt, g *config.GlobalDefs) {
	if v, ok := b.strArg(s, 0); ok {
		g.DefaultInterface = v
	}
}

// globalGARPRepeat handles the repeat counts: 0 becomes 1 with a message
// for master repeats; lower_prio_repeat allows 0 (disables).
func globalGARPRepeat(field func(g *config.GlobalDefs) *int, zeroOK bool) globalHandler {
	return func(b *builder, s *syntax.Stmt, g *config.GlobalDefs) {
		defer b.extraWords(s, 1)
		v, ok := b.intArg(s, 0, 0, 1<<31-1)
		if !ok {
			return
		}
		if v == 0 && !zeroOK {
			b.warnf(argPos(s, 0), s.Keyword, "%s must be at least 1, using 1", s.Keyword)
			v = 1
		}
		*field(g) = v
	}
}

// defaultGlobal returns global_defs as keepalived initialises it.
func defaultGlobal(hostname string) config.GlobalDefs {
	return config.GlobalDefs{
		RouterID: hostname,
		GARP: config.GARP{
			MasterDelay: 5 * time.Second, MasterRepeat: 5,
			MasterRefreshRepeat: 1,
			LowerPrioDelay:      5 * time.Second, LowerPrioRepeat: 5,
		},
		Version:               2,
		McastGroup4:           netip.MustParseAddr("224.0.0.18"),
		McastGroup6:           netip.MustParseAddr("ff02::12"),
		DownTimerAdverts:      3,
		NftablesPriority:      -1,
		DefaultInterface:      "eth0",
		StartupScriptTimeout:  10 * time.Second,
		ShutdownScriptTimeout: 10 * time.Second,
	}
}

// finishGlobal applies the defaults that depend on other keywords.
func (b *builder) finishGlobal(g *config.GlobalDefs) {
	set := b.globalSet
	if g.MinGARP {
		// vrrp_min_garp changes still-default values only (reference 2.2).
		if !set["vrrp_garp_master_repeat"] {
			g.GARP.MasterRepeat = 1
		}
		if !set["vrrp_garp_master_delay"] {
			g.GARP.MasterDelay = 0
		}
		if !set["vrrp_garp_master_refresh"] {
			g.GARP.MasterRefresh = 0
		}
		// Observed in 2.2.7's dumps: the refresh repeat goes to 0 too.
		if !set["vrrp_garp_master_refresh_repeat"] {
			g.GARP.MasterRefreshRepeat = 0
		}
	}
	g.LowerPrioDelayWritten = set["vrrp_garp_lower_prio_delay"]
	g.LowerPrioRepeatWritten = set["vrrp_garp_lower_prio_repeat"]
	if !g.LowerPrioDelayWritten {
		g.GARP.LowerPrioDelay = g.GARP.MasterDelay
	}
	if !g.LowerPrioRepeatWritten {
		g.GARP.LowerPrioRepeat = g.GARP.MasterRepeat
	}
	b.finishFIFOs(g)
	finishEmail(&g.Email, b.opts.Hostname, b.opts.Username)
	if g.Process.MinAutoPriorityDelay == 0 {
		g.Process.MinAutoPriorityDelay = config.DefaultMinAutoPriorityDelay
	}
	// vrrp_strict leaves the global lower_prio_no_advert and
	// higher_prio_send_advert as written: keepalived 2.2.7 applies strict
	// mode per instance (finishStrict), and an instance with strict_mode
	// off takes the global values as written (observed in its dumps).
}

// buildGlobal applies one global_defs block; several blocks accumulate.
func (b *builder) buildGlobal(s *syntax.Stmt) {
	if !b.needBlock(s) {
		return
	}
	b.globalPos = s.Pos
	b.extraWords(s, 0)
	for _, st := range s.Block.Stmts {
		if _, ok := globalTable.handlers[st.Keyword]; ok {
			b.globalSet[st.Keyword] = true
		}
	}
	b.withContext("global_defs", func() {
		dispatch(b, globalTable, s.Block.Stmts, &b.cfg.Global)
	})
}

// globalStrict: keepalived 2.2.7 ignores any value, so "vrrp_strict off"
// turns strict mode on (observed); goalived does the same and says so.
func globalStrict(b *builder, s *syntax.Stmt, g *config.GlobalDefs) {
	g.Strict = true
	if v, ok := arg(s, 0); ok {
		b.warnf(argPos(s, 0), s.Keyword, "vrrp_strict takes no value, '%s' ignored: strict mode is on", v)
	}
}

// finishFIFOs drops a FIFO script without a FIFO, and the VRRP FIFO when it
// is the same file as notify_fifo (reference 3.5).
func (b *builder) finishFIFOs(g *config.GlobalDefs) {
	for _, f := range []struct {
		p  **config.FIFO
		kw string
	}{{&g.NotifyFIFO, "notify_fifo"}, {&g.VRRPNotifyFIFO, "vrrp_notify_fifo"}} {
		if fifo := *f.p; fifo != nil && fifo.Path == "" {
			b.warnf(b.cmdAt(fifo.Script).pos, b.cmdAt(fifo.Script).kw, "%s_script without %s, ignored", f.kw, f.kw)
			*f.p = nil
		}
	}
	if g.NotifyFIFO != nil && g.VRRPNotifyFIFO != nil && g.NotifyFIFO.Path == g.VRRPNotifyFIFO.Path {
		b.warnf(b.globalPos, "vrrp_notify_fifo", "vrrp_notify_fifo %s is the same as notify_fifo, ignored", g.VRRPNotifyFIFO.Path)
		g.VRRPNotifyFIFO = nil
	}
}
