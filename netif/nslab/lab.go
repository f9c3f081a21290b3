package nslab

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"regexp"
	"sync"
	"time"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// MaxHosts keeps host addresses (.11 upwards) below 192.0.2.100, the range
// the programs use for virtual addresses.
const MaxHosts = 64

// Host is one namespace attached to the lab's bridge.
type Host struct {
	Role      string           // as given to New
	Name      string           // namespace name, for "ip -n" and "ip netns exec"
	Ifname    string           // the interface on the segment, always "eth0"
	Port      string           // its peer on the bridge, in the switch namespace
	Index     int              // ifindex of Ifname inside the namespace
	Addr4     netip.Addr       // 192.0.2.(11+i), prefix length 24
	Addr6     netip.Addr       // 2001:db8::(11+i) (hex), prefix length 64
	LinkLocal netip.Addr       // fe80::/64 address of Ifname, without zone
	MAC       net.HardwareAddr // 02:00:5e:47:4c:(i+1)
}

// Prefix4 returns the host's IPv4 address with its /24.
func (h Host) Prefix4() netip.Prefix { return netip.PrefixFrom(h.Addr4, 24) }

// Prefix6 returns the host's IPv6 address with its /64.
func (h Host) Prefix6() netip.Prefix { return netip.PrefixFrom(h.Addr6, 64) }

// Lab is a bridged segment of host namespaces; see the package doc.
type Lab struct {
	id     string
	swName string
	hosts  []Host

	mu      sync.Mutex // guards the fields below
	procs   []*Proc
	nsDel   []string // namespaces to delete, in creation order
	handles map[string]*netlink.Handle
	closed  bool
}

var validName = regexp.MustCompile(`^[a-z0-9]{1,12}$`)

// New builds a lab with one host per role ("a", "b", "client", ...). The
// prefix and roles must be short lower-case alphanumerics. On error
// whatever was built is removed again.
func New(prefix string, roles ...string) (*Lab, error) {
	if err := checkNames(prefix, roles); err != nil {
		return nil, err
	}
	id, err := randomID()
	if err != nil {
		return nil, err
	}
	l := &Lab{id: prefix + "-" + id}
	l.swName = "gl-" + l.id + "-sw"
	if err := l.build(roles); err != nil {
		l.Close()
		return nil, fmt.Errorf("build lab gl-%s: %w", l.id, err)
	}
	return l, nil
}

func checkNames(prefix string, roles []string) error {
	if !validName.MatchString(prefix) {
		return fmt.Errorf("new lab: prefix %q: want 1-12 lower-case letters or digits", prefix)
	}
	if len(roles) < 1 || len(roles) > MaxHosts {
		return fmt.Errorf("new lab: %d hosts requested, want 1..%d", len(roles), MaxHosts)
	}
	seen := map[string]bool{"sw": true}
	for _, r := range roles {
		if !validName.MatchString(r) || seen[r] {
			return fmt.Errorf("new lab: host role %q: want distinct 1-12 lower-case letters or digits, not sw", r)
		}
		seen[r] = true
	}
	return nil
}

func randomID() (string, error) {
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("new lab: random id: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// ID returns "<prefix>-<random>", the part shared by all namespace names.
func (l *Lab) ID() string { return l.id }

// Hosts returns the hosts in the order of their roles.
func (l *Lab) Hosts() []Host { return append([]Host(nil), l.hosts...) }

// Host returns the host with the given role.
func (l *Lab) Host(role string) (Host, error) {
	for _, h := range l.hosts {
		if h.Role == role {
			return h, nil
		}
	}
	return Host{}, fmt.Errorf("lab gl-%s: no host %q", l.id, role)
}

// Switch returns the name of the namespace holding br0 and the ports.
func (l *Lab) Switch() string { return l.swName }

func (l *Lab) build(roles []string) error {
	if err := l.addNS(l.swName); err != nil {
		return err
	}
	// The switch stays silent: no IPv6 on its ports.
	if err := writeSysctls(l.swName, map[string]string{
		"net/ipv6/conf/all/disable_ipv6":     "1",
		"net/ipv6/conf/default/disable_ipv6": "1",
	}); err != nil {
		return err
	}
	if err := ip(l.swName, "link", "add", "br0", "type", "bridge", "mcast_snooping", "0"); err != nil {
		return err
	}
	if err := ip(l.swName, "link", "set", "br0", "up"); err != nil {
		return err
	}
	for i, r := range roles {
		h, err := l.addHost(i, r)
		if err != nil {
			return fmt.Errorf("host %s: %w", r, err)
		}
		l.hosts = append(l.hosts, h)
	}
	for i := range l.hosts {
		if err := waitUp(&l.hosts[i]); err != nil {
			return err
		}
	}
	return nil
}

func (l *Lab) addNS(name string) error {
	l.mu.Lock()
	closed := l.closed
	l.mu.Unlock()
	if closed {
		return fmt.Errorf("add namespace %s: lab closed", name)
	}
	if _, err := Run("", "ip", "netns", "add", name); err != nil {
		return err
	}
	l.mu.Lock()
	l.nsDel = append(l.nsDel, name)
	l.mu.Unlock()
	return nil
}

func (l *Lab) addHost(i int, role string) (Host, error) {
	h := Host{
		Role:   role,
		Name:   fmt.Sprintf("gl-%s-%s", l.id, role),
		Ifname: "eth0",
		Port:   fmt.Sprintf("p%d", i),
		Addr4:  netip.AddrFrom4([4]byte{192, 0, 2, byte(11 + i)}),
		Addr6:  netip.MustParseAddr(fmt.Sprintf("2001:db8::%x", 0x11+i)),
		MAC:    net.HardwareAddr{0x02, 0x00, 0x5e, 0x47, 0x4c, byte(i + 1)},
	}
	if err := l.addNS(h.Name); err != nil {
		return h, err
	}
	// Before the veth exists, so that its link-local address skips DAD
	// and is usable at once. Best effort: a kernel without IPv6 still
	// gives an IPv4 lab.
	if err := writeSysctls(h.Name, map[string]string{
		"net/ipv6/conf/all/accept_dad":     "0",
		"net/ipv6/conf/default/accept_dad": "0",
	}); err != nil {
		return h, err
	}
	steps := [][]string{
		{l.swName, "link", "add", h.Port, "type", "veth", "peer", "name", h.Ifname,
			"address", h.MAC.String(), "netns", h.Name},
		{l.swName, "link", "set", h.Port, "master", "br0", "up"},
		{h.Name, "link", "set", "lo", "up"},
		{h.Name, "link", "set", h.Ifname, "up"},
		{h.Name, "addr", "add", h.Prefix4().String(), "dev", h.Ifname},
		{h.Name, "addr", "add", h.Prefix6().String(), "dev", h.Ifname, "nodad"},
	}
	for _, s := range steps {
		if err := ip(s[0], s[1:]...); err != nil {
			return h, err
		}
	}
	return h, nil
}

// waitUp waits until the host's eth0 has carrier and a usable link-local
// address, so that the first packets sent are not lost to a link still
// coming up, and records its index and link-local address.
func waitUp(h *Host) error {
	deadline := time.Now().Add(upTimeout)
	for {
		var err error
		if derr := DoIn(h.Name, func() { err = readHost(h) }); derr != nil {
			return derr
		}
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("wait for %s in %s: %w", h.Ifname, h.Name, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// upTimeout bounds waitUp: a link comes up within milliseconds, but a
// loaded machine can delay it by seconds.
const upTimeout = 30 * time.Second

// readHost reads, from inside the host's namespace, whether its eth0 is
// running and its link-local address is no longer tentative.
func readHost(h *Host) error {
	ifi, err := net.InterfaceByName(h.Ifname)
	if err != nil {
		return fmt.Errorf("look up %s: %w", h.Ifname, err)
	}
	if ifi.Flags&net.FlagRunning == 0 {
		return fmt.Errorf("%s has no carrier", h.Ifname)
	}
	h.Index = ifi.Index
	addrs, err := netlink.AddrList(&netlink.Dummy{LinkAttrs: netlink.LinkAttrs{Index: ifi.Index}}, netlink.FAMILY_V6)
	if err != nil {
		return fmt.Errorf("list addresses of %s: %w", h.Ifname, err)
	}
	for _, a := range addrs {
		ip, ok := netip.AddrFromSlice(a.IP)
		if ok && ip.IsLinkLocalUnicast() && a.Flags&unix.IFA_F_TENTATIVE == 0 {
			h.LinkLocal = ip
			return nil
		}
	}
	return fmt.Errorf("no usable link-local address on %s", h.Ifname)
}

// SetPort brings the switch port of the host with the given role up or
// down; down is a cable cut.
func (l *Lab) SetPort(role string, up bool) error {
	h, err := l.Host(role)
	if err != nil {
		return err
	}
	state := "down"
	if up {
		state = "up"
	}
	if err := ip(l.swName, "link", "set", h.Port, state); err != nil {
		return fmt.Errorf("set switch port %s of %s %s: %w", h.Port, role, state, err)
	}
	return nil
}

// Close stops the lab's processes, then deletes its namespaces (a process
// inside a namespace would keep its links alive). It returns every error
// met; later calls do nothing.
func (l *Lab) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil
	}
	l.closed = true
	procs, names, handles := l.procs, l.nsDel, l.handles
	l.procs, l.nsDel, l.handles = nil, nil, nil
	l.mu.Unlock()
	for _, h := range handles {
		h.Close()
	}
	var errs []error
	for i := len(procs) - 1; i >= 0; i-- {
		procs[i].Stop()
	}
	for i := len(names) - 1; i >= 0; i-- {
		if _, err := Run("", "ip", "netns", "del", names[i]); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func ip(ns string, args ...string) error {
	_, err := Run("", "ip", append([]string{"-n", ns}, args...)...)
	return err
}

// writeSysctls writes /proc/sys keys inside namespace ns; keys the kernel
// does not have (no IPv6) are left alone.
func writeSysctls(ns string, kv map[string]string) error {
	var err error
	derr := DoIn(ns, func() {
		for k, v := range kv {
			if werr := os.WriteFile("/proc/sys/"+k, []byte(v), 0o644); werr != nil && !errors.Is(werr, os.ErrNotExist) {
				err = fmt.Errorf("sysctl %s in %s: %w", k, ns, werr)
			}
		}
	})
	if derr != nil {
		return derr
	}
	return err
}
