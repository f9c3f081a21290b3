package nstest

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/netip"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
)

// MaxHosts bounds the lab size so that host addresses (.11 upwards) stay
// below 192.0.2.100, the range tests use for virtual addresses.
const MaxHosts = 64

// Host is one namespace attached to the lab's bridge.
type Host struct {
	Name      string           // namespace name, for "ip -n" and "ip netns exec"
	Ifname    string           // the interface on the segment, always "eth0"
	Index     int              // ifindex of Ifname inside the namespace
	Addr4     netip.Addr       // 192.0.2.(11+i), prefix length 24
	Addr6     netip.Addr       // 2001:db8::(11+i), prefix length 64
	LinkLocal netip.Addr       // fe80::/64 address of Ifname, without zone
	MAC       net.HardwareAddr // 02:00:5e:47:4c:(i+1)
}

// Prefix4 returns the host's IPv4 address with its /24.
func (h Host) Prefix4() netip.Prefix { return netip.PrefixFrom(h.Addr4, 24) }

// Prefix6 returns the host's IPv6 address with its /64.
func (h Host) Prefix6() netip.Prefix { return netip.PrefixFrom(h.Addr6, 64) }

// Option configures New.
type Option func(*options)

type options struct {
	hosts int
}

// Hosts sets the number of host namespaces (default 2, at most MaxHosts).
func Hosts(n int) Option { return func(o *options) { o.hosts = n } }

// Lab is a bridged segment of host namespaces; see the package doc.
type Lab struct {
	t      testing.TB
	id     string
	swName string
	hosts  []Host

	mu      sync.Mutex // guards the resources below
	procs   []*Proc
	closers []func()
}

// RequireRoot skips t unless the test runs as root. Where
// GOALIVED_REQUIRE_ROOT=1 is set (CI sets it) a missing root fails the test
// instead, so that CI can never pass on integration tests that did not run.
func RequireRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() == 0 {
		return
	}
	Unavailable(t, "not running as root: network namespaces need root (run the integration tests with sudo)")
}

// New builds a lab and registers its removal with t.Cleanup. It skips the
// test when not root and fails it if the lab cannot be built.
func New(t testing.TB, opts ...Option) *Lab {
	t.Helper()
	RequireRoot(t)
	o := options{hosts: 2}
	for _, opt := range opts {
		opt(&o)
	}
	if o.hosts < 1 || o.hosts > MaxHosts {
		t.Fatalf("nstest: %d hosts requested, want 1..%d", o.hosts, MaxHosts)
	}
	l := &Lab{t: t, id: randomID(t)}
	l.swName = "gl-" + l.id + "-sw"
	t.Cleanup(l.cleanup)
	if err := l.build(o.hosts); err != nil {
		t.Fatalf("nstest: build lab %s: %v", l.id, err)
	}
	return l
}

func randomID(t testing.TB) string {
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		t.Fatalf("nstest: random lab id: %v", err)
	}
	return hex.EncodeToString(b)
}

// ID returns the random part shared by all the lab's namespace names.
func (l *Lab) ID() string { return l.id }

// Len returns the number of hosts.
func (l *Lab) Len() int { return len(l.hosts) }

// Host returns host i (0-based).
func (l *Lab) Host(i int) Host {
	l.t.Helper()
	l.checkIndex(i)
	return l.hosts[i]
}

// Switch returns the name of the namespace holding the bridge "br0" and
// the switch ports p0..pN-1.
func (l *Lab) Switch() string { return l.swName }

func (l *Lab) checkIndex(i int) {
	l.t.Helper()
	if i < 0 || i >= len(l.hosts) {
		l.t.Fatalf("nstest: host %d out of range (lab has %d hosts)", i, len(l.hosts))
	}
}

func (l *Lab) build(n int) error {
	if err := l.addNS(l.swName); err != nil {
		return err
	}
	if err := DoIn(l.swName, quietSwitch); err != nil {
		return err
	}
	if err := l.ip(l.swName, "link", "add", "br0", "type", "bridge", "mcast_snooping", "0"); err != nil {
		return err
	}
	if err := l.ip(l.swName, "link", "set", "br0", "up"); err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		h, err := l.addHost(i)
		if err != nil {
			return fmt.Errorf("host %d: %w", i, err)
		}
		l.hosts = append(l.hosts, h)
	}
	for i := range l.hosts {
		if err := l.finishHost(&l.hosts[i]); err != nil {
			return fmt.Errorf("host %d: %w", i, err)
		}
	}
	return nil
}

func (l *Lab) addNS(name string) error {
	if _, err := Run("", "ip", "netns", "add", name); err != nil {
		return err
	}
	l.mu.Lock()
	l.closers = append(l.closers, func() { deleteNS(l.t, name) })
	l.mu.Unlock()
	return nil
}

func deleteNS(t testing.TB, name string) {
	if out, err := Run("", "ip", "netns", "del", name); err != nil {
		t.Logf("nstest: cleanup: delete namespace %s: %v: %s", name, err, out)
	}
}

func (l *Lab) ip(ns string, args ...string) error {
	_, err := Run("", "ip", append([]string{"-n", ns}, args...)...)
	return err
}

func (l *Lab) addHost(i int) (Host, error) {
	h := Host{
		Name:   fmt.Sprintf("gl-%s-h%d", l.id, i),
		Ifname: "eth0",
		Addr4:  netip.AddrFrom4([4]byte{192, 0, 2, byte(11 + i)}),
		Addr6:  netip.MustParseAddr(fmt.Sprintf("2001:db8::%x", 0x11+i)),
		MAC:    net.HardwareAddr{0x02, 0x00, 0x5e, 0x47, 0x4c, byte(i + 1)},
	}
	if err := l.addNS(h.Name); err != nil {
		return h, err
	}
	// Before the veth exists, so that its link-local address skips DAD.
	if err := DoIn(h.Name, quietHost); err != nil {
		return h, err
	}
	port := fmt.Sprintf("p%d", i)
	steps := [][]string{
		{l.swName, "link", "add", port, "type", "veth", "peer", "name", h.Ifname,
			"address", h.MAC.String(), "netns", h.Name},
		{l.swName, "link", "set", port, "master", "br0", "up"},
		{h.Name, "link", "set", "lo", "up"},
		{h.Name, "link", "set", h.Ifname, "up"},
		{h.Name, "addr", "add", h.Prefix4().String(), "dev", h.Ifname},
		{h.Name, "addr", "add", h.Prefix6().String(), "dev", h.Ifname, "nodad"},
	}
	for _, s := range steps {
		if err := l.ip(s[0], s[1:]...); err != nil {
			return h, err
		}
	}
	return h, nil
}

// finishHost waits for the link-local address (it appears once the link
// has carrier) and records the interface index.
func (l *Lab) finishHost(h *Host) error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		var err error
		derr := DoIn(h.Name, func() { err = readHost(h) })
		if derr != nil {
			return derr
		}
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return err
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func readHost(h *Host) error {
	ifi, err := net.InterfaceByName(h.Ifname)
	if err != nil {
		return fmt.Errorf("look up %s in %s: %w", h.Ifname, h.Name, err)
	}
	h.Index = ifi.Index
	addrs, err := netlink.AddrList(&netlink.Dummy{LinkAttrs: netlink.LinkAttrs{Index: ifi.Index}}, netlink.FAMILY_V6)
	if err != nil {
		return fmt.Errorf("list addresses of %s in %s: %w", h.Ifname, h.Name, err)
	}
	for _, a := range addrs {
		ip, ok := netip.AddrFromSlice(a.IP)
		if ok && ip.IsLinkLocalUnicast() && a.Flags&0x40 == 0 { // IFA_F_TENTATIVE
			h.LinkLocal = ip
			return nil
		}
	}
	return fmt.Errorf("no usable link-local address on %s in %s", h.Ifname, h.Name)
}

// quietHost disables DAD for new interfaces so addresses are usable at once.
func quietHost() {
	writeSysctls(map[string]string{
		"net/ipv6/conf/all/accept_dad":     "0",
		"net/ipv6/conf/default/accept_dad": "0",
	})
}

// quietSwitch keeps the switch namespace silent: no IPv6 on its ports.
func quietSwitch() {
	writeSysctls(map[string]string{
		"net/ipv6/conf/all/disable_ipv6":     "1",
		"net/ipv6/conf/default/disable_ipv6": "1",
	})
}

// writeSysctls is best effort: a kernel without IPv6 still gives a usable
// IPv4 lab, and the tests that need IPv6 fail on their own.
func writeSysctls(kv map[string]string) {
	for k, v := range kv {
		_ = os.WriteFile("/proc/sys/"+k, []byte(v), 0o644)
	}
}

// NetNS returns an open handle on host i's namespace, closed at cleanup.
func (l *Lab) NetNS(i int) netns.NsHandle {
	l.t.Helper()
	l.checkIndex(i)
	h, err := netns.GetFromName(l.hosts[i].Name)
	if err != nil {
		l.t.Fatalf("nstest: open namespace %s: %v", l.hosts[i].Name, err)
	}
	l.addCloser(func() { h.Close() })
	return h
}

// Handle returns a netlink handle operating in host i's namespace, closed
// at cleanup.
func (l *Lab) Handle(i int) *netlink.Handle {
	l.t.Helper()
	ns := l.NetNS(i)
	h, err := netlink.NewHandleAt(ns)
	if err != nil {
		l.t.Fatalf("nstest: netlink handle in %s: %v", l.hosts[i].Name, err)
	}
	l.addCloser(h.Close)
	return h
}

func (l *Lab) addCloser(f func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closers = append(l.closers, f)
}

// cleanup stops processes first (a process inside a namespace keeps it
// alive), then runs closers in reverse order: handles, then namespaces.
func (l *Lab) cleanup() {
	l.mu.Lock()
	procs, closers := l.procs, l.closers
	l.procs, l.closers = nil, nil
	l.mu.Unlock()
	for i := len(procs) - 1; i >= 0; i-- {
		procs[i].Stop()
	}
	for i := len(closers) - 1; i >= 0; i-- {
		closers[i]()
	}
}
