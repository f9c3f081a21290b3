package netif

import (
	"fmt"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// NetlinkBufs are the receive buffers of the rtnetlink sockets, as
// keepalived's vrrp_netlink_cmd_rcv_bufs(_force) and
// vrrp_netlink_monitor_rcv_bufs(_force) set them: a size of 0 leaves the
// kernel's default; Force sets SO_RCVBUFFORCE, which may pass
// net.core.rmem_max, instead of SO_RCVBUF.
type NetlinkBufs struct {
	Cmd          int
	CmdForce     bool
	Monitor      int
	MonitorForce bool
}

// SetBufs applies b: the command socket's size at once, the monitor's to
// the subscriptions Watch opens from now on. A command size needs a
// socket that lasts: an Addrs of the caller's namespace (netns.None)
// otherwise opens one per request, so it gets a handle of its own in the
// calling thread's namespace. Call it before the Addrs is shared.
func (a *Addrs) SetBufs(b NetlinkBufs) error {
	a.bufs = b
	if b.Cmd <= 0 {
		return nil
	}
	if !a.ns.IsOpen() && a.own == nil {
		h, err := netlink.NewHandle(unix.NETLINK_ROUTE)
		if err != nil {
			return fmt.Errorf("open netlink command socket: %w", err)
		}
		a.own, a.h = h, h
	}
	if err := a.h.SetSocketReceiveBufferSize(b.Cmd, b.CmdForce); err != nil {
		return fmt.Errorf("netlink command socket receive buffer %d: %w", b.Cmd, err)
	}
	return nil
}
