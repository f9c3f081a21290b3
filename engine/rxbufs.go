package engine

import (
	"errors"
	"fmt"
	"syscall"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/netif"
)

// applyRcvBufs sizes each VRRP socket's receive buffer as keepalived
// 2.2.7 does (vrrp_create_sockpool): the sum, over the instances sharing
// the socket, of each one's kernel_rx_buf_size, else of what
// vrrp_rx_bufs_policy gives it (a fixed size, multiplier x its advert
// length, or multiplier x its interface's MTU). A socket with nothing to
// add keeps the kernel's default; a reload that takes every contribution
// away leaves the last size (keepalived reopens its sockets, goalived
// keeps them). The caller holds e.mu.
func (e *Engine) applyRcvBufs() {
	for s, n := range rcvBufSums(e.insts, &e.cfg.Global, nil, e.host.Links) {
		if n > 0 {
			e.setRcvBuf(s, n)
		}
	}
}

// rcvBufSums sums, per socket (only the socket only, if not nil), what
// its instances add to its receive buffer. Each interface's MTU is looked
// up once: a look-up may dump every link, and hundreds of instances may
// share one interface.
func rcvBufSums(insts []*instance, g *config.GlobalDefs, only *socket, links Links) map[*socket]int {
	mtu := mtuCache{links: links, mtus: map[string]int{}}
	sums := map[*socket]int{}
	for _, in := range insts {
		if only == nil || in.sock == only {
			sums[in.sock] += rcvBufShare(in.conf(), g, &mtu)
		}
	}
	return sums
}

// setRcvBuf sets s's receive buffer to n unless it has that size (or no
// conn yet: reopen sizes the conn it opens).
func (e *Engine) setRcvBuf(s *socket, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.conn.Load()
	if c == nil || n == s.rcvBuf {
		return
	}
	if err := c.SetRcvBuf(n); err != nil {
		var errno syscall.Errno
		errors.As(err, &errno)
		e.log.Info(fmt.Sprintf("vrrp set receive socket buffer size error %d", int(errno)), "interface", s.key.ifname, "bytes", n, "err", err)
		return
	}
	s.rcvBuf = n
}

// rxBufSize is the receive buffer size last set on s (0: the default).
func (s *socket) rxBufSize() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rcvBuf
}

// rcvBufShare is what instance pin adds to its socket's receive buffer.
func rcvBufShare(pin *config.Instance, g *config.GlobalDefs, mtu *mtuCache) int {
	if pin.KernelRxBufSize() > 0 {
		return pin.KernelRxBufSize()
	}
	switch g.RxBufsPolicy {
	case config.RxBufsSize:
		return g.RxBufsBytes
	case config.RxBufsAdvert:
		return g.RxMultiplier() * advertLen(pin)
	case config.RxBufsMTU:
		return g.RxMultiplier() * mtu.of(pin.Interface)
	}
	return 0
}

// mtuCache looks each interface's MTU up once.
type mtuCache struct {
	links Links
	mtus  map[string]int
}

// of is ifname's MTU, 0 if it does not exist.
func (c *mtuCache) of(ifname string) int {
	if m, ok := c.mtus[ifname]; ok {
		return m
	}
	m := 0
	if ls, err := c.links.Link(ifname); err == nil {
		m = ls.MTU
	}
	c.mtus[ifname] = m
	return m
}

// advertLen is keepalived's vrrp_adv_len: the VRRP message, and for IPv4
// the IP header (and the AH header) in front of it.
func advertLen(pin *config.Instance) int {
	n := 0
	for _, v := range pin.VIPs {
		if v.Prefix.Addr().Is6() == (pin.Family == config.IPv6) {
			n++
		}
	}
	if pin.Family == config.IPv6 {
		return 8 + 16*n
	}
	l := 20 + 8 + 4*n
	if pin.Version == 2 {
		l += 8 // authentication data
	}
	if pin.Auth != nil && pin.Version == 2 && pin.Auth.Type == "AH" {
		l += 24 // IPsec AH header
	}
	return l
}

// netlinkBufs are the netlink receive buffers global_defs asks for. They
// are applied at start: the command socket at once, the monitor's to
// every subscription (a reload's too); a reload does not change them.
func netlinkBufs(g *config.GlobalDefs) netif.NetlinkBufs {
	return netif.NetlinkBufs{
		Cmd: g.NetlinkCmdRcvBufs, CmdForce: g.NetlinkCmdRcvBufsForce,
		Monitor: g.NetlinkMonitorRcvBufs, MonitorForce: g.NetlinkMonitorRcvBufsForce,
	}
}
