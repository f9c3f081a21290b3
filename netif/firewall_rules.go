package netif

import (
	"github.com/google/nftables"
	"github.com/google/nftables/binaryutil"
	"github.com/google/nftables/expr"
	"golang.org/x/sys/unix"
)

// fwFeatures are the parts of keepalived's table that exist in one
// family. keepalived 2.2.7 creates each part the first time it needs it
// and keeps it, empty, until it stops; so does the Firewall.
type fwFeatures struct {
	vmac    bool // VMAC IGMP/MLD report redirection (vmac_map, vmac_set)
	vips    bool // in/out drop rules on the vips set (and, IPv6, ND accept)
	llName  bool // IPv6: vips_link_local_name (address . ifname)
	llIndex bool // IPv6: vips_link_local (address . ifindex)
}

func (f fwFeatures) any() bool { return f.vmac || f.vips || f.llName || f.llIndex }

func (f fwFeatures) union(g fwFeatures) fwFeatures {
	return fwFeatures{f.vmac || g.vmac, f.vips || g.vips, f.llName || g.llName, f.llIndex || g.llIndex}
}

// fwTable is one family's table as keepalived builds it, in its creation
// order: sets, chains and rules, ready for an nftables batch.
type fwTable struct {
	table  *nftables.Table
	chains []*nftables.Chain
	sets   []*nftables.Set
	rules  []*nftables.Rule
}

// Names keepalived 2.2.7 gives its chains and sets.
const (
	setVIPs        = "vips"
	setND          = "neighbor-discovery"
	setLLName      = "vips_link_local_name"
	setLLIndex     = "vips_link_local"
	setVMACMap     = "vmac_map"
	setVMACSet     = "vmac_set"
	chainIn        = "in"
	chainOut       = "out"
	chainInLL      = "in_link_local"
	chainOutLL     = "out_link_local"
	icmpv6NS       = 135
	icmpv6NA       = 136
	icmpv6RS       = 133
	icmpv6MLD2Rep  = 143
	metaKeyOIFKIND = expr.MetaKey(27) // NFT_META_OIFKIND, not in x/sys/unix
)

// buildTable returns the table of one family (v6: ip6, else ip) with the
// given features, following vrrp_nftables.c: chain "out" (hook output)
// with the table; the VMAC map and its rules; then chain "in" (hook
// input), the vips set and its drop rules; then the link-local sets.
// Both base chains are "type filter", policy accept, at cfg's priority
// (keepalived's default -1: before other filter chains).
func buildTable(cfg FirewallConfig, v6 bool, f fwFeatures) *fwTable {
	fam := nftables.TableFamilyIPv4
	if v6 {
		fam = nftables.TableFamilyIPv6
	}
	b := &fwBuilder{cfg: cfg, v6: v6, t: &fwTable{table: &nftables.Table{Name: cfg.table(), Family: fam}}}
	out := b.baseChain(chainOut, nftables.ChainHookOutput)
	if f.vmac {
		b.vmacRules(out)
	}
	if f.vips || f.llName || f.llIndex {
		b.vipRules(out)
	}
	if v6 && f.llName {
		b.linkLocalRules(setLLName, true)
	}
	if v6 && f.llIndex {
		b.linkLocalRules(setLLIndex, false)
	}
	return b.t
}

type fwBuilder struct {
	cfg FirewallConfig
	v6  bool
	t   *fwTable
	id  uint32
}

func (b *fwBuilder) baseChain(name string, hook *nftables.ChainHook) *nftables.Chain {
	prio := nftables.ChainPriority(b.cfg.priority())
	c := &nftables.Chain{Name: name, Table: b.t.table, Type: nftables.ChainTypeFilter, Hooknum: hook,
		Priority: &prio, Policy: ptr(nftables.ChainPolicyAccept)}
	b.t.chains = append(b.t.chains, c)
	return c
}

func (b *fwBuilder) chain(name string) *nftables.Chain {
	c := &nftables.Chain{Name: name, Table: b.t.table}
	b.t.chains = append(b.t.chains, c)
	return c
}

func (b *fwBuilder) set(s *nftables.Set) *nftables.Set {
	b.id++
	s.Table, s.ID = b.t.table, b.id
	b.t.sets = append(b.t.sets, s)
	return s
}

func (b *fwBuilder) rule(c *nftables.Chain, exprs ...expr.Any) {
	b.t.rules = append(b.t.rules, &nftables.Rule{Table: b.t.table, Chain: c, Exprs: exprs})
}

// verdict ends a rule: keepalived puts its counter (nftables_counters)
// just before the verdict.
func (b *fwBuilder) verdict(v expr.Any) []expr.Any {
	if b.cfg.Counters {
		return []expr.Any{&expr.Counter{}, v}
	}
	return []expr.Any{v}
}

// vmacRules: IGMP (IPv4) or MLDv2 reports (IPv6) that the kernel sends
// from a VMAC are duplicated out of its base interface and dropped, so
// that the switch never learns the virtual MAC from a backup's reports;
// IPv6 router solicitations from a VMAC are dropped.
//
//	ip protocol igmp meta oifkind "macvlan" dup to ip daddr device oif map @vmac_map drop
//	icmpv6 type mld2-listener-report meta oifkind "macvlan" dup to ip6 daddr device oif map @vmac_map drop
//	icmpv6 type nd-router-solicit meta oifkind "macvlan" oif @vmac_set drop
func (b *fwBuilder) vmacRules(out *nftables.Chain) {
	vmap := b.set(&nftables.Set{Name: setVMACMap, KeyType: nftables.TypeIFIndex, DataType: nftables.TypeIFIndex, IsMap: true, KeyByteOrder: binaryutil.NativeEndian})
	dup := []expr.Any{
		&expr.Lookup{SourceRegister: 2, DestRegister: 2, IsDestRegSet: true, SetName: vmap.Name, SetID: vmap.ID},
		&expr.Dup{RegAddr: 1, RegDev: 2, IsRegDevSet: true},
	}
	drop := b.verdict(&expr.Verdict{Kind: expr.VerdictDrop})
	if !b.v6 {
		igmp := []expr.Any{payload(9, 1), cmpEq(1, []byte{unix.IPPROTO_IGMP}), payload(16, 4)}
		b.rule(out, concat(igmp, oifMacvlan(), dup, drop)...)
		return
	}
	vset := b.set(&nftables.Set{Name: setVMACSet, KeyType: nftables.TypeIFIndex, KeyByteOrder: binaryutil.NativeEndian})
	b.rule(out, concat(icmpv6Type(icmpv6MLD2Rep), []expr.Any{payload(24, 16)}, oifMacvlan(), dup, drop)...)
	inSet := []expr.Any{&expr.Lookup{SourceRegister: 2, SetName: vset.Name, SetID: vset.ID}}
	b.rule(out, concat(icmpv6Type(icmpv6RS), oifMacvlan(), inSet, drop)...)
}

func concat(parts ...[]expr.Any) []expr.Any {
	var out []expr.Any
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// icmpv6Type matches one ICMPv6 type the way keepalived's VMAC rules do
// (meta l4proto, then the type byte).
func icmpv6Type(typ byte) []expr.Any {
	return []expr.Any{
		&expr.Meta{Key: expr.MetaKeyL4PROTO, Register: 1}, cmpEq(1, []byte{unix.IPPROTO_ICMPV6}),
		&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseTransportHeader, Offset: 0, Len: 1}, cmpEq(1, []byte{typ}),
	}
}

// oifMacvlan: meta oifkind "macvlan", then the output ifindex in reg 2.
func oifMacvlan() []expr.Any {
	kind := make([]byte, 16)
	copy(kind, "macvlan")
	return []expr.Any{
		&expr.Meta{Key: metaKeyOIFKIND, Register: 2}, cmpEq(2, kind),
		&expr.Meta{Key: expr.MetaKeyOIF, Register: 2},
	}
}

// vipRules: Accept_Mode False. IPv4:
//
//	chain in  { ip daddr @vips drop }
//	chain out { ip saddr @vips drop }
//
// IPv6 lets neighbour discovery through (the master must still answer
// NS for its VIPs), sends link-local addresses to their own chains
// (the same fe80:: address may be a VIP on one link and not another),
// and drops the global VIPs:
//
//	icmpv6 type @neighbor-discovery accept
//	ip6 daddr fe80::/10 goto in_link_local
//	ip6 daddr @vips drop
func (b *fwBuilder) vipRules(out *nftables.Chain) {
	in := b.baseChain(chainIn, nftables.ChainHookInput)
	var inLL, outLL *nftables.Chain
	if b.v6 {
		inLL, outLL = b.chain(chainInLL), b.chain(chainOutLL)
	}
	key, daddr, saddr := nftables.TypeIPAddr, uint32(16), uint32(12)
	if b.v6 {
		key, daddr, saddr = nftables.TypeIP6Addr, 24, 8
	}
	vips := b.set(&nftables.Set{Name: setVIPs, KeyType: key})
	drop := func(off uint32) []expr.Any {
		return append([]expr.Any{payload(off, key.Bytes), &expr.Lookup{SourceRegister: 1, SetName: vips.Name, SetID: vips.ID}},
			b.verdict(&expr.Verdict{Kind: expr.VerdictDrop})...)
	}
	if !b.v6 {
		b.rule(in, drop(daddr)...)
		b.rule(out, drop(saddr)...)
		return
	}
	nd := b.set(&nftables.Set{Name: setND, KeyType: nftables.TypeICMP6Type, Constant: true})
	ndAccept := append([]expr.Any{payload(6, 1), cmpEq(1, []byte{unix.IPPROTO_ICMPV6}),
		&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseTransportHeader, Offset: 0, Len: 1},
		&expr.Lookup{SourceRegister: 1, SetName: nd.Name, SetID: nd.ID}}, b.verdict(&expr.Verdict{Kind: expr.VerdictAccept})...)
	toLL := func(off uint32, c *nftables.Chain) []expr.Any {
		mask, fe80 := make([]byte, 16), make([]byte, 16)
		mask[0], mask[1], fe80[0], fe80[1] = 0xff, 0xc0, 0xfe, 0x80
		return append([]expr.Any{payload(off, 16),
			&expr.Bitwise{SourceRegister: 1, DestRegister: 1, Len: 16, Mask: mask, Xor: make([]byte, 16)},
			cmpEq(1, fe80)}, b.verdict(&expr.Verdict{Kind: expr.VerdictGoto, Chain: c.Name})...)
	}
	b.rule(in, ndAccept...)
	b.rule(in, toLL(daddr, inLL)...)
	b.rule(out, ndAccept...)
	b.rule(out, toLL(saddr, outLL)...)
	b.rule(in, drop(daddr)...)
	b.rule(out, drop(saddr)...)
}

// linkLocalRules: an IPv6 link-local VIP is dropped only on its own
// interface, matched by name (byName) or by index:
//
//	chain in_link_local  { ip6 daddr . iif @vips_link_local drop }
//	chain out_link_local { ip6 saddr . oif @vips_link_local drop }
func (b *fwBuilder) linkLocalRules(name string, byName bool) {
	ifType, inKey, outKey := nftables.TypeIFIndex, expr.MetaKeyIIF, expr.MetaKeyOIF
	if byName {
		ifType, inKey, outKey = nftables.TypeIFName, expr.MetaKeyIIFNAME, expr.MetaKeyOIFNAME
	}
	key, _ := nftables.ConcatSetType(nftables.TypeIP6Addr, ifType)
	s := b.set(&nftables.Set{Name: name, KeyType: key})
	in, out := b.findChain(chainInLL), b.findChain(chainOutLL)
	for _, r := range []struct {
		c   *nftables.Chain
		off uint32
		key expr.MetaKey
	}{{in, 24, inKey}, {out, 8, outKey}} {
		b.rule(r.c, append([]expr.Any{payload(r.off, 16), &expr.Meta{Key: r.key, Register: 2},
			&expr.Lookup{SourceRegister: 1, SetName: s.Name, SetID: s.ID}}, b.verdict(&expr.Verdict{Kind: expr.VerdictDrop})...)...)
	}
}

func (b *fwBuilder) findChain(name string) *nftables.Chain {
	for _, c := range b.t.chains {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func payload(off, n uint32) *expr.Payload {
	return &expr.Payload{DestRegister: 1, Base: expr.PayloadBaseNetworkHeader, Offset: off, Len: n}
}

func cmpEq(reg uint32, data []byte) *expr.Cmp {
	return &expr.Cmp{Op: expr.CmpOpEq, Register: reg, Data: data}
}

func ptr[T any](v T) *T { return &v }
