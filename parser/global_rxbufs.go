package parser

import (
	"strings"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/parser/syntax"
)

// globalRxBufsPolicy: vrrp_rx_bufs_policy MTU|ADVERT|BYTES as keepalived
// 2.2.7's handler reads it. Words (case-insensitive) accumulate over the
// line and over earlier lines; a number is read from the first word
// whatever word is being looked at (keepalived's read_unsigned_strvec(strvec,
// 1, ...)). A size wins over MTU and ADVERT, MTU over ADVERT, each
// reported.
func globalRxBufsPolicy(b *builder, s *syntax.Stmt, g *config.GlobalDefs) {
	if len(s.Args) == 0 {
		b.warnf(s.Pos, s.Keyword, "vrrp_rx_bufs_policy missing")
		return
	}
	mtu, advert, size := g.RxBufsPolicy == config.RxBufsMTU, g.RxBufsPolicy == config.RxBufsAdvert, g.RxBufsPolicy == config.RxBufsSize
	for i, a := range s.Args {
		switch {
		case strings.EqualFold(a.Text, "MTU"):
			mtu = true
		case strings.EqualFold(a.Text, "ADVERT"):
			advert = true
		default:
			n, err := parseInt(s.Args[0].Text)
			if err != nil || n < 0 || n > 1<<32-1 {
				b.warnf(argPos(s, i), s.Keyword, "Invalid vrrp_rx_bufs_policy %s", a.Text)
				continue
			}
			g.RxBufsBytes, size = n, true
		}
	}
	switch {
	case size && (mtu || advert):
		b.warnf(s.Pos, s.Keyword, "Cannot set vrrp_rx_bufs_policy size and policy, ignoring policy")
		g.RxBufsPolicy = config.RxBufsSize
	case size:
		g.RxBufsPolicy = config.RxBufsSize
	case mtu && advert:
		b.warnf(s.Pos, s.Keyword, "Cannot set both vrrp_rx_bufs_policy MTU and ADVERT, ignoring ADVERT")
		g.RxBufsPolicy = config.RxBufsMTU
	case mtu:
		g.RxBufsPolicy = config.RxBufsMTU
	case advert:
		g.RxBufsPolicy = config.RxBufsAdvert
	}
}

// globalRxBufsMultiplier: vrrp_rx_bufs_multiplier N, N >= 1 (default 3).
func globalRxBufsMultiplier(b *builder, s *syntax.Stmt, g *config.GlobalDefs) {
	if len(s.Args) != 1 {
		b.warnf(s.Pos, s.Keyword, "Invalid vrrp_rx_bufs_multiplier")
		return
	}
	n, err := parseInt(s.Args[0].Text)
	if err != nil || n < 1 || n > 1<<32-1 {
		b.warnf(argPos(s, 0), s.Keyword, "Invalid vrrp_rx_bufs_multiplier %s", s.Args[0].Text)
		return
	}
	g.RxBufsMultiplier = n
}
