package nstest

import (
	"fmt"
	"net/netip"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"

	"github.com/goalived/goalived/netif/nslab"
)

// MaxHosts bounds the lab size so that host addresses (.11 upwards) stay
// below 192.0.2.100, the range tests use for virtual addresses.
const MaxHosts = nslab.MaxHosts

// Host is one namespace attached to the lab's bridge: its namespace name,
// eth0's index, addresses and MAC (see netif/nslab).
type Host = nslab.Host

// Option configures New.
type Option func(*options)

type options struct {
	hosts int
}

// Hosts sets the number of host namespaces (default 2, at most MaxHosts).
func Hosts(n int) Option { return func(o *options) { o.hosts = n } }

// Lab is a netif/nslab lab whose hosts are numbered from 0 and whose
// failures fail the test; see the package doc.
type Lab struct {
	t     testing.TB
	lab   *nslab.Lab
	hosts []Host
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
	roles := make([]string, o.hosts)
	for i := range roles {
		roles[i] = "h" + strconv.Itoa(i)
	}
	lab, err := nslab.New("t", roles...)
	if err != nil {
		t.Fatalf("nstest: %v", err)
	}
	t.Cleanup(func() {
		if err := lab.Close(); err != nil {
			t.Logf("nstest: cleanup: %v", err)
		}
	})
	return &Lab{t: t, lab: lab, hosts: lab.Hosts()}
}

// ID returns the part shared by all the lab's namespace names.
func (l *Lab) ID() string { return l.lab.ID() }

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
func (l *Lab) Switch() string { return l.lab.Switch() }

// SetPort brings host i's switch port up or down; down is a cable cut.
func (l *Lab) SetPort(i int, up bool) {
	l.t.Helper()
	l.checkIndex(i)
	if err := l.lab.SetPort(l.hosts[i].Role, up); err != nil {
		l.t.Fatalf("nstest: %v", err)
	}
}

func (l *Lab) checkIndex(i int) {
	l.t.Helper()
	if i < 0 || i >= len(l.hosts) {
		l.t.Fatalf("nstest: host %d out of range (lab has %d hosts)", i, len(l.hosts))
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
	l.t.Cleanup(func() { h.Close() })
	return h
}

// Handle returns a new netlink handle operating in host i's namespace,
// closed at cleanup.
func (l *Lab) Handle(i int) *netlink.Handle {
	l.t.Helper()
	ns := l.NetNS(i)
	h, err := netlink.NewHandleAt(ns)
	if err != nil {
		l.t.Fatalf("nstest: netlink handle in %s: %v", l.hosts[i].Name, err)
	}
	l.t.Cleanup(h.Close)
	return h
}

// HasAddr reports whether host i has a on any of its interfaces, through
// a netlink socket in its namespace (cheap enough to poll).
func (l *Lab) HasAddr(i int, a netip.Addr) bool {
	l.t.Helper()
	l.checkIndex(i)
	ok, err := l.lab.HasAddr(l.hosts[i].Role, a)
	if err != nil {
		l.t.Fatalf("nstest: %v", err)
	}
	return ok
}

// WaitAddr waits until host i has a (want) or no longer has it.
func (l *Lab) WaitAddr(i int, a netip.Addr, want bool, within time.Duration) {
	l.t.Helper()
	WaitFor(l.t, within, func() bool { return l.HasAddr(i, a) == want },
		func() string { return fmt.Sprintf("host %d to have %v = %v", i, a, want) })
}
