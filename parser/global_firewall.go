package parser

import (
	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/parser/syntax"
)

// defaultNftables is keepalived's table name: that of a bare nftables
// line, of vrrp_iptables, and of an instance that needs a firewall when
// none is configured.
const defaultNftables = "keepalived"

// nftMaxTableName is the kernel's NFT_TABLE_MAXNAMELEN: keepalived
// refuses a name of that length or more.
const nftMaxTableName = 256

// globalNftables: nftables [TABLE]. keepalived 2.2.7 keeps the first
// line and resets nftables_priority to -1 (a nftables_priority line
// before it is lost).
func globalNftables(b *builder, s *syntax.Stmt, g *config.GlobalDefs) {
	if g.Nftables != "" {
		b.warnf(s.Pos, s.Keyword, "nftables already specified - ignoring")
		return
	}
	name := defaultNftables
	if v, ok := arg(s, 0); ok {
		if len(v) >= nftMaxTableName {
			b.warnf(argPos(s, 0), s.Keyword, "nftables table name too long - ignoring")
			return
		}
		name = v
	}
	g.Nftables, g.NftablesPriority = name, -1
}

// globalNftablesPriority: nftables_priority PRIO, any int32.
func globalNftablesPriority(b *builder, s *syntax.Stmt, g *config.GlobalDefs) {
	text, ok := b.strArg(s, 0)
	if !ok {
		return
	}
	n, err := parseInt(text)
	if err != nil || n < -1<<31 || n > 1<<31-1 {
		b.warnf(argPos(s, 0), s.Keyword, "invalid nftables chain priority '%s'", text)
		return
	}
	g.NftablesPriority = n
}

// globalIptables: keepalived 2.2.7 as Debian builds it has no iptables
// support and maps vrrp_iptables (whatever chains it names) to nftables'
// default table, reporting it as a configuration error.
func globalIptables(b *builder, s *syntax.Stmt, g *config.GlobalDefs) {
	b.warnf(s.Pos, s.Keyword, "iptables not supported, using nftables instead. Please replace 'vrrp_iptables and 'vrrp_ipsets' with 'nftables' config option")
	g.Nftables, g.NftablesPriority = defaultNftables, -1
}

// globalVMACPrefix: vmac_prefix and vmac_addr_prefix keep their first
// value.
func globalVMACPrefix(field func(g *config.GlobalDefs) *string, what string) globalHandler {
	return func(b *builder, s *syntax.Stmt, g *config.GlobalDefs) {
		v, ok := b.strArg(s, 0)
		if !ok {
			return
		}
		if *field(g) != "" {
			b.warnf(s.Pos, s.Keyword, "%s has already been specified - ignoring %s", what, v)
			return
		}
		*field(g) = v
	}
}
