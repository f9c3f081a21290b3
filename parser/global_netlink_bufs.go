package parser

import (
	"strings"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/parser/syntax"
)

// globalRcvBufs: vrrp_netlink_cmd_rcv_bufs, vrrp_netlink_monitor_rcv_bufs
// and process_monitor_rcv_bufs BYTES, as keepalived 2.2.7's
// get_netlink_rcv_bufs_size reads them; 0 leaves the value as it was.
func globalRcvBufs(field func(g *config.GlobalDefs) *int) globalHandler {
	return func(b *builder, s *syntax.Stmt, g *config.GlobalDefs) {
		typ := strings.TrimSuffix(s.Keyword, "_rcv_bufs")
		v, ok := arg(s, 0)
		if !ok {
			b.warnf(s.Pos, s.Keyword, "%s_rcv_bufs size missing", typ)
			return
		}
		n, err := parseInt(v)
		if err != nil || n < 0 || n > 1<<32-1 {
			b.warnf(argPos(s, 0), s.Keyword, "%s_rcv_bufs size (%s) invalid", typ, v)
			return
		}
		if n > 0 {
			*field(g) = n
		}
		b.extraWords(s, 1)
	}
}
