package parser

import (
	"slices"
	"strings"
	"time"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/parser/syntax"
)

// trackFileTable is the keyword table of track_file (reference 2.6).
var trackFileTable = &table[*config.TrackFile]{
	block: "track_file",
	handlers: map[string]handler[*config.TrackFile]{
		"file": fixed(1, func(b *builder, s *syntax.Stmt, f *config.TrackFile) {
			if v, ok := b.strArg(s, 0); ok {
				f.File = v
			}
		}),
		"weight":    fixed(2, trackFileWeight),
		"init_file": fixed(2, trackFileInit),
	},
}

func trackFileWeight(b *builder, s *syntax.Stmt, f *config.TrackFile) {
	w, ok := b.intArg(s, 0, -254, 254)
	if !ok {
		return
	}
	f.Weight = w
	if r, ok := arg(s, 1); ok {
		if r != "reverse" {
			b.warnf(argPos(s, 1), s.Keyword, "unknown option '%s', expected reverse", r)
			return
		}
		f.Reverse = true
	}
}

// trackFileInit: init_file [VALUE] [overwrite].
func trackFileInit(b *builder, s *syntax.Stmt, f *config.TrackFile) {
	f.InitFile = true
	for i, w := range words(s) {
		if w == "overwrite" {
			f.InitOverwrite = true
			continue
		}
		if n, ok := b.intArg(s, i, -1<<31, 1<<31-1); ok {
			f.InitValue = n
		}
	}
}

func (b *builder) buildTrackFile(s *syntax.Stmt) {
	name, ok := b.nameArg(s)
	if !ok {
		return
	}
	if _, dup := b.trackFiles[name]; dup {
		b.warnf(s.Pos, s.Keyword, "track_file %s already defined, block ignored", name)
		return
	}
	f := &config.TrackFile{Name: name, Weight: 1}
	b.withContext("track_file "+name, func() {
		dispatch(b, trackFileTable, s.Block.Stmts, f)
	})
	if f.File == "" {
		b.warnf(s.Pos, s.Keyword, "no file set for track_file %s, removed", name)
		return
	}
	b.trackFiles[name] = f
	b.cfg.TrackFiles = append(b.cfg.TrackFiles, f)
}

// trackProcessTable is the keyword table of vrrp_track_process (2.7).
var trackProcessTable = &table[*config.TrackProcess]{
	block: "vrrp_track_process",
	handlers: map[string]handler[*config.TrackProcess]{
		"process":     trackProcessName,
		"param_match": fixed(1, trackProcessParamMatch),
		"weight":      fixed(2, trackProcessWeight),
		"quorum": fixed(1, func(b *builder, s *syntax.Stmt, p *config.TrackProcess) {
			if n, ok := b.intArg(s, 0, 1, 65535); ok {
				p.Quorum = n
			}
		}),
		"quorum_max": fixed(1, func(b *builder, s *syntax.Stmt, p *config.TrackProcess) {
			if n, ok := b.intArg(s, 0, 0, 65535); ok {
				p.QuorumMax = n
			}
		}),
		"delay":           fixed(1, trackProcessDelay(true, true)),
		"fork_delay":      fixed(1, trackProcessDelay(true, false)),
		"terminate_delay": fixed(1, trackProcessDelay(false, true)),
		"full_command":    fixed(0, func(b *builder, s *syntax.Stmt, p *config.TrackProcess) { p.FullCommand = true }),
	},
}

// trackProcessName: process NAME|"NAME" [PARAM ...].
func trackProcessName(b *builder, s *syntax.Stmt, p *config.TrackProcess) {
	ws := words(s)
	if len(ws) == 0 || ws[0] == "" {
		b.warnf(s.Pos, s.Keyword, "missing process name")
		return
	}
	// Params gets an array of its own: ws[0], before it, would keep the
	// configuration's text alive (see detach).
	p.Process, p.Params = ws[0], slices.Clone(ws[1:])
	if len(p.Params) == 0 {
		p.Params = nil
	}
}

func trackProcessParamMatch(b *builder, s *syntax.Stmt, p *config.TrackProcess) {
	v, ok := arg(s, 0)
	switch {
	case !ok:
		p.ParamMatch = "exact"
	case v == "initial" || v == "partial":
		p.ParamMatch = v
	default:
		b.warnf(argPos(s, 0), s.Keyword, "unknown param_match '%s', expected initial or partial", v)
	}
}

func trackProcessWeight(b *builder, s *syntax.Stmt, p *config.TrackProcess) {
	w, ok := b.intArg(s, 0, -254, 254)
	if !ok {
		return
	}
	p.Weight = w
	if r, ok := arg(s, 1); ok {
		if r != "reverse" {
			b.warnf(argPos(s, 1), s.Keyword, "unknown option '%s', expected reverse", r)
			return
		}
		p.Reverse = true
	}
}

func trackProcessDelay(fork, term bool) handler[*config.TrackProcess] {
	return func(b *builder, s *syntax.Stmt, p *config.TrackProcess) {
		d, ok := b.timerArg(s, 0, 6, time.Microsecond, 3600*time.Second)
		if !ok {
			return
		}
		if fork {
			p.ForkDelay = d
		}
		if term {
			p.TerminateDelay = d
		}
	}
}

func (b *builder) buildTrackProcess(s *syntax.Stmt) {
	name, ok := b.nameArg(s)
	if !ok {
		return
	}
	if _, dup := b.trackProcs[name]; dup {
		b.warnf(s.Pos, s.Keyword, "vrrp_track_process %s already defined, block ignored", name)
		return
	}
	p := &config.TrackProcess{Name: name, Quorum: 1, QuorumMax: -1}
	b.withContext("vrrp_track_process "+name, func() {
		dispatch(b, trackProcessTable, s.Block.Stmts, p)
	})
	if p.Process == "" {
		b.warnf(s.Pos, s.Keyword, "no process set for vrrp_track_process %s, removed", name)
		return
	}
	if p.QuorumMax >= 0 && p.QuorumMax < p.Quorum {
		b.warnf(s.Pos, s.Keyword, "vrrp_track_process %s: quorum_max %d below quorum %d, removed", name, p.QuorumMax, p.Quorum)
		return
	}
	if len(p.Params) > 0 && p.ParamMatch == "" {
		p.ParamMatch = "exact"
	}
	p.Process = strings.TrimSpace(p.Process)
	b.trackProcs[name] = p
	b.cfg.TrackProcesses = append(b.cfg.TrackProcesses, p)
}
