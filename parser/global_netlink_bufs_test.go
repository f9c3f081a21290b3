package parser

import (
	"testing"

	"github.com/goalived/goalived/config"
)

// TestGlobalNetlinkRcvBufs: the *_rcv_bufs sizes as keepalived 2.2.7's
// get_netlink_rcv_bufs_size reads them, and their _force flags.
func TestGlobalNetlinkRcvBufs(t *testing.T) {
	type bufs struct {
		Cmd, Mon, Proc                int
		CmdForce, MonForce, ProcForce bool
	}
	get := func(c *config.Config) any {
		g := c.Global
		return bufs{g.NetlinkCmdRcvBufs, g.NetlinkMonitorRcvBufs, g.ProcessMonitorRcvBufs,
			g.NetlinkCmdRcvBufsForce, g.NetlinkMonitorRcvBufsForce, g.ProcessMonitorRcvBufsForce}
	}
	cases := []kwCase{
		{name: "unset", src: globalConf(""), get: get, want: bufs{}},
		{name: "sizes", src: globalConf("vrrp_netlink_cmd_rcv_bufs 1048576\nvrrp_netlink_monitor_rcv_bufs 2097152\nprocess_monitor_rcv_bufs 65536"),
			get: get, want: bufs{Cmd: 1048576, Mon: 2097152, Proc: 65536}},
		{name: "force", src: globalConf("vrrp_netlink_cmd_rcv_bufs_force\nvrrp_netlink_monitor_rcv_bufs_force yes\nprocess_monitor_rcv_bufs_force off"),
			get: get, want: bufs{CmdForce: true, MonForce: true}},
		{name: "zero keeps the previous", src: globalConf("vrrp_netlink_cmd_rcv_bufs 4096\nvrrp_netlink_cmd_rcv_bufs 0"), get: get, want: bufs{Cmd: 4096}},
		{name: "missing", src: globalConf("vrrp_netlink_monitor_rcv_bufs"), get: get, want: bufs{},
			diags: []string{"warning: vrrp_netlink_monitor_rcv_bufs: vrrp_netlink_monitor_rcv_bufs size missing"}},
		{name: "invalid", src: globalConf("process_monitor_rcv_bufs 1M"), get: get, want: bufs{},
			diags: []string{"warning: process_monitor_rcv_bufs: process_monitor_rcv_bufs size (1M) invalid"}},
	}
	runCases(t, cases)
}
