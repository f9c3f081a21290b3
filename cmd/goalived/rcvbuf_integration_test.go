package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/goalived/goalived/netif/nstest"
)

// TestIntegrationVRRPRcvBuf runs keepalived 2.2.7 and goalived with the
// same vrrp_rx_bufs_policy / vrrp_rx_bufs_multiplier / kernel_rx_buf_size
// settings and reads SO_RCVBUF of each daemon's raw VRRP sockets (through
// pidfd_getfd): the receive socket of both must hold twice (the kernel's
// doubling) the sum of the instances' shares, keepalived's
// vrrp_create_sockpool arithmetic.
func TestIntegrationVRRPRcvBuf(t *testing.T) {
	t.Parallel()
	keepalivedBinary(t) // skips without keepalived 2.2.7
	lab := nstest.New(t, nstest.Hosts(1))
	// Two VRRPv2 instances on eth0 (MTU 1500), ten VIPs each: an advert
	// is 20 + 8 + 10*4 + 8 = 76 bytes.
	cases := []struct {
		name   string
		global string
		extra  string // in VI_2
		want   int
	}{
		{"mtu", "vrrp_rx_bufs_policy MTU\n vrrp_rx_bufs_multiplier 4", "", 2 * (2 * 4 * 1500)},
		{"advert", "vrrp_rx_bufs_policy ADVERT\n vrrp_rx_bufs_multiplier 100", "", 2 * (2 * 100 * 76)},
		{"size and kernel_rx_buf_size", "vrrp_rx_bufs_policy 50000", "kernel_rx_buf_size 10000", 2 * (50000 + 10000)},
		{"kernel_rx_buf_size alone", "", "kernel_rx_buf_size 30000", 2 * 30000},
		{"default", "", "", readSysctlInt(t, "/proc/sys/net/core/rmem_default")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, kind := range []string{keepalivedKind, goalivedKind} {
				t.Run(kind, func(t *testing.T) {
					dir := t.TempDir()
					startDaemon(t, lab, 0, kind, dir, rcvBufConf(tc.global, tc.extra))
					var got []int
					waitFor(t, 10*time.Second, func() bool {
						got = nil
						pid, ok := readPidFile(filepath.Join(dir, "vrrp.pid"))
						if !ok {
							return false
						}
						for _, s := range processSockets(t, pid) {
							if s.domain == unix.AF_INET && s.typ == unix.SOCK_RAW && s.proto == 112 {
								got = append(got, s.rcvBuf)
							}
						}
						return slices.Contains(got, tc.want)
					}, func() string {
						return fmt.Sprintf("%s: a raw VRRP socket with SO_RCVBUF %d, have %v", kind, tc.want, got)
					})
				})
			}
		})
	}
}

func rcvBufConf(global, extra string) string {
	vips := func(base int) string {
		var b strings.Builder
		for i := range 10 {
			fmt.Fprintf(&b, "        192.0.2.%d\n", base+i)
		}
		return b.String()
	}
	return fmt.Sprintf(`global_defs {
    %s
}
vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 71
    priority 100
    virtual_ipaddress {
%s    }
}
vrrp_instance VI_2 {
    state BACKUP
    interface eth0
    virtual_router_id 72
    priority 100
    %s
    virtual_ipaddress {
%s    }
}
`, global, vips(100), extra, vips(120))
}

func readSysctlInt(t *testing.T, path string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func readPidFile(path string) (int, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	return pid, err == nil
}

// sockInfo is one socket of a process as getsockopt reports it.
type sockInfo struct {
	fd                 int
	domain, typ, proto int
	rcvBuf             int
}

// processSockets duplicates each socket descriptor of process pid
// (pidfd_getfd, Linux 5.6+) and reads its domain, type, protocol and
// SO_RCVBUF.
func processSockets(t *testing.T, pid int) []sockInfo {
	t.Helper()
	pidfd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		nstest.Unavailable(t, "pidfd_open(%d): %v", pid, err)
	}
	defer unix.Close(pidfd)
	ents, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		return nil // the process is gone or not started yet
	}
	var out []sockInfo
	for _, e := range ents {
		target, err := os.Readlink(fmt.Sprintf("/proc/%d/fd/%s", pid, e.Name()))
		if err != nil || !strings.HasPrefix(target, "socket:") {
			continue
		}
		n, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		fd, err := unix.PidfdGetfd(pidfd, n, 0)
		if err != nil {
			continue
		}
		s := sockInfo{fd: n}
		s.domain, _ = unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_DOMAIN)
		s.typ, _ = unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_TYPE)
		s.proto, _ = unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_PROTOCOL)
		s.rcvBuf, _ = unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF)
		unix.Close(fd)
		out = append(out, s)
	}
	return out
}

// TestIntegrationNetlinkRcvBuf: vrrp_netlink_cmd_rcv_bufs and
// vrrp_netlink_monitor_rcv_bufs (and their _force) against keepalived
// 2.2.7: the VRRP process's rtnetlink sockets must include one with the
// command size and one with the monitor size, as getsockopt reports them
// (doubled; without _force capped at net.core.rmem_max).
func TestIntegrationNetlinkRcvBuf(t *testing.T) {
	t.Parallel()
	keepalivedBinary(t) // skips without keepalived 2.2.7
	lab := nstest.New(t, nstest.Hosts(1))
	rmemMax := readSysctlInt(t, "/proc/sys/net/core/rmem_max")
	cases := []struct {
		name     string
		global   string
		cmd, mon int // SO_RCVBUF as read back
	}{
		{"sizes", "vrrp_netlink_cmd_rcv_bufs 100000\n vrrp_netlink_monitor_rcv_bufs 150000", 200000, 300000},
		{"capped at rmem_max", fmt.Sprintf("vrrp_netlink_cmd_rcv_bufs %d\n vrrp_netlink_monitor_rcv_bufs %d", rmemMax+100000, rmemMax+200000),
			2 * rmemMax, 2 * rmemMax},
		{"forced past rmem_max", fmt.Sprintf("vrrp_netlink_cmd_rcv_bufs %d\n vrrp_netlink_cmd_rcv_bufs_force\n vrrp_netlink_monitor_rcv_bufs %d\n vrrp_netlink_monitor_rcv_bufs_force true",
			rmemMax+100000, rmemMax+200000), 2 * (rmemMax + 100000), 2 * (rmemMax + 200000)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, kind := range []string{keepalivedKind, goalivedKind} {
				t.Run(kind, func(t *testing.T) {
					dir := t.TempDir()
					startDaemon(t, lab, 0, kind, dir, rcvBufConf(tc.global, ""))
					var got []int
					waitFor(t, 10*time.Second, func() bool {
						got = nil
						pid, ok := readPidFile(filepath.Join(dir, "vrrp.pid"))
						if !ok {
							return false
						}
						for _, s := range processSockets(t, pid) {
							if s.domain == unix.AF_NETLINK && s.proto == unix.NETLINK_ROUTE {
								got = append(got, s.rcvBuf)
							}
						}
						return slices.Contains(got, tc.cmd) && slices.Contains(got, tc.mon)
					}, func() string {
						return fmt.Sprintf("%s: rtnetlink sockets with SO_RCVBUF %d and %d, have %v", kind, tc.cmd, tc.mon, got)
					})
				})
			}
		})
	}
}
