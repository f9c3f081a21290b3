package parser

import (
	"fmt"
	"net/netip"
	"sort"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/parser/syntax"
)

// trackKind is what a track_* block refers to.
type trackKind int

const (
	trackScript trackKind = iota
	trackInterface
	trackFile
	trackProcess
)

var trackNames = [...]string{"track script", "track interface", "track file", "track process"}

// parseTrackBlock parses a track_* block: lines "NAME [weight W
// [reverse|noreverse]]". Scripts, files and processes must be defined
// earlier in the file (reference 2.3); unknown ones are ignored.
func (b *builder) parseTrackBlock(s *syntax.Stmt, kind trackKind, owner string) []config.Track {
	if !b.needBlock(s) {
		return nil
	}
	var out []config.Track
	for _, line := range s.Block.Stmts {
		t, ok := b.trackDefault(line, kind, owner)
		if !ok {
			continue
		}
		if !b.trackWeight(line, &t, kind) {
			continue
		}
		if dupTrack(out, t.Name) {
			b.warnf(line.Pos, line.Keyword, "(%s) %s %s listed twice, ignored", owner, trackNames[kind], t.Name)
			continue
		}
		if kind == trackScript {
			b.scripts[t.Name].Used = true
		}
		out = append(out, t)
	}
	return out
}

func dupTrack(list []config.Track, name string) bool {
	for _, t := range list {
		if t.Name == name {
			return true
		}
	}
	return false
}

// trackDefault resolves the tracked object and its own weight.
func (b *builder) trackDefault(line *syntax.Stmt, kind trackKind, owner string) (config.Track, bool) {
	t := config.Track{Name: line.Keyword}
	notFound := func(names []string) (config.Track, bool) {
		if kind == trackScript && b.notes.removedScripts[line.Keyword] {
			// keepalived 2.2.7's words for a script it removed.
			b.warnf(line.Pos, line.Keyword, "(%s) track script %s not found, ignoring...", owner, line.Keyword)
			return t, false
		}
		hint := "it must be defined before it is used"
		if sug := suggest(line.Keyword, names); sug != "" {
			hint = fmt.Sprintf("did you mean '%s'?", sug)
		}
		b.warnf(line.Pos, line.Keyword, "(%s) %s %s not found, ignoring (%s)", owner, trackNames[kind], line.Keyword, hint)
		return t, false
	}
	switch kind {
	case trackScript:
		v, ok := b.scripts[t.Name]
		if !ok {
			return notFound(keysOf(b.scripts))
		}
		t.Weight, t.Reverse = v.Weight, v.Reverse
	case trackFile:
		f, ok := b.trackFiles[t.Name]
		if !ok {
			return notFound(keysOf(b.trackFiles))
		}
		t.Weight, t.Reverse = f.Weight, f.Reverse
	case trackProcess:
		p, ok := b.trackProcs[t.Name]
		if !ok {
			return notFound(keysOf(b.trackProcs))
		}
		t.Weight, t.Reverse = p.Weight, p.Reverse
	case trackInterface:
		if !b.opts.InterfaceExists(t.Name) && !b.cfg.Global.DynamicInterfaces {
			b.warnf(line.Pos, line.Keyword, "(%s) tracked interface %s doesn't exist", owner, t.Name)
			return t, false
		}
	}
	return t, true
}

// trackWeight applies "weight W [reverse|noreverse]" of one entry. Entry
// weights are -254..254, ±254 coerced to ±253 (reference 3.1).
func (b *builder) trackWeight(line *syntax.Stmt, t *config.Track, kind trackKind) bool {
	ws := words(line)
	if len(ws) == 0 {
		return true
	}
	if ws[0] != "weight" {
		b.warnf(argPos(line, 0), line.Keyword, "unknown option '%s' for %s %s, ignored", ws[0], trackNames[kind], t.Name)
		b.extraWords(line, 1)
		return true
	}
	w, ok := b.intArg(line, 1, -254, 254)
	if !ok {
		b.warnf(line.Pos, line.Keyword, "%s %s ignored", trackNames[kind], t.Name)
		return false
	}
	if w == 254 || w == -254 {
		b.warnf(argPos(line, 1), line.Keyword, "weight %d coerced to %d", w, w/254*253)
		w = w / 254 * 253
	}
	t.Weight = w
	b.extraWords(line, 3)
	if len(ws) > 2 {
		switch {
		case ws[2] == "reverse":
			t.Reverse = true
		case ws[2] == "noreverse" && kind != trackInterface:
			t.Reverse = false
		default:
			b.warnf(argPos(line, 2), line.Keyword, "unknown option '%s' for %s %s, ignored", ws[2], trackNames[kind], t.Name)
		}
	}
	return true
}

func instTrack(kind trackKind) instHandler {
	return func(b *builder, s *syntax.Stmt, in *config.Instance) {
		list := b.parseTrackBlock(s, kind, in.Name)
		switch kind {
		case trackScript:
			group(&in.Trackers).TrackScripts = append(in.TrackScripts(), list...)
		case trackInterface:
			group(&in.Trackers).TrackInterfaces = append(in.TrackInterfaces(), list...)
		case trackFile:
			group(&in.Trackers).TrackFiles = append(in.TrackFiles(), list...)
		case trackProcess:
			group(&in.Trackers).TrackProcesses = append(in.TrackProcesses(), list...)
		}
	}
}

// instUnicastPeers handles unicast_peer { IP [min_ttl N] [max_ttl N] }.
func instUnicastPeers(b *builder, s *syntax.Stmt, in *config.Instance) {
	b.inst(in).mark("unicast")
	if !b.needBlock(s) {
		return
	}
	for _, line := range s.Block.Stmts {
		p, ok := b.unicastPeer(line, in)
		if !ok {
			continue
		}
		dup := false
		for _, q := range in.UnicastPeers() {
			dup = dup || q.Addr == p.Addr
		}
		if dup {
			b.warnf(line.Pos, line.Keyword, "(%s) duplicate unicast peer %s, ignored", in.Name, p.Addr)
			continue
		}
		group(&in.Unicasting).UnicastPeers = append(in.UnicastPeers(), p)
	}
}

func (b *builder) unicastPeer(line *syntax.Stmt, in *config.Instance) (config.UnicastPeer, bool) {
	p := config.UnicastPeer{MaxTTL: 255}
	a, err := parseAddrNoZone(line.Keyword)
	if err != nil {
		b.warnf(line.Pos, line.Keyword, "(%s) invalid unicast peer address '%s', ignored", in.Name, line.Keyword)
		return p, false
	}
	if !b.instFamily(line, in, a) {
		return p, false
	}
	p.Addr = a
	ws := words(line)
	for i := 0; i < len(ws); i += 2 {
		if ws[i] != "min_ttl" && ws[i] != "max_ttl" {
			b.warnf(argPos(line, i), line.Keyword, "unknown option '%s' for unicast peer, ignored", ws[i])
			i--
			continue
		}
		n, ok := b.intArg(line, i+1, 0, 255)
		if !ok {
			continue
		}
		if ws[i] == "min_ttl" {
			p.MinTTL = n
		} else {
			p.MaxTTL = n
		}
		p.TTLSet = true
	}
	if p.MinTTL > p.MaxTTL {
		b.warnf(line.Pos, line.Keyword, "(%s) unicast peer %s: min_ttl %d above max_ttl %d, ignored", in.Name, a, p.MinTTL, p.MaxTTL)
		return p, false
	}
	return p, true
}

func parseAddrNoZone(x string) (netip.Addr, error) {
	a, err := netip.ParseAddr(x)
	if err == nil && a.Zone() != "" && a.Is4() {
		err = fmt.Errorf("invalid address %q", x)
	}
	return a.Unmap(), err
}

// keysOf returns the keys of a map, sorted.
func keysOf[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
