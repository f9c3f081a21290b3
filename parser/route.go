package parser

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/parser/syntax"
)

// routeValueOpts are ip-route options followed by one value that goalived
// keeps only in Words.
var routeValueOpts = map[string]bool{
	"mtu": true, "advmss": true, "realms": true, "tos": true, "dsfield": true, "expires": true,
	"rtt": true, "rttvar": true, "reordering": true, "window": true, "cwnd": true, "initcwnd": true,
	"initrwnd": true, "ssthresh": true, "hoplimit": true, "features": true, "quickack": true,
	"congctl": true, "rto_min": true, "fastopen_no_cookie": true, "pref": true, "or": true,
	"weight": true, "ttl-propagate": true,
}

var routeTypes = map[string]bool{
	"unicast": true, "blackhole": true, "unreachable": true, "prohibit": true, "throw": true,
	"local": true, "broadcast": true, "anycast": true, "multicast": true, "nat": true,
}

// routeWords returns the keyword and arguments of a list line as one slice.
func lineWords(s *syntax.Stmt) []string {
	return append([]string{s.Keyword}, words(s)...)
}

// parseNetPrefix parses a route/rule destination: PREFIX, ADDR, "default"
// or "all" (the zero prefix, family fixed later).
func parseNetPrefix(x string) (netip.Prefix, bool) {
	if x == "default" || x == "all" {
		return netip.Prefix{}, true
	}
	if strings.Contains(x, "/") {
		p, err := netip.ParsePrefix(x)
		return p, err == nil
	}
	a, err := netip.ParseAddr(x)
	if err != nil {
		return netip.Prefix{}, false
	}
	return netip.PrefixFrom(a, a.BitLen()), true
}

// parseRoute parses one virtual_routes / static_routes line. Unparsable
// lines are dropped with a warning; options goalived does not interpret
// are kept in Words.
func (b *builder) parseRoute(s *syntax.Stmt, static bool) (config.Route, bool) {
	ws := lineWords(s)
	r := config.Route{Words: ws}
	haveDst, isDefault, dstWord := false, false, ""
	for i := 0; i < len(ws); i++ {
		w := ws[i]
		b.deprecatedRouteWord(s, w)
		switch {
		case w == "nexthop" || w == "encap":
			// Multipath and encapsulation details are kept in Words only.
			i = len(ws)
		case w == "no_track":
			r.NoTrack = true
		case w == "onlink" || w == "append" || w == "prepend" || w == "lock" || w == "to":
		case routeValueOpts[w] || routeKeyOpts[w]:
			if i+1 >= len(ws) {
				b.warnf(s.Pos, s.Keyword, "missing value after '%s' in route", w)
				continue
			}
			i++
			if !b.routeOption(s, &r, w, ws[i], static) {
				return r, false
			}
		case routeTypes[w] && !haveDst:
			r.Type = w
		case !haveDst:
			p, ok := parseNetPrefix(w)
			if !ok {
				b.warnf(s.Pos, s.Keyword, "invalid route destination '%s', route ignored", w)
				return r, false
			}
			r.Dst, haveDst, isDefault, dstWord = p, true, w == "default" || w == "all", w
		default:
			b.warnf(s.Pos, s.Keyword, "unknown route option '%s', ignored", w)
		}
	}
	if !haveDst {
		b.warnf(s.Pos, s.Keyword, "route without destination, ignored")
		return r, false
	}
	b.finishRoute(s, &r, dstWord, static, isDefault)
	return r, true
}

// deprecatedRouteWord reports the iproute words keepalived 2.2.7 still
// takes but calls deprecated (observed with -t).
func (b *builder) deprecatedRouteWord(s *syntax.Stmt, w string) {
	switch w {
	case "or":
		b.warnf(s.Pos, s.Keyword, "\"or\" for routes is deprecated, use \"nexthop\"")
	case "gw":
		b.warnf(s.Pos, s.Keyword, "\"gw\" for routes is deprecated, use \"via\"")
	}
}

// routeKeyOpts are the ip-route options with a value that Route models.
var routeKeyOpts = map[string]bool{
	"src": true, "via": true, "gw": true, "dev": true, "oif": true, "table": true, "metric": true,
	"priority": true, "preference": true, "scope": true, "proto": true, "protocol": true, "track_group": true,
}

// routeOption applies "w x"; false means the route is dropped.
func (b *builder) routeOption(s *syntax.Stmt, r *config.Route, w, x string, static bool) bool {
	switch w {
	case "src", "via", "gw":
		a, err := netip.ParseAddr(x)
		if err != nil {
			b.warnf(s.Pos, s.Keyword, "invalid address '%s' in route, route ignored", x)
			return false
		}
		if w == "src" {
			r.Src = a
		} else {
			r.Via = a
		}
	case "dev", "oif":
		r.Dev = x
	case "table":
		r.Table = x
	case "metric", "priority", "preference":
		n, err := strconv.ParseUint(x, 10, 32)
		if err != nil {
			b.warnf(s.Pos, s.Keyword, "invalid metric '%s' in route, ignored", x)
			return true
		}
		r.Metric = int(n)
	case "scope":
		r.Scope = x
	case "proto", "protocol":
		r.Protocol = x
	case "track_group":
		if !static {
			b.warnf(s.Pos, s.Keyword, "track_group is only valid for static routes, ignored")
			return true
		}
		b.setTrackGroup(s, &r.TrackGroup, x)
	}
	return true
}

// finishRoute resolves "default" and route tracking. dst is the
// destination as written, which keepalived's message names.
func (b *builder) finishRoute(s *syntax.Stmt, r *config.Route, dst string, static, isDefault bool) {
	if r.Dev == "" && !r.NoTrack && !static {
		// keepalived tracks a route through its interface (reference 2.4).
		b.warnf(s.Pos, s.Keyword, "cannot track route %s with no interface specified, not tracking", dst)
		r.NoTrack = true
	}
	if r.TrackGroup != "" && r.Dev == "" {
		// keepalived 2.2.7 tracks a static route through its device only.
		b.warnf(s.Pos, s.Keyword, "Static route cannot have track group if no oif specified")
		r.TrackGroup = ""
	}
	if isDefault {
		r.Dst = netip.PrefixFrom(netip.IPv4Unspecified(), 0)
		if r.Via.Is6() || r.Src.Is6() {
			r.Dst = netip.PrefixFrom(netip.IPv6Unspecified(), 0)
		}
	}
}

// parseRule parses one virtual_rules / static_rules line (ip rule syntax).
func (b *builder) parseRule(s *syntax.Stmt, static bool) (config.Rule, bool) {
	ws := lineWords(s)
	r := config.Rule{Words: ws}
	prefSet := false
	for i := 0; i < len(ws); i++ {
		w := ws[i]
		if isRuleFlag(w) {
			r.NoTrack = r.NoTrack || w == "no_track"
			continue
		}
		if i+1 >= len(ws) {
			b.warnf(s.Pos, s.Keyword, "missing value after '%s' in rule, rule ignored", w)
			return r, false
		}
		i++
		x := ws[i]
		if !b.ruleOption(s, &r, w, x, static) {
			return r, false
		}
		prefSet = prefSet || isRulePreference(w)
	}
	if !r.From.IsValid() && !r.To.IsValid() && r.IIF == "" && r.OIF == "" && r.FWMark == "" && r.Table == "" {
		b.warnf(s.Pos, s.Keyword, "rule without selector or action, ignored")
		return r, false
	}
	if r.TrackGroup != "" && r.IIF == "" {
		// keepalived 2.2.7 tracks a static rule through its iif only.
		b.warnf(s.Pos, s.Keyword, "Static rule cannot have track_group if dev/iif not specified")
		r.TrackGroup = ""
	}
	if !prefSet {
		b.defaultRulePreference(s, &r)
	}
	return r, true
}

// defaultRulePreference gives a rule without preference the next one of
// its family counting down from 16384, as keepalived 2.2.7 does (observed:
// IPv4 and IPv6 rules count separately, static and virtual rules share
// the counters, rules with a preference take none).
func (b *builder) defaultRulePreference(s *syntax.Stmt, r *config.Rule) {
	next := &b.nextRulePref4
	if r.From.Addr().Is6() || r.To.Addr().Is6() {
		next = &b.nextRulePref6
	}
	if *next == 0 {
		*next = 16384
	}
	r.Preference = *next
	*next--
	b.warnf(s.Pos, s.Keyword, "rule has no preference specified, setting it to %d: this is probably not what you want", r.Preference)
}

func isRulePreference(w string) bool {
	switch w {
	case "preference", "priority", "order", "pref", "prio":
		return true
	}
	return false
}

func isRuleFlag(w string) bool {
	switch w {
	case "no_track", "l3mdev", "not", "blackhole", "unreachable", "prohibit", "nop":
		return true
	}
	return false
}

// ruleOption applies "w x"; false means the rule is dropped.
func (b *builder) ruleOption(s *syntax.Stmt, r *config.Rule, w, x string, static bool) bool {
	switch w {
	case "from", "to":
		p, ok := parseNetPrefix(x)
		if !ok {
			b.warnf(s.Pos, s.Keyword, "invalid address '%s' in rule, rule ignored", x)
			return false
		}
		if w == "from" {
			r.From = p
		} else {
			r.To = p
		}
	case "table", "lookup":
		r.Table = x
	case "preference", "priority", "order", "pref", "prio": // isRulePreference
		n, err := strconv.ParseUint(x, 10, 32)
		if err != nil {
			b.warnf(s.Pos, s.Keyword, "invalid preference '%s' in rule, rule ignored", x)
			return false
		}
		r.Preference = int(n)
	case "iif", "dev":
		r.IIF = x
	case "oif":
		r.OIF = x
	case "fwmark":
		r.FWMark = x
	case "track_group":
		if !static {
			b.warnf(s.Pos, s.Keyword, "track_group is only valid for static rules, ignored")
			return true
		}
		b.setTrackGroup(s, &r.TrackGroup, x)
	case "tos", "dsfield", "uidrange", "protocol", "ipproto", "sport", "dport", "goto",
		"realms", "suppress_prefixlength", "suppress_ifgroup", "nat", "map-to":
	default:
		b.warnf(s.Pos, s.Keyword, "unknown rule option '%s', ignored", w)
	}
	return true
}

func instRoutes(b *builder, s *syntax.Stmt, in *config.Instance) {
	if !b.needBlock(s) {
		return
	}
	for _, line := range s.Block.Stmts {
		if r, ok := b.parseRoute(line, false); ok {
			group(&in.Items).Routes = append(in.Routes(), r)
		}
	}
}

func instRules(b *builder, s *syntax.Stmt, in *config.Instance) {
	if !b.needBlock(s) {
		return
	}
	for _, line := range s.Block.Stmts {
		if r, ok := b.parseRule(line, false); ok {
			group(&in.Items).Rules = append(in.Rules(), r)
		}
	}
}

func (b *builder) buildStaticRoutes(s *syntax.Stmt) {
	if !b.needBlock(s) {
		return
	}
	for _, line := range s.Block.Stmts {
		if r, ok := b.parseRoute(line, true); ok {
			b.cfg.StaticRoutes = append(b.cfg.StaticRoutes, r)
		}
	}
}

func (b *builder) buildStaticRules(s *syntax.Stmt) {
	if !b.needBlock(s) {
		return
	}
	for _, line := range s.Block.Stmts {
		if r, ok := b.parseRule(line, true); ok {
			b.cfg.StaticRules = append(b.cfg.StaticRules, r)
		}
	}
}
