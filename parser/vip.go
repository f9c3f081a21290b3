package parser

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/parser/syntax"
)

// vipKind says where an address line comes from; the allowed options differ.
type vipKind int

const (
	vipVirtual vipKind = iota
	vipStatic
)

// parsePrefix parses ADDR[/LEN]; a bad length gives the full length with a
// warning (reference 3.13).
func (b *builder) parsePrefix(s *syntax.Stmt, text string) (netip.Prefix, bool) {
	addrText, lenText, hasLen := strings.Cut(text, "/")
	a, err := netip.ParseAddr(addrText)
	if err != nil || a.Zone() != "" {
		b.warnf(s.Pos, s.Keyword, "invalid address '%s', ignored", text)
		return netip.Prefix{}, false
	}
	a = a.Unmap()
	if !hasLen {
		return netip.PrefixFrom(a, a.BitLen()), true
	}
	n, err := strconv.Atoi(lenText)
	if err != nil || n < 0 || n > a.BitLen() {
		b.warnf(s.Pos, s.Keyword, "invalid prefix length '%s', using %d", lenText, a.BitLen())
		n = a.BitLen()
	}
	return netip.PrefixFrom(a, n), true
}

// vipValueOpts are the address-line options followed by a value.
var vipValueOpts = map[string]bool{
	"brd": true, "broadcast": true, "dev": true, "scope": true, "label": true,
	"peer": true, "preferred_lft": true, "track_group": true,
}

// parseVIP parses one address line:
// ADDR[/LEN] [brd ADDR|+|-] [dev IF] [scope S] [label L] [peer ADDR] [home]
// [-nodad] [mngtmpaddr] [noprefixroute] [autojoin] [no_track]
// [preferred_lft N|forever] [use_vmac] (static: [track_group NAME]).
func (b *builder) parseVIP(s *syntax.Stmt, kind vipKind) (config.VIP, bool) {
	p, ok := b.parsePrefix(s, s.Keyword)
	if !ok {
		return config.VIP{}, false
	}
	v := config.VIP{Prefix: p, NoDAD: p.Addr().Is6(), PreferredLft: config.LifetimeForever}
	lftSet := false
	ws := words(s)
	for i := 0; i < len(ws); i++ {
		w := ws[i]
		switch {
		case vipValueOpts[w] && i+1 >= len(ws):
			b.warnf(argPos(s, i), s.Keyword, "missing value after '%s'", w)
		case vipValueOpts[w]:
			i++
			if b.vipOption(s, i, &v, w, ws[i], kind) && w == "preferred_lft" {
				lftSet = true
			}
		case !b.vipFlag(s, i, &v, w, kind):
			b.warnf(argPos(s, i), s.Keyword, "unknown configuration entry '%s' for ip address, ignored", w)
		}
	}
	if p.Addr().Is6() && p.Bits() == 128 && !lftSet {
		// A /128 VIP is deprecated (not used as source) unless told otherwise.
		v.PreferredLft = 0
	}
	return v, true
}

// vipOption applies "w x" (x is argument i); false if x was rejected.
func (b *builder) vipOption(s *syntax.Stmt, i int, v *config.VIP, w, x string, kind vipKind) bool {
	switch w {
	case "brd", "broadcast":
		b.vipBroadcast(s, i, v, x)
	case "dev":
		if !b.opts.InterfaceExists(x) && !b.cfg.Global.DynamicInterfaces {
			b.warnf(argPos(s, i), s.Keyword, "interface %s for ip address %s doesn't exist", x, v.Prefix)
		}
		v.Dev = x
	case "scope":
		b.vipScope(s, i, v, x)
	case "label":
		b.vipLabel(s, i, v, x)
	case "peer":
		b.vipPeer(s, i, v, x)
	case "preferred_lft":
		return b.vipLifetime(s, i, v, x)
	case "track_group":
		if kind != vipStatic {
			b.warnf(argPos(s, i-1), s.Keyword, "track_group is only valid for static addresses, ignored")
			return false
		}
		b.setTrackGroup(s, &group(&v.Extra).TrackGroup, x)
	}
	return true
}

// vipFlag applies a one-word option; false if w is not one.
func (b *builder) vipFlag(s *syntax.Stmt, i int, v *config.VIP, w string, kind vipKind) bool {
	switch w {
	case "home":
		group(&v.Extra).Home = true
	case "-nodad":
		// The keyword only sets the flag mask: DAD is turned back on.
		v.NoDAD = false
	case "mngtmpaddr":
		group(&v.Extra).MngTmpAddr = true
	case "noprefixroute":
		group(&v.Extra).NoPrefixRoute = true
	case "autojoin":
		group(&v.Extra).AutoJoin = true
	case "no_track":
		// keepalived 2.2.7 takes it on a static address too: with a
		// track_group, the group's instances do not track its interface.
		v.NoTrack = true
	case "use_vmac":
		if kind == vipStatic {
			b.warnf(argPos(s, i), s.Keyword, "%s is not valid for a static address, ignored", w)
			return true
		}
		v.UseVMAC = true
	default:
		return false
	}
	return true
}

func (b *builder) vipBroadcast(s *syntax.Stmt, i int, v *config.VIP, x string) {
	if v.Prefix.Addr().Is6() {
		b.warnf(argPos(s, i), s.Keyword, "broadcast is IPv4 only, ignored")
		return
	}
	a4 := v.Prefix.Addr().As4()
	host := uint32(1)<<(32-v.Prefix.Bits()) - 1
	if v.Prefix.Bits() == 0 {
		host = ^uint32(0)
	}
	n := uint32(a4[0])<<24 | uint32(a4[1])<<16 | uint32(a4[2])<<8 | uint32(a4[3])
	switch x {
	case "+":
		n |= host
	case "-":
		n &^= host
	default:
		a, err := netip.ParseAddr(x)
		if err != nil || !a.Is4() {
			b.warnf(argPos(s, i), s.Keyword, "invalid broadcast address '%s', ignored", x)
			return
		}
		group(&v.Extra).Broadcast = a
		return
	}
	group(&v.Extra).Broadcast = netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)})
}

func (b *builder) vipScope(s *syntax.Stmt, i int, v *config.VIP, x string) {
	if v.Prefix.Addr().Is6() {
		b.warnf(argPos(s, i), s.Keyword, "scope is IPv4 only, ignored")
		return
	}
	switch x {
	case "global", "site", "link", "host", "nowhere":
		group(&v.Extra).Scope = x
	default:
		if n, err := strconv.Atoi(x); err == nil && n >= 0 && n <= 255 {
			group(&v.Extra).Scope = x
			return
		}
		b.warnf(argPos(s, i), s.Keyword, "invalid scope '%s', ignored", x)
	}
}

func (b *builder) vipLabel(s *syntax.Stmt, i int, v *config.VIP, x string) {
	switch {
	case v.Prefix.Addr().Is6():
		b.warnf(argPos(s, i), s.Keyword, "label is IPv4 only, ignored")
	case len(x) >= 16:
		b.warnf(argPos(s, i), s.Keyword, "label '%s' too long (max 15 characters), ignored", x)
	default:
		group(&v.Extra).Label = x
	}
}

func (b *builder) vipPeer(s *syntax.Stmt, i int, v *config.VIP, x string) {
	addrText, lenText, hasLen := strings.Cut(x, "/")
	a, err := netip.ParseAddr(addrText)
	if err != nil || a.Is6() != v.Prefix.Addr().Is6() {
		b.warnf(argPos(s, i), s.Keyword, "invalid peer address '%s', ignored", x)
		return
	}
	bits := a.BitLen()
	if hasLen {
		if n, err := strconv.Atoi(lenText); err == nil && n >= 0 && n <= bits {
			bits = n
		}
	}
	group(&v.Extra).Peer = netip.PrefixFrom(a, bits)
}

func (b *builder) vipLifetime(s *syntax.Stmt, i int, v *config.VIP, x string) bool {
	if x == "forever" {
		v.PreferredLft = config.LifetimeForever
		return true
	}
	n, err := strconv.ParseUint(x, 10, 32)
	if err != nil {
		b.warnf(argPos(s, i), s.Keyword, "invalid preferred_lft '%s', ignored", x)
		return false
	}
	v.PreferredLft = uint32(n)
	return true
}

// instVIPs handles virtual_ipaddress and virtual_ipaddress_excluded.
func instVIPs(excluded bool) instHandler {
	return func(b *builder, s *syntax.Stmt, in *config.Instance) {
		if !b.needBlock(s) {
			return
		}
		for _, line := range s.Block.Stmts {
			v, ok := b.parseVIP(line, vipVirtual)
			if !ok {
				continue
			}
			if !excluded && !b.instFamily(line, in, v.Prefix.Addr()) {
				continue
			}
			if dupVIP(in.VIPs, v) || dupVIP(in.ExcludedVIPs(), v) {
				// keepalived 2.2.7 drops it without a word: a note.
				b.notef(line.Pos, line.Keyword, "(%s) duplicate address %s, ignored", in.Name, v.Prefix)
				continue
			}
			if excluded {
				group(&in.Items).ExcludedVIPs = append(in.ExcludedVIPs(), v)
			} else {
				in.VIPs = append(in.VIPs, v)
			}
		}
	}
}

func dupVIP(list []config.VIP, v config.VIP) bool {
	for _, x := range list {
		if x.Prefix.Addr() == v.Prefix.Addr() && x.Dev == v.Dev {
			return true
		}
	}
	return false
}

// buildStaticAddresses handles static_ipaddress.
func (b *builder) buildStaticAddresses(s *syntax.Stmt) {
	if !b.needBlock(s) {
		return
	}
	for _, line := range s.Block.Stmts {
		if v, ok := b.parseVIP(line, vipStatic); ok {
			b.staticAddrPos = append(b.staticAddrPos, line.Pos)
			b.cfg.StaticAddresses = append(b.cfg.StaticAddresses, v)
		}
	}
}
