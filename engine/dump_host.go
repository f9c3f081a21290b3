package engine

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/goalived/goalived/engine/dump"
	"github.com/goalived/goalived/script"
)

// dumpHost is what the dumps need from the host beyond the engine's own
// state.
type dumpHost interface {
	// Links lists every link of the network namespace with its
	// addresses, as keepalived lists all the interfaces it knows.
	Links() ([]dump.Link, error)
	// Umask is the process's umask, nil when the kernel does not tell.
	Umask() *uint32
	// Identity resolves a configured "USER [GROUP]".
	Identity(user, group string) (uid, gid uint32, ok bool)
	// Program shows argv with its program resolved as uid:gid finds it.
	Program(argv []string, uid, gid uint32) []string
}

// dumpHost is the host the dumps read.
func (e *Engine) dumpHost() dumpHost { return osDumpHost{} }

// osDumpHost reads the dumps' facts from the operating system.
type osDumpHost struct{}

func (osDumpHost) Links() ([]dump.Link, error) {
	links, err := netlink.LinkList()
	if err != nil {
		return nil, fmt.Errorf("list links: %w", err)
	}
	out := make([]dump.Link, 0, len(links))
	for _, l := range links {
		dl, err := linkInfo(l)
		if err != nil {
			return nil, err
		}
		out = append(out, dl)
	}
	return out, nil
}

func linkInfo(l netlink.Link) (dump.Link, error) {
	a := l.Attrs()
	dl := dump.Link{Name: a.Name, Index: a.Index, MTU: a.MTU, MAC: a.HardwareAddr, Flags: rawFlags(a.RawFlags),
		HWType: "UNKNOWN", IPv6Forwarding: ipv6Forwards(a.Name)}
	switch a.EncapType {
	case "ether":
		dl.HWType = "ETHERNET"
	case "loopback":
		dl.HWType = "LOOPBACK"
	}
	for _, fam := range []int{netlink.FAMILY_V4, netlink.FAMILY_V6} {
		addrs, err := netlink.AddrList(l, fam)
		if err != nil {
			return dl, fmt.Errorf("list addresses of %s: %w", a.Name, err)
		}
		for _, ad := range addrs {
			if ip, ok := netip.AddrFromSlice(ad.IP); ok {
				dl.Addrs = append(dl.Addrs, dump.LinkAddr{Addr: ip.Unmap(), Secondary: ad.Flags&unix.IFA_F_SECONDARY != 0})
			}
		}
	}
	return dl, nil
}

// rawFlags converts the kernel's IFF_* bits to net.Flags.
func rawFlags(raw uint32) net.Flags {
	var f net.Flags
	for _, m := range []struct {
		bit  uint32
		flag net.Flags
	}{
		{unix.IFF_UP, net.FlagUp}, {unix.IFF_BROADCAST, net.FlagBroadcast},
		{unix.IFF_LOOPBACK, net.FlagLoopback}, {unix.IFF_POINTOPOINT, net.FlagPointToPoint},
		{unix.IFF_MULTICAST, net.FlagMulticast}, {unix.IFF_RUNNING, net.FlagRunning},
	} {
		if raw&m.bit != 0 {
			f |= m.flag
		}
	}
	return f
}

// ipv6Forwards reads whether ifname forwards IPv6.
func ipv6Forwards(ifname string) bool {
	b, err := os.ReadFile(filepath.Join("/proc/sys/net/ipv6/conf", ifname, "forwarding"))
	return err == nil && strings.TrimSpace(string(b)) == "1"
}

// Umask reads the process's umask from /proc/self/status (Linux 4.7 and
// later), which the daemon sets from -u or the umask keyword: the dumps
// show it as keepalived does. Go has no way to read the umask without
// setting it, which would race with files being created.
func (osDumpHost) Umask() *uint32 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return nil
	}
	return statusUmask(b)
}

// statusUmask finds "Umask:\t0022" in a /proc/PID/status file.
func statusUmask(status []byte) *uint32 {
	sc := bufio.NewScanner(bytes.NewReader(status))
	for sc.Scan() {
		v, ok := bytes.CutPrefix(sc.Bytes(), []byte("Umask:"))
		if !ok {
			continue
		}
		m, err := strconv.ParseUint(string(bytes.TrimSpace(v)), 8, 32)
		if err != nil {
			return nil
		}
		u := uint32(m)
		return &u
	}
	return nil
}

func (osDumpHost) Identity(user, group string) (uid, gid uint32, ok bool) {
	id, err := script.LookupIdentity(user, group)
	return id.UID, id.GID, err == nil
}

func (osDumpHost) Program(argv []string, uid, gid uint32) []string {
	if len(argv) == 0 || script.IsShellTest(argv[0]) {
		return argv
	}
	path, _, err := script.LookPath(argv[0], script.Identity{UID: uid, GID: gid})
	if err != nil {
		return argv
	}
	return displayArgv(argv, path)
}

// displayArgv is the command as keepalived 2.2.7 shows it: argv[0]
// replaced by the canonical path of the program it runs ("/bin/true"
// shows as "/usr/bin/true" on Debian). path is the resolved program;
// without it, or when it cannot be resolved, the command is shown as
// configured.
func displayArgv(argv []string, path string) []string {
	if len(argv) == 0 || path == "" || script.IsShellTest(argv[0]) {
		return argv
	}
	canon, _, err := script.CanonicalPath(path)
	if err != nil {
		return argv
	}
	return append([]string{canon}, argv[1:]...)
}
