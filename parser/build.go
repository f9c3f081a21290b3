package parser

import (
	"fmt"
	"slices"
	"sort"
	"sync"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/parser/syntax"
)

// builder walks one syntax tree and fills a Config.
type builder struct {
	opts       Options
	cfg        *config.Config
	diags      Diagnostics
	keep       syntax.Collector              // which diagnostics diags keeps
	scripts    map[string]*config.VRRPScript // defined so far, for track_script order semantics
	instances  map[string]*config.Instance
	trackFiles map[string]*config.TrackFile
	trackProcs map[string]*config.TrackProcess
	groups     map[string]*config.SyncGroup
	// globalSet records which global keywords were written, for defaults
	// that depend on other keywords (vrrp_min_garp, lower_prio_*).
	globalSet map[string]bool
	globalPos syntax.Pos // the last global_defs block
	// context names the enclosing block for Feature.Block.
	context string
	// staticAddrPos are the lines of StaticAddresses, for late checks.
	staticAddrPos []syntax.Pos
	// nextRulePref4/6 are the preferences given to the next rule without
	// one (0: not started, 16384).
	nextRulePref4, nextRulePref6 int
	notes                        notes
	auths                        map[config.Auth]*config.Auth // see sharedAuth
}

func (b *builder) report(sev syntax.Severity, pos syntax.Pos, kw, format string, args ...any) {
	b.reportClass(sev, syntax.Semantic, pos, kw, format, args...)
}

func (b *builder) reportClass(sev syntax.Severity, class syntax.Class, pos syntax.Pos, kw, format string, args ...any) {
	d := syntax.Diagnostic{Pos: pos, Severity: sev, Class: class, Keyword: kw}
	if !b.keep.Full() {
		d.Msg = fmt.Sprintf(format, args...)
	}
	if b.keep.Add(d) {
		b.diags = append(b.diags, d)
	}
}

func (b *builder) warnf(pos syntax.Pos, kw, format string, args ...any) {
	b.report(syntax.Warning, pos, kw, format, args...)
}

// notef reports a finding keepalived 2.2.7 does not count as a
// configuration error (it logs it at info level or not at all): it is
// printed, and changes the -t status only under --strict.
func (b *builder) notef(pos syntax.Pos, kw, format string, args ...any) {
	b.report(syntax.Note, pos, kw, format, args...)
}

func (b *builder) fatalf(pos syntax.Pos, kw, format string, args ...any) {
	b.report(syntax.Fatal, pos, kw, format, args...)
}

// handler applies one statement to the object of type T being built.
type handler[T any] func(b *builder, s *syntax.Stmt, t T)

// table is the keyword table of one block: keywords goalived implements
// (handlers) and keywords keepalived knows that goalived does not
// implement (unsupported). Anything else is unknown.
type table[T any] struct {
	block       string
	handlers    map[string]handler[T]
	unsupported []string
	// knownList is known's answer, made once: an unknown keyword asks
	// for it, and a configuration may have a quarter of a million.
	knownOnce sync.Once
	knownList []string
}

// known lists every keyword of the table, sorted.
func (t *table[T]) known() []string {
	t.knownOnce.Do(func() {
		out := append([]string(nil), t.unsupported...)
		out = append(out, notYetKeywords(t.block)...)
		for k := range t.handlers {
			out = append(out, k)
		}
		sort.Strings(out)
		t.knownList = slices.Clip(slices.Compact(out))
	})
	return t.knownList
}

func (t *table[T]) isUnsupported(kw string) bool {
	for _, u := range t.unsupported {
		if u == kw {
			return true
		}
	}
	return false
}

// dispatch applies every statement of a block through its table.
func dispatch[T any](b *builder, t *table[T], stmts []*syntax.Stmt, target T) {
	for _, s := range stmts {
		if h, ok := t.handlers[s.Keyword]; ok {
			h(b, s, target)
			b.checkNotYet(t.block, s)
			continue
		}
		if e, ok := notYetFor(t.block, s.Keyword); ok {
			// No handler: the Feature's words are all the model keeps.
			b.reportNotYet(e, s.Pos, words(s), "")
			continue
		}
		if t.isUnsupported(s.Keyword) {
			b.unsupported(s)
			continue
		}
		b.unknown(s, t.known())
	}
}

// unsupported records a keyword goalived recognises but does not implement.
// Its block, if any, is skipped as a unit.
func (b *builder) unsupported(s *syntax.Stmt) {
	b.cfg.Unsupported = append(b.cfg.Unsupported, config.Feature{
		Keyword: s.Keyword, Block: b.context, Pos: s.Pos.String(), Args: words(s),
	})
	b.warnf(s.Pos, s.Keyword, "%s is not supported by goalived, ignored", s.Keyword)
}

// unknown reports a keyword keepalived itself does not know.
func (b *builder) unknown(s *syntax.Stmt, known []string) {
	if b.keep.Full() {
		// Only counted: no suggestion to look for.
		b.reportClass(syntax.Warning, syntax.Unknown, s.Pos, s.Keyword, "")
		return
	}
	msg := fmt.Sprintf("unknown keyword '%s'", s.Keyword)
	if sug := suggest(s.Keyword, known); sug != "" {
		msg += fmt.Sprintf(", did you mean '%s'?", sug)
	}
	if s.Block != nil {
		msg += " (its block is ignored)"
	}
	b.reportClass(syntax.Warning, syntax.Unknown, s.Pos, s.Keyword, "%s", msg)
}

// needBlock reports a block keyword written without '{'.
func (b *builder) needBlock(s *syntax.Stmt) bool {
	if s.Block == nil {
		b.warnf(s.Pos, s.Keyword, "missing '{' at beginning of configuration block")
		return false
	}
	return true
}

// nameArg reads the NAME of "vrrp_instance NAME {" style blocks.
func (b *builder) nameArg(s *syntax.Stmt) (string, bool) {
	name, ok := arg(s, 0)
	if !ok || name == "" {
		b.warnf(s.Pos, s.Keyword, "%s name missing, block ignored", s.Keyword)
		return "", false
	}
	b.extraWords(s, 1)
	return name, b.needBlock(s)
}

// withContext runs fn with Feature.Block set to ctx.
func (b *builder) withContext(ctx string, fn func()) {
	saved := b.context
	b.context = ctx
	fn()
	b.context = saved
}
