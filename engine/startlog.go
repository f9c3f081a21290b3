package engine

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"syscall"
	"time"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/engine/kalog"
	"github.com/goalived/goalived/engine/track"
	"github.com/goalived/goalived/netif"
	"github.com/goalived/goalived/script"
	"github.com/goalived/goalived/vrrp"
)

// The lines keepalived 2.2.7's VRRP child writes as it starts and
// reloads, before and after its instances' first states (observed with
// -D):
//
//	Registering Kernel netlink reflector                          (-D, start)
//	Registering Kernel netlink command channel                    (-D, start)
//	Script user 'keepalived_script' does not exist
//	VRRP_Script(chk) considered successful on reload              (reload)
//	SECURITY VIOLATION - scripts are being executed but script_security not enabled.
//	Assigned address 192.0.2.11 for interface eth0                (-D)
//	Registering gratuitous ARP shared channel                     (-D, start)
//	(VI_1) removing VIPs.                                         (-D, start)
//	(VI_1) Entering BACKUP STATE (init)                           (start)
//	(VI_1) setting VIPs.                                          (-D, reload, masters)
//	VRRP sockpool: [ifindex(  2), family(IPv4), proto(112), fd(14,15) multicast, address(224.0.0.18)] (-D)

func (e *Engine) detail(msg string, args ...any) {
	e.log.Log(context.Background(), kalog.LevelDetail, msg, args...)
}

// logNetlink is the netlink sockets' registration.
func (e *Engine) logNetlink() {
	e.detail("Registering Kernel netlink reflector")
	e.detail("Registering Kernel netlink command channel")
}

// logScripts says that scripts run as the daemon's user because the
// default script user does not exist, and that they run without
// enable_script_security, as keepalived does at each (re)load. carried
// are the conditions of the scripts a reload keeps (nil at start),
// written between the two as keepalived does.
func (e *Engine) logScripts(cfg *config.Config, carried map[string]script.Condition) {
	cmds := scriptCommands(cfg)
	if cfg.Global.ScriptUser == nil && slices.ContainsFunc(cmds, func(c *config.Command) bool { return c.User == "" }) {
		if _, err := e.host.Scripts.LookupIdentity(script.DefaultScriptUser, ""); err != nil {
			e.log.Info(fmt.Sprintf("Script user '%s' does not exist", script.DefaultScriptUser))
		}
	}
	for _, s := range cfg.Scripts {
		switch c, ok := carried[s.Name]; {
		case ok && c == script.Up:
			e.log.Info(fmt.Sprintf("VRRP_Script(%s) considered successful on reload", s.Name))
		case ok && c == script.Down:
			e.log.Info(fmt.Sprintf("VRRP_Script(%s) considered unsuccessful on reload", s.Name))
		}
	}
	if !cfg.Global.EnableScriptSecurity && len(cmds) > 0 {
		e.log.Info("SECURITY VIOLATION - scripts are being executed but script_security not enabled.")
	}
}

// scriptCommands are the scripts the VRRP side runs: used checks, the
// instances' and sync groups' notify scripts and the FIFO readers.
func scriptCommands(cfg *config.Config) []*config.Command {
	var out []*config.Command
	add := func(cs ...*config.Command) {
		for _, c := range cs {
			if c != nil {
				out = append(out, c)
			}
		}
	}
	for _, s := range cfg.Scripts {
		if s.Used {
			add(s.Script)
		}
	}
	notifies := func(n *config.Notifies) {
		add(n.Master, n.Backup, n.Fault, n.Stop, n.Generic, n.DeletedCmd, n.MasterRxLowerPri)
	}
	for _, in := range cfg.Instances {
		notifies(in.Notify())
	}
	for _, g := range cfg.SyncGroups {
		notifies(&g.Notify)
	}
	for _, f := range []*config.FIFO{cfg.Global.NotifyFIFO, cfg.Global.VRRPNotifyFIFO} {
		if f != nil {
			add(f.Script)
		}
	}
	return out
}

// logAssigned names the first IPv4 address and the IPv6 link-local
// address of each interface the instances use or track, in the order of
// their indexes, as keepalived learns them ("Assigned address").
func (e *Engine) logAssigned(cfg *config.Config) {
	if !e.log.Enabled(context.Background(), kalog.LevelDetail) {
		return
	}
	used := map[string]bool{}
	for _, in := range cfg.Instances {
		used[in.Interface] = true
		for _, t := range in.TrackInterfaces() {
			used[t.Name] = true
		}
	}
	links, err := e.host.Links.Links()
	if err != nil {
		return
	}
	slices.SortFunc(links, func(a, b netif.LinkInfo) int { return cmp.Compare(a.Index, b.Index) })
	for _, l := range links {
		if !used[l.Name] {
			continue
		}
		for _, a := range primaryAddrs(l.Addrs) {
			e.detail(fmt.Sprintf("Assigned address %v for interface %s", a, l.Name))
		}
	}
}

// primaryAddrs are an interface's first IPv4 address that is not a
// secondary and its first IPv6 link-local address.
func primaryAddrs(addrs []netif.AddrInfo) []any {
	var v4, v6 any
	for _, a := range addrs {
		ip := a.Prefix.Addr()
		switch {
		case v4 == nil && ip.Is4() && !a.Secondary:
			v4 = ip
		case v6 == nil && ip.Is6() && ip.IsLinkLocalUnicast() && !a.Tentative:
			v6 = ip
		}
	}
	var out []any
	for _, a := range []any{v4, v6} {
		if a != nil {
			out = append(out, a)
		}
	}
	return out
}

// logAnnounceChannels is the gratuitous ARP and NA sockets'
// registration, for the families the instances use.
func (e *Engine) logAnnounceChannels(cfg *config.Config) {
	var v4, v6 bool
	for _, in := range cfg.Instances {
		v4 = v4 || in.Family != config.IPv6
		v6 = v6 || in.Family == config.IPv6
	}
	if v4 {
		e.detail("Registering gratuitous ARP shared channel")
	}
	if v6 {
		e.detail("Registering gratuitous NDISC shared channel")
	}
}

// fdConn is a Conn that can tell its file descriptor (*netif.Conn).
type fdConn interface{ FD() int }

// logSockpool describes each VRRP socket, in the order of the instances
// using them. goalived has one socket where keepalived has two (in and
// out): its descriptor is given twice.
func (e *Engine) logSockpool() {
	if !e.log.Enabled(context.Background(), kalog.LevelDetail) {
		return
	}
	seen := map[*socket]bool{}
	for _, in := range e.insts {
		s := in.sock
		if seen[s] || !s.isOpen() {
			continue
		}
		seen[s] = true
		e.detail(s.poolLine())
	}
}

// poolLine is keepalived's line for s (vrrp_data.c dump_sock).
func (s *socket) poolLine() string {
	fd, idx := -1, 0
	if c := s.conn.Load(); c != nil {
		idx = c.IfIndex()
		if f, ok := c.Conn.(fdConn); ok {
			fd = f.FD()
		}
	}
	family, proto := "IPv4", int(vrrp.IPProtocol)
	if s.key.family == 6 {
		family = "IPv6"
	}
	if s.key.proto != 0 {
		proto = s.key.proto
	}
	kind, addr := "mult", s.key.group
	if s.key.unicast {
		kind, addr = ", un", s.source()
	} else if !addr.IsValid() {
		addr = vrrp.GroupIPv4
		if s.key.family == 6 {
			addr = vrrp.GroupIPv6
		}
	}
	return fmt.Sprintf("VRRP sockpool: [ifindex(%3d), family(%s), proto(%d), fd(%d,%d) %sicast, address(%v)]",
		idx, family, proto, fd, fd, kind, addr)
}

// logMastersSet is the reload's "setting VIPs." of every master (-D).
func (e *Engine) logMastersSet() {
	for _, in := range e.insts {
		if in.vi.State() == vrrp.StateMaster {
			e.detail(fmt.Sprintf("(%s) setting VIPs.", in.conf().Name), "instance", in.conf().Name)
		}
	}
}

// leaveInitWait bounds how long the start waits for the instances' first
// states to be written before it describes the sockets and starts the
// checks.
const leaveInitWait = 2 * time.Second

// startInstances starts the instances not started yet, one after the
// other once the previous one's first state is written (keepalived
// writes them in configuration order), for up to leaveInitWait in all.
// The caller holds e.mu.
func (e *Engine) startInstances() error {
	timeout := e.clock.NewTimer(leaveInitWait)
	defer timeout.Stop()
	var errs []error
	expired := false
	for _, in := range e.insts {
		if err := in.vi.Start(); err != nil {
			errs = append(errs, err)
			continue
		}
		if expired {
			continue
		}
		select {
		case <-in.status.leftInit():
		case <-timeout.C():
			expired = true
		}
	}
	return errors.Join(errs...)
}

// started finishes a start (or a reload) once the instances are started:
// keepalived's "VRRP sockpool" lines, then the checks (whose first
// results keepalived writes after the instances' first states), then the
// sockets' readers. The caller holds e.mu.
func (e *Engine) started() {
	e.logSockpool()
	e.track.StartChecks()
	e.startReaders()
}

// logRcvBufError is keepalived's line for netlink receive buffers that
// cannot be set (vrrp_netlink_*_rcv_bufs).
func (e *Engine) logRcvBufError(err error) {
	var errno syscall.Errno
	errors.As(err, &errno)
	g := &e.cfg.Global
	line := "Cannot set SO_RCVBUF IP option. errno=%d (%s)"
	if g.NetlinkCmdRcvBufsForce || g.NetlinkMonitorRcvBufsForce {
		line = "cant set SO_RCVBUFFORCE IP option. errno=%d (%s)"
	}
	e.log.Info(fmt.Sprintf(line, int(errno), track.Strerror(err)), "err", err)
}
