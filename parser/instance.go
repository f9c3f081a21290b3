package parser

import (
	"net/netip"
	"strings"
	"time"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/parser/syntax"
)

func instState(b *builder, s *syntax.Stmt, in *config.Instance) {
	v, ok := b.strArg(s, 0)
	if !ok {
		return
	}
	var st config.State
	switch v {
	case "MASTER":
		st = config.StateMaster
	case "BACKUP":
		st = config.StateBackup
	default:
		// Values are case sensitive: "master" is BACKUP (reference 1.1).
		b.warnf(argPos(s, 0), s.Keyword, "(%s) unknown state '%s', defaulting to BACKUP", in.Name, v)
		st = config.StateBackup
	}
	if in.StateSet && in.State == config.StateMaster && st == config.StateBackup {
		b.warnf(argPos(s, 0), s.Keyword, "(%s) state BACKUP after state MASTER ignored, keeping MASTER", in.Name)
		return
	}
	in.State, in.StateSet = st, true
}

func instInterface(b *builder, s *syntax.Stmt, in *config.Instance) {
	v, ok := b.strArg(s, 0)
	if !ok {
		return
	}
	if len(v) >= 16 {
		b.warnf(argPos(s, 0), s.Keyword, "(%s) interface name '%s' too long, ignored", in.Name, v)
		return
	}
	if v == "lo" {
		b.warnf(argPos(s, 0), s.Keyword, "(%s) cannot use a loopback interface (lo) for vrrp, ignored", in.Name)
		return
	}
	if !b.opts.InterfaceExists(v) && !b.cfg.Global.DynamicInterfaces {
		b.warnf(argPos(s, 0), s.Keyword, "(%s) interface %s doesn't exist", in.Name, v)
	}
	in.Interface = v
}

func instVRID(b *builder, s *syntax.Stmt, in *config.Instance) {
	if v, ok := b.intArg(s, 0, 1, 255); ok {
		in.VRID = v
		return
	}
	b.warnf(s.Pos, s.Keyword, "(%s) VRID must be between 1 and 255", in.Name)
}

func instPriority(b *builder, s *syntax.Stmt, in *config.Instance) {
	v, ok := b.intArg(s, 0, 1, 255)
	if !ok {
		b.warnf(s.Pos, s.Keyword, "(%s) priority not valid, must be between 1 and 255, using default 100", in.Name)
		v = 100
	}
	in.Priority = v
	b.inst(in).mark("priority")
}

func instAdvertInt(b *builder, s *syntax.Stmt, in *config.Instance) {
	if d, ok := b.timerArg(s, 0, 6, 10*time.Millisecond, 255*time.Second); ok {
		in.AdvertInt = d
		b.inst(in).mark("advert_int")
	}
}

func instAuth(b *builder, s *syntax.Stmt, in *config.Instance) {
	if !b.needBlock(s) {
		return
	}
	a := &config.Auth{}
	dispatch(b, authTable, s.Block.Stmts, a)
	if a.Type == "" {
		if a.Pass != "" {
			b.warnf(s.Pos, s.Keyword, "(%s) auth_pass without auth_type, authentication ignored", in.Name)
		}
		return
	}
	if a.Pass == "" {
		b.warnf(s.Pos, s.Keyword, "(%s) %s authentication without auth_pass, ignored", in.Name, a.Type)
		return
	}
	in.Auth = b.sharedAuth(a)
	b.inst(in).mark("authentication")
}

// sharedAuth returns the Auth of an earlier instance equal to a, or a: a
// fleet's instances mostly share one password, and the model is read
// only once built.
func (b *builder) sharedAuth(a *config.Auth) *config.Auth {
	if b.auths == nil {
		b.auths = map[config.Auth]*config.Auth{}
	}
	if c, ok := b.auths[*a]; ok {
		return c
	}
	b.auths[*a] = a
	return a
}

func authType(b *builder, s *syntax.Stmt, a *config.Auth) {
	v, ok := b.strArg(s, 0)
	if !ok {
		return
	}
	if v != "PASS" && v != "AH" {
		b.warnf(argPos(s, 0), s.Keyword, "unknown authentication type '%s', expected PASS or AH", v)
		return
	}
	a.Type = v
}

func authPass(b *builder, s *syntax.Stmt, a *config.Auth) {
	v, ok := b.strArg(s, 0)
	if !ok {
		return
	}
	if len(v) > 8 {
		b.warnf(argPos(s, 0), s.Keyword, "truncating auth_pass to 8 characters")
		v = v[:8]
	}
	a.Pass = v
}

func instNotify(field func(n *config.Notifies) **config.Notify) instHandler {
	return func(b *builder, s *syntax.Stmt, in *config.Instance) {
		if c := b.command(s, true); c != nil {
			*field(group(&in.Notifies)) = c
		}
	}
}

// instNotifyDeleted: notify_deleted ["CMD" [USER]] (the script is optional).
func instNotifyDeleted(b *builder, s *syntax.Stmt, in *config.Instance) {
	group(&in.Notifies).Deleted = true
	if strings.TrimSpace(rawText(s)) == "" {
		return
	}
	if c := b.command(s, true); c != nil {
		group(&in.Notifies).DeletedCmd = c
	}
}

func instPreempt(b *builder, s *syntax.Stmt, in *config.Instance) { in.Nopreempt = false }

func instPreemptDelay(b *builder, s *syntax.Stmt, in *config.Instance) {
	if d, ok := b.timerArg(s, 0, 6, 0, 1000*time.Second); ok {
		in.PreemptDelay = d
	}
}

// instSrcIP handles unicast_src_ip (which also marks the instance as
// unicast configured) and mcast_src_ip.
func instSrcIP(unicast bool) instHandler {
	return func(b *builder, s *syntax.Stmt, in *config.Instance) {
		a, ok := b.addrArg(s, 0)
		if !ok || !b.instFamily(s, in, a) {
			return
		}
		if unicast {
			group(&in.Unicasting).UnicastSrcIP = a
			b.inst(in).mark("unicast")
		} else {
			group(&in.Unicasting).McastSrcIP = a
		}
	}
}

func instMcastDst(b *builder, s *syntax.Stmt, in *config.Instance) {
	a, ok := b.addrArg(s, 0)
	if !ok {
		return
	}
	if !a.IsMulticast() || a.Is6() && !a.IsLinkLocalMulticast() {
		b.warnf(argPos(s, 0), s.Keyword, "(%s) %s is not a usable multicast address, ignored", in.Name, a)
		return
	}
	// The group does not decide the family; finishDefaults checks it.
	in.McastDstIP = a
}

func instOldUnicastChecksum(b *builder, s *syntax.Stmt, in *config.Instance) {
	b.inst(in).mark("unicast")
	v, ok := arg(s, 0)
	switch {
	case !ok:
		group(&in.Unicasting).OldUnicastChecksum = "on"
	case v == "never":
		group(&in.Unicasting).OldUnicastChecksum = "never"
	default:
		b.warnf(argPos(s, 0), s.Keyword, "unknown option '%s', expected never", v)
	}
}

// instVersion: an explicit version conflicting with a version deduced
// from an IPv6 address is ignored; written before any address it wins
// (reference 3.9).
func instVersion(b *builder, s *syntax.Stmt, in *config.Instance) {
	v, ok := b.intArg(s, 0, 2, 3)
	if !ok {
		return
	}
	if v == 2 && in.Family == config.IPv6 {
		b.warnf(argPos(s, 0), s.Keyword, "(%s) version 2 conflicts with the IPv6 addresses configured before it, ignored", in.Name)
		return
	}
	in.Version = v
	b.inst(in).mark("version")
}

func instNativeIPv6(b *builder, s *syntax.Stmt, in *config.Instance) {
	if in.Family == config.IPv4 {
		b.warnf(s.Pos, s.Keyword, "(%s) native_ipv6 after IPv4 addresses, ignored", in.Name)
		return
	}
	in.Family = config.IPv6
	if !b.inst(in).set["version"] || in.Version == 2 {
		in.Version = 3
	}
}

func instAccept(on bool) instHandler {
	return func(b *builder, s *syntax.Stmt, in *config.Instance) {
		in.Accept = on
		b.inst(in).mark("accept")
		if !on {
			b.inst(in).mark("no_accept")
		}
	}
}

// instSkipCheckAdvAddr copies keepalived's bug: any valid value, even
// "off", turns the option on (reference 2.4).
func instSkipCheckAdvAddr(b *builder, s *syntax.Stmt, in *config.Instance) {
	if _, ok := b.boolArg(s, 0); ok {
		in.SkipCheckAdvAddr = true
		b.inst(in).mark(s.Keyword)
	}
}

// instFamily fixes the instance family from its first address and rejects
// addresses of the other family. IPv6 implies version 3 unless version 2
// was written earlier.
func (b *builder) instFamily(s *syntax.Stmt, in *config.Instance, a netip.Addr) bool {
	f := config.IPv4
	if a.Is6() {
		f = config.IPv6
	}
	if in.Family == 0 {
		in.Family = f
		if f == config.IPv6 && !b.inst(in).set["version"] {
			in.Version = 3
		}
		return true
	}
	if in.Family != f {
		b.warnf(s.Pos, s.Keyword, "(%s) address %s is not %s like the instance's first address, ignored", in.Name, a, familyName(in.Family))
		return false
	}
	return true
}

func familyName(f config.Family) string {
	if f == config.IPv6 {
		return "IPv6"
	}
	return "IPv4"
}

// buildInstance handles one vrrp_instance block.
func (b *builder) buildInstance(s *syntax.Stmt) {
	name, ok := b.nameArg(s)
	if !ok {
		return
	}
	if _, dup := b.instances[name]; dup {
		b.warnf(s.Pos, s.Keyword, "vrrp_instance %s already defined, block ignored", name)
		return
	}
	in := &config.Instance{Name: name, Priority: 100, AdvertInt: time.Second, Accept: true}
	n := b.inst(in)
	n.pos = s.Pos
	b.withContext("vrrp_instance "+name, func() {
		dispatch(b, instanceTable, s.Block.Stmts, in)
	})
	n.stmts = s.Block.Stmts
	b.instances[name] = in
	b.cfg.Instances = append(b.cfg.Instances, in)
}
