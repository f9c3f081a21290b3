package engine

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"strings"

	"github.com/goalived/goalived/engine/dump"
	"github.com/goalived/goalived/netif"
	"github.com/goalived/goalived/script"
)

// dumpHost is what the dumps need from the host beyond the engine's own
// state: the links with their addresses, IPv6 forwarding, users and
// programs, all from the engine's Host.
type dumpHost struct {
	links   Links
	sysctls Sysctls
	scripts Scripts
}

func (e *Engine) dumpHost() dumpHost {
	return dumpHost{links: e.host.Links, sysctls: e.host.Sysctls, scripts: e.host.Scripts}
}

// Links lists every link of the namespace with its addresses, as
// keepalived lists all the interfaces it knows.
func (h dumpHost) Links() ([]dump.Link, error) {
	infos, err := h.links.Links()
	if err != nil {
		return nil, err
	}
	out := make([]dump.Link, 0, len(infos))
	for _, li := range infos {
		out = append(out, h.link(li))
	}
	return out, nil
}

func (h dumpHost) link(li netif.LinkInfo) dump.Link {
	l := dump.Link{Name: li.Name, Index: li.Index, MTU: li.MTU, MAC: li.MAC, Flags: li.Flags, HWType: "UNKNOWN"}
	switch li.Encap {
	case "ether":
		l.HWType = "ETHERNET"
	case "loopback":
		l.HWType = "LOOPBACK"
	}
	for _, a := range li.Addrs {
		l.Addrs = append(l.Addrs, dump.LinkAddr{Addr: a.Prefix.Addr(), Secondary: a.Secondary})
	}
	v, err := h.sysctls.Get("net/ipv6/conf/" + li.Name + "/forwarding")
	l.IPv6Forwarding = err == nil && strings.TrimSpace(v) == "1"
	return l
}

// Identity resolves a configured "USER [GROUP]".
func (h dumpHost) Identity(user, group string) (uid, gid uint32, ok bool) {
	id, err := h.scripts.LookupIdentity(user, group)
	return id.UID, id.GID, err == nil
}

// Program shows argv with its program found as uid:gid finds it and
// canonicalised, as keepalived shows a command after loading it
// ("/bin/true" shows as "/usr/bin/true" on Debian); a program that
// cannot be found is shown as configured.
func (h dumpHost) Program(argv []string, uid, gid uint32) []string {
	if len(argv) == 0 || script.IsShellTest(argv[0]) {
		return argv
	}
	p, err := h.scripts.Prepare(argv, script.Identity{UID: uid, GID: gid})
	if err != nil || len(p.Argv) == 0 {
		return argv
	}
	return p.Argv
}

// processUmask reads the process's umask from /proc/self/status (Linux
// 4.7 and later), which the daemon sets from -u or the umask keyword: the
// dumps show it as keepalived does. Go has no way to read the umask
// without setting it, which would race with files being created; nil
// when the kernel does not tell.
func processUmask() *uint32 {
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
