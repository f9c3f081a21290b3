package main

import (
	"bytes"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"text/template"
	"time"

	"github.com/vishvananda/netlink"

	"github.com/goalived/goalived/netif/nstest"
)

// The end-to-end tests run the real goalived binary (and keepalived
// 2.2.7) in the hosts of an nstest lab: a few routers and one client on
// one bridged segment. This file and e2e_observe_test.go are their
// vocabulary: render a keepalived.conf, start and stop daemons, and wait
// for observable facts (who holds the VIP, what the status file and the
// notify script say, what the client's neighbour table says) with
// deadlines instead of sleeps.

// vrrpConf is one node's single vrrp_instance.
type vrrpConf struct {
	State     string // MASTER or BACKUP
	Priority  int
	VRID      int
	Version   int    // 0: the default (2, or 3 for IPv6)
	AdvertInt string // seconds, as written in the file
	AuthPass  string // VRRPv2 authentication PASS when set
	Nopreempt bool
	// PreemptDelay is preempt_delay in seconds when set.
	PreemptDelay string
	VIP          string // "192.0.2.100" or "2001:db8::100/64"
	MoreVIPs     []string
	UnicastSrc   string // unicast mode when set
	Peers        []string
	// Check, when set, is a vrrp_script (interval 1, rise 1, fall 1)
	// tracked with weight CheckWeight, the user's health check.
	Check       string
	CheckWeight int
	Notify      string // the instance's generic notify script
	// Name is the instance's name, VI_1 if empty; Also are further
	// instances in the same file (their Check is ignored).
	Name string
	Also []vrrpConf
	// Extra are raw lines added to the instance block.
	Extra []string
	// Interface is the instance's interface, eth0 if empty.
	Interface string
}

// confTemplate is the user's configuration shape (seed-example.md): an
// optional health check, then instances on eth0.
var confTemplate = template.Must(template.New("conf").Parse(`global_defs {
    router_id gl-e2e
}
{{- if .Check}}

vrrp_script chk {
    script "{{.Check}}"
    interval 1
    weight {{.CheckWeight}}
    rise 1
    fall 1
    timeout 1
}
{{- end}}

{{- template "instance" .}}
{{- range .Also}}
{{template "instance" .}}
{{- end}}
{{define "instance"}}
vrrp_instance {{if .Name}}{{.Name}}{{else}}VI_1{{end}} {
    state {{.State}}
    interface {{if .Interface}}{{.Interface}}{{else}}eth0{{end}}
    virtual_router_id {{.VRID}}
    priority {{.Priority}}
    advert_int {{.AdvertInt}}
{{- if .Version}}
    version {{.Version}}
{{- end}}
{{- if .Nopreempt}}
    nopreempt
{{- end}}
{{- if .PreemptDelay}}
    preempt_delay {{.PreemptDelay}}
{{- end}}
{{- if .AuthPass}}
    authentication {
        auth_type PASS
        auth_pass {{.AuthPass}}
    }
{{- end}}
{{- if .UnicastSrc}}
    unicast_src_ip {{.UnicastSrc}}
    unicast_peer {
{{- range .Peers}}
        {{.}}
{{- end}}
    }
{{- end}}
    virtual_ipaddress {
        {{.VIP}}
{{- range .MoreVIPs}}
        {{.}}
{{- end}}
    }
{{- if .Check}}
    track_script {
        chk
    }
{{- end}}
{{- if .Notify}}
    notify {{.Notify}}
{{- end}}
{{- range .Extra}}
    {{.}}
{{- end}}
}
{{end}}`))

func (c vrrpConf) render(t testing.TB) string {
	t.Helper()
	var b bytes.Buffer
	if err := confTemplate.Execute(&b, c); err != nil {
		t.Fatalf("render config: %v", err)
	}
	return b.String()
}

// vip is the configured VIP without its prefix length.
func (c vrrpConf) vip(t testing.TB) netip.Addr {
	t.Helper()
	s, _, _ := strings.Cut(c.VIP, "/")
	a, err := netip.ParseAddr(s)
	if err != nil {
		t.Fatalf("config VIP %q: %v", c.VIP, err)
	}
	return a
}

// advert is the configured advertisement interval.
func (c vrrpConf) advert(t testing.TB) time.Duration {
	t.Helper()
	d, err := time.ParseDuration(c.AdvertInt + "s")
	if err != nil {
		t.Fatalf("config advert_int %q: %v", c.AdvertInt, err)
	}
	return d
}

// version is the VRRP version the instance runs.
func (c vrrpConf) version(t testing.TB) int {
	switch {
	case c.Version != 0:
		return c.Version
	case c.vip(t).Is6():
		return 3
	}
	return 2
}

// skew is the Skew_Time of a backup of priority prio (keepalived's v2
// ignores advert_int).
func (c vrrpConf) skew(t testing.TB, prio int) time.Duration {
	if c.version(t) == 2 {
		return time.Duration(256-prio) * time.Second / 256
	}
	return time.Duration(256-prio) * c.advert(t) / 256
}

// masterDown is the Master_Down_Interval of a backup of priority prio.
func (c vrrpConf) masterDown(t testing.TB, prio int) time.Duration {
	return 3*c.advert(t) + c.skew(t, prio)
}

// daemon kinds.
const (
	goalivedKind   = "goalived"
	keepalivedKind = "keepalived"
)

// testlab is an nstest lab whose last host is the client and whose other
// hosts are routers.
type testlab struct {
	*nstest.Lab
	t       *testing.T
	handles []*netlink.Handle
}

func newTestlab(t *testing.T, routers int) *testlab {
	t.Helper()
	lab := nstest.New(t, nstest.Hosts(routers+1))
	l := &testlab{Lab: lab, t: t}
	for i := 0; i < lab.Len(); i++ {
		l.handles = append(l.handles, lab.Handle(i))
	}
	return l
}

// routers is the number of router hosts.
func (l *testlab) routers() int { return l.Len() - 1 }

// client is the index of the client host.
func (l *testlab) client() int { return l.Len() - 1 }

// addr is host i's address of the VIP's family.
func (l *testlab) addr(i int, vip netip.Addr) netip.Addr {
	if vip.Is6() {
		return l.Host(i).Addr6
	}
	return l.Host(i).Addr4
}

// confs gives each router in hosts its configuration: base with the
// priority from prios and, when unicast, its own address as source and
// the other routers as peers.
func (l *testlab) confs(t testing.TB, base vrrpConf, unicast bool, hosts, prios []int) map[int]vrrpConf {
	t.Helper()
	vip := base.vip(t)
	out := map[int]vrrpConf{}
	for k, h := range hosts {
		c := base
		c.Priority = prios[k]
		c.Peers = nil
		if unicast {
			c.UnicastSrc = l.addr(h, vip).String()
			for _, o := range hosts {
				if o != h {
					c.Peers = append(c.Peers, l.addr(o, vip).String())
				}
			}
		}
		out[h] = c
	}
	return out
}

// node is one daemon run on a router host; restarts reuse its directory.
type node struct {
	l    *testlab
	host int
	kind string
	dir  string
	conf vrrpConf
	proc *nstest.Proc
	args []string // extra command-line options, e.g. -V
	peer *node    // the other router of a pair (pairWithA)
}

// start runs kind with conf on host i until the end of t (or stop).
func (l *testlab) start(t *testing.T, i int, kind string, conf vrrpConf) *node {
	t.Helper()
	n := &node{l: l, host: i, kind: kind, dir: t.TempDir(), conf: conf}
	n.run(t)
	return n
}

// startBackup starts router 1 once router 0 holds vip alone and returns
// when router 1 runs. Started together, a loaded machine can start the
// backup a few ms before the master: its down timer then expires before
// the master's first advert reaches it and both hold the VIP until that
// advert arrives, the protocol settling a start-up race, not a fault of
// either daemon. (keepalived's slow start makes this the common case.)
func (l *testlab) startBackup(t *testing.T, kind string, conf vrrpConf, vip netip.Addr, within time.Duration) *node {
	t.Helper()
	l.waitHolder(t, vip, 0, within)
	b := l.start(t, 1, kind, conf)
	if b.kind == goalivedKind {
		b.waitState(t, "BACKUP", startMargin)
	} else {
		nstest.WaitReady(t, b.proc, nstest.KeepalivedKind, 30*time.Second)
	}
	return b
}

func (n *node) String() string { return fmt.Sprintf("%s on host %d", n.kind, n.host) }

// run (re)starts the daemon with n.conf through the shared harness
// (nstest.StartDaemon): {{DIR}} in the configuration is the node's
// private directory, which also holds notify.sh, a notify script logging
// its arguments to notify.log.
func (n *node) run(t *testing.T) {
	t.Helper()
	d := nstest.StartDaemon(t, n.l.Lab, n.host, nstest.Kind(n.kind), n.conf.render(t), nstest.InDir(n.dir), nstest.Args(n.args...))
	p := d.Proc
	n.proc = p
	t.Cleanup(func() {
		began := time.Now()
		p.Stop()
		// goalived stops at once; keepalived takes about 1 s by design
		// and more on a loaded machine. (10 s: a machine busy creating and
		// deleting namespaces can hold the exit's netlink requests for
		// seconds.)
		if d := time.Since(began); n.kind == goalivedKind && d > 10*time.Second {
			t.Errorf("%v (pid %d) took %v to stop at cleanup", n, p.Pid(), d)
		}
	})
}

func (n *node) statusPath() string { return filepath.Join(n.dir, "status") }

// lastNotify is the last line notify.sh logged ("" before any).
func (n *node) lastNotify() string {
	b, _ := os.ReadFile(filepath.Join(n.dir, "notify.log"))
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return lines[len(lines)-1]
}

// waitNotify waits until the last notification is want.
func (n *node) waitNotify(t testing.TB, want string, within time.Duration) {
	t.Helper()
	last := ""
	waitFor(t, within, func() bool { last = n.lastNotify(); return last == want },
		func() string { return fmt.Sprintf("%v: notify %q, last logged %q", n, want, last) })
}

// notifies are the lines notify.sh logged.
func (n *node) notifies() []string {
	b, _ := os.ReadFile(filepath.Join(n.dir, "notify.log"))
	if s := strings.TrimSpace(string(b)); s != "" {
		return strings.Split(s, "\n")
	}
	return nil
}

// waitNotifyPrefix waits until a notification starting with prefix was
// logged. Notify scripts run asynchronously, also after the daemon
// exited (its STOP notifications).
func (n *node) waitNotifyPrefix(t testing.TB, prefix string, within time.Duration) {
	t.Helper()
	waitFor(t, within, func() bool {
		for _, l := range n.notifies() {
			if strings.HasPrefix(l, prefix) {
				return true
			}
		}
		return false
	}, func() string { return fmt.Sprintf("%v: a notify %q..., logged %q", n, prefix, n.notifies()) })
}

// waitMoreNotifies waits until more than had notifications were logged.
func (n *node) waitMoreNotifies(t testing.TB, had int, within time.Duration) {
	t.Helper()
	waitFor(t, within, func() bool { return len(n.notifies()) > had },
		func() string { return fmt.Sprintf("%v: more than %d notifies, logged %q", n, had, n.notifies()) })
}

// term sends SIGTERM; waitExit waits for the clean exit that follows.
func (n *node) term(t testing.TB) {
	t.Helper()
	if err := n.proc.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
}

func (n *node) waitExit(t testing.TB) {
	t.Helper()
	// Generous: a loaded machine with many namespaces coming and going
	// holds the kernel's RTNL lock for seconds, which the exit's address
	// removals wait for (seen: 30 s).
	if err := n.proc.Wait(30 * time.Second); err != nil {
		t.Fatalf("%v after SIGTERM: %v\n%s", n, err, n.proc.Output())
	}
}

// state is VI_1's state from goalived's status file ("" while the file
// is absent).
func (n *node) state(t testing.TB) string { return n.instState(t, "VI_1") }

// instState is the state of the named instance from the status file.
func (n *node) instState(t testing.TB, name string) string {
	if f := n.instLine(t, name); f != nil {
		return f[4]
	}
	return ""
}

// instLine is the named instance's line of the status file, split in
// columns (name interface vrid ver state ... reason); nil while the file
// is absent.
func (n *node) instLine(t testing.TB, name string) []string {
	t.Helper()
	if n.kind != goalivedKind {
		t.Fatalf("state of %v: only goalived writes a status file", n)
	}
	b, err := os.ReadFile(n.statusPath())
	if err != nil {
		return nil
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if !strings.HasPrefix(lines[0], "name ") {
		t.Fatalf("status file of %v: no header line:\n%s", n, b)
	}
	for _, line := range lines[1:] {
		f := strings.Fields(line)
		if len(f) < 5 || f[1] != "eth0" {
			t.Fatalf("status file of %v: unexpected instance line %q", n, line)
		}
		if f[0] == name {
			return f
		}
	}
	t.Fatalf("status file of %v: no line for instance %s:\n%s", n, name, b)
	return nil
}

// checkPriorityZeroTakeover checks that n became master because the old
// master resigned (priority-0 advert), not because its down timer ran
// out: goalived says so in the status file's reason column, keepalived
// in its log. Timing alone cannot tell at short advert intervals.
func (n *node) checkPriorityZeroTakeover(t testing.TB) {
	t.Helper()
	switch n.kind {
	case goalivedKind:
		var f []string
		waitFor(t, time.Second, func() bool { f = n.instLine(t, "VI_1"); return f != nil && f[4] == "MASTER" },
			func() string { return fmt.Sprintf("%v: MASTER in the status file, line %q", n, f) })
		if reason := f[len(f)-1]; reason != "priority_0_advert" {
			t.Errorf("%v became master with reason %q, want priority_0_advert (the resigning master's advert)", n, reason)
		}
	case keepalivedKind:
		const msg = "Backup received priority 0 advertisement"
		waitFor(t, time.Second, func() bool { return strings.Contains(n.proc.Output(), msg) },
			func() string { return fmt.Sprintf("%v to log %q", n, msg) })
	}
}

// waitState waits until goalived's status file shows want.
func (n *node) waitState(t testing.TB, want string, within time.Duration) {
	t.Helper()
	last := ""
	waitFor(t, within, func() bool { last = n.state(t); return last == want },
		func() string { return fmt.Sprintf("%v: state %s, last seen %q", n, want, last) })
}
