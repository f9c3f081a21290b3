package main

import (
	"bytes"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"text/template"
	"time"

	"github.com/goalived/goalived/netif/nstest"
)

// The user's case (seed-example.md) for real: two hosts each run an MIT
// Kerberos KDC serving one realm from a copy of the same database, and a
// VRRP daemon whose vrrp_script chk_kinit runs kinit against the LOCAL
// KDC. Clients use only the VIP. When the master's KDC hangs (SIGSTOP:
// alive but stuck, the failure the user worries about), its check times
// out, its priority drops by 50 below the other node's, and the VIP with
// the clients' Kerberos traffic moves; when the KDC recovers (SIGCONT),
// rise successes later the VIP comes back (preemption).

const (
	kdcRealm     = "GOALIVED.TEST"
	kdcPrincipal = "tester"
	kdcVIP       = "192.0.2.100"
	kdcHiPrio    = 150 // node A; 150-50 = 100 falls below node B
	kdcLoPrio    = 120
	kdcWeight    = -50
	kdcInterval  = 2 * time.Second // > timeout: a timed-out run never makes the next one skip
	kdcTimeout   = 1 * time.Second
	kdcFall      = 2
	kdcRise      = 2
	kdcAdvert    = 1 * time.Second
)

// kdcTools are the Kerberos programs the test needs.
var kdcTools = []string{"krb5kdc", "kdb5_util", "kadmin.local", "kinit"}

// needKDCTools skips (fails in CI) when MIT Kerberos is not installed.
func needKDCTools(t *testing.T) {
	t.Helper()
	for _, tool := range kdcTools {
		nstest.Program(t, tool, "krb5-kdc krb5-admin-server krb5-user")
	}
}

// kdcProfile is a kdc.conf for a database in dir.
func kdcProfile(dir string) string {
	return fmt.Sprintf(`[kdcdefaults]
    kdc_ports = 88
    kdc_tcp_ports = 88
[realms]
    %[1]s = {
        database_name = %[2]s/principal
        key_stash_file = %[2]s/stash
        acl_file = %[2]s/kadm5.acl
    }
[logging]
    kdc = FILE:%[2]s/kdc.log
`, kdcRealm, dir)
}

// krb5Conf is a client krb5.conf whose only KDC is kdc.
func krb5Conf(kdc string) string {
	return fmt.Sprintf(`[libdefaults]
    default_realm = %[1]s
    dns_lookup_kdc = false
    dns_lookup_realm = false
    rdns = false
    ignore_acceptor_hostname = true
[realms]
    %[1]s = {
        kdc = %[2]s
    }
`, kdcRealm, kdc)
}

func writeFile(t *testing.T, path, content string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil { // umask
		t.Fatal(err)
	}
}

// kdcDB creates the realm's database and a keytab for the test principal
// in a fresh directory (no network needed) and returns the directory.
func kdcDB(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "kdc.conf"), kdcProfile(dir), 0o644)
	writeFile(t, filepath.Join(dir, "krb5.conf"), krb5Conf("127.0.0.1"), 0o644)
	env := append(os.Environ(), "KRB5_KDC_PROFILE="+filepath.Join(dir, "kdc.conf"), "KRB5_CONFIG="+filepath.Join(dir, "krb5.conf"))
	run := func(name string, args ...string) {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s %v: %v\n%s", name, args, err, out)
		}
	}
	run("kdb5_util", "-r", kdcRealm, "create", "-s", "-P", "goalived-master-key")
	run("kadmin.local", "-r", kdcRealm, "-q", "addprinc -randkey "+kdcPrincipal)
	run("kadmin.local", "-r", kdcRealm, "-q", "ktadd -k "+filepath.Join(dir, "tester.keytab")+" "+kdcPrincipal)
	return dir
}

// kdcHost is one router host's KDC with its own copy of the database.
type kdcHost struct {
	dir  string
	proc *nstest.Proc
}

// startKDC copies the database to a directory of host i and runs krb5kdc
// in the foreground in host i's namespace.
func startKDC(t *testing.T, l *testlab, i int, db string) *kdcHost {
	t.Helper()
	dir := t.TempDir()
	for _, f := range []string{"principal", "principal.kadm5", "principal.kadm5.lock", "principal.ok", "stash", "tester.keytab"} {
		b, err := os.ReadFile(filepath.Join(db, f))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(dir, f), string(b), 0o600)
	}
	writeFile(t, filepath.Join(dir, "kdc.conf"), kdcProfile(dir), 0o644)
	// The local check asks this host's own KDC, on its own address.
	writeFile(t, filepath.Join(dir, "krb5.conf"), krb5Conf(l.Host(i).Addr4.String()), 0o644)
	k := &kdcHost{dir: dir}
	k.proc = l.Start(i, "env", "KRB5_KDC_PROFILE="+filepath.Join(dir, "kdc.conf"),
		"KRB5_CONFIG="+filepath.Join(dir, "krb5.conf"), "krb5kdc", "-n")
	// A stopped KDC ignores SIGTERM until continued: resume it before the
	// lab's cleanup stops it (cleanups run last registered first).
	t.Cleanup(func() {
		_ = k.proc.Signal(syscall.SIGCONT)
		if t.Failed() {
			log, _ := os.ReadFile(filepath.Join(dir, "kdc.log"))
			t.Logf("KDC on host %d (pid %d): %s\nlog:\n%s", i, k.proc.Pid(), k.proc.Output(), lastLines(string(log), 20))
		}
	})
	// Ready when a local kinit works.
	var out string
	var err error
	waitFor(t, 10*time.Second, func() bool { out, err = kinitIn(l.Host(i).Name, dir, 2*time.Second); return err == nil },
		func() string { return fmt.Sprintf("KDC on host %d answering kinit: %v %s", i, err, out) })
	return k
}

// kinitIn runs kinit with the keytab in dir against the KDC of dir's
// krb5.conf, inside namespace ns, bounded by limit.
func kinitIn(ns, dir string, limit time.Duration) (string, error) {
	return nstest.Run(ns, "env", "KRB5_CONFIG="+filepath.Join(dir, "krb5.conf"), "KRB5CCNAME=MEMORY:",
		"timeout", fmt.Sprintf("%.1f", limit.Seconds()),
		"kinit", "-kt", filepath.Join(dir, "tester.keytab"), kdcPrincipal)
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// kdcConfTemplate is the user's configuration (seed-example.md) with the
// lab's interface and addresses, its odd indentation, blank lines and
// UTF-8 comments, shorter timers, and script security as a production
// setup should have it.
var kdcConfTemplate = template.Must(template.New("kdc").Parse(`global_defs {
   router_id keep_kinit
   script_user root
   enable_script_security
}

vrrp_script chk_kinit {

    script "{{.Dir}}/chk_kinit.sh"    # 检查本地 KDC

    interval {{.Interval}}         # 检查间隔
    weight {{.Weight}}          # 失败时优先级 -50
        rise {{.Rise}}                          # 成功次数
        fall {{.Fall}}                          # 失败次数
        timeout {{.Timeout}}                       # 超时

}

vrrp_instance VI_1 {

    state {{.State}}           # MASTER 或 BACKUP
    interface eth0
    virtual_router_id 69
    priority {{.Priority}}
    advert_int 1

    authentication {
        auth_type PASS
        auth_pass 11111
    }

    virtual_ipaddress {
        {{.VIP}}
    }

    track_script {
        chk_kinit
    }

        notify {{.Dir}}/notify.sh
}
`))

type kdcNodeConf struct {
	Dir                          string
	State                        string
	Priority, Weight, Rise, Fall int
	Interval, Timeout            int // seconds
	VIP                          string
}

// kdcNode is one VRRP daemon of the scenario.
type kdcNode struct {
	kind, dir string
	host      int
	proc      *nstest.Proc
}

// startKDCNode writes the scripts and configuration of host i into a
// fresh root-owned directory and starts kind there.
func startKDCNode(t *testing.T, l *testlab, i int, kind, state string, prio int, kdc *kdcHost) *kdcNode {
	t.Helper()
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// The user's chk_kinit.sh, against the local KDC of this host.
	writeFile(t, filepath.Join(dir, "chk_kinit.sh"), fmt.Sprintf(`#!/bin/sh
export KRB5_CONFIG=%[1]s/krb5.conf
export KRB5CCNAME=MEMORY:
date >>%[2]s/chk.log
exec kinit %[3]s -kt %[1]s/tester.keytab >>%[2]s/chk.log 2>&1
`, kdc.dir, dir, kdcPrincipal), 0o755)
	writeFile(t, filepath.Join(dir, "notify.sh"), fmt.Sprintf(`#!/bin/sh
echo "$*" >>%s/notify.log
`, dir), 0o755)
	var b bytes.Buffer
	err := kdcConfTemplate.Execute(&b, kdcNodeConf{
		Dir: dir, State: state, Priority: prio, Weight: kdcWeight, Rise: kdcRise, Fall: kdcFall,
		Interval: int(kdcInterval / time.Second), Timeout: int(kdcTimeout / time.Second), VIP: kdcVIP,
	})
	if err != nil {
		t.Fatal(err)
	}
	cf := filepath.Join(dir, "keepalived.conf")
	writeFile(t, cf, b.String(), 0o644)
	n := &kdcNode{kind: kind, dir: dir, host: i}
	pid, vrrpPid := filepath.Join(dir, "daemon.pid"), filepath.Join(dir, "vrrp.pid")
	switch kind {
	case goalivedKind:
		n.proc = l.Start(i, goalivedBinary(t), "-n", "-l", "-D", "-f", cf, "-p", pid, "-r", vrrpPid,
			"--status-file", filepath.Join(dir, "status"))
	case keepalivedKind:
		n.proc = l.Start(i, "env", "TMPDIR="+dir, keepalivedBinary(t), "-n", "-l", "-D", "-P", "-f", cf,
			"-p", pid, "-r", vrrpPid)
	}
	t.Cleanup(func() {
		n.proc.Stop()
		if t.Failed() {
			nl, _ := os.ReadFile(filepath.Join(dir, "notify.log"))
			cl, _ := os.ReadFile(filepath.Join(dir, "chk.log"))
			t.Logf("%s on host %d (pid %d):\n%s\nnotify.log:\n%s\nchk.log (tail):\n%s", kind, i, n.proc.Pid(),
				lastLines(n.proc.Output(), 60), nl, lastLines(string(cl), 10))
		}
	})
	return n
}

// notified returns the notify.sh lines seen so far.
func (n *kdcNode) notified() []string {
	b, _ := os.ReadFile(filepath.Join(n.dir, "notify.log"))
	return strings.Split(strings.TrimSpace(string(b)), "\n")
}

// waitNotified waits until notify.sh was called with line for the
// count-th time.
func (n *kdcNode) waitNotified(t *testing.T, line string, count int, within time.Duration) {
	t.Helper()
	waitFor(t, within, func() bool {
		seen := 0
		for _, l := range n.notified() {
			if l == line {
				seen++
			}
		}
		return seen >= count
	}, func() string {
		return fmt.Sprintf("%s on host %d: notify.sh called with %q %d times; calls so far %q", n.kind, n.host, line, count, n.notified())
	})
}

// kinitLoop is the client: kinit against the VIP every 200 ms, each try
// bounded by 1.5 s, recording when tries succeed.
type kinitLoop struct {
	mu    sync.Mutex
	oks   []time.Time
	fails int
	last  string
	stop  chan struct{}
	done  chan struct{}
}

func startKinitLoop(t *testing.T, l *testlab, dir string) *kinitLoop {
	k := &kinitLoop{stop: make(chan struct{}), done: make(chan struct{})}
	ns := l.Host(l.client()).Name
	go func() {
		defer close(k.done)
		for {
			out, err := kinitIn(ns, dir, 1500*time.Millisecond)
			k.mu.Lock()
			if err == nil {
				k.oks = append(k.oks, time.Now())
			} else {
				k.fails++
				k.last = out + err.Error()
			}
			k.mu.Unlock()
			select {
			case <-k.stop:
				return
			case <-time.After(200 * time.Millisecond):
			}
		}
	}()
	t.Cleanup(func() { close(k.stop); <-k.done })
	return k
}

// okSince reports whether a kinit started after since succeeded.
func (k *kinitLoop) okSince(since time.Time) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.oks) > 0 && k.oks[len(k.oks)-1].After(since)
}

// failures is the number of failed tries so far.
func (k *kinitLoop) failures() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.fails
}

func (k *kinitLoop) String() string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return fmt.Sprintf("%d successes, %d failures, last failure %q", len(k.oks), k.fails, k.last)
}

// TestIntegrationKDCFailover runs the user's KDC scenario with goalived
// on both nodes, then with keepalived 2.2.7 as the backup node and as
// the master node. Node A (host 0) is MASTER with priority 150, node B
// (host 1) BACKUP with 120; host 2 is the Kerberos client.
func TestIntegrationKDCFailover(t *testing.T) {
	t.Parallel()
	needKDCTools(t)
	l := newTestlab(t, 2)
	db := kdcDB(t)
	kdcs := []*kdcHost{startKDC(t, l, 0, db), startKDC(t, l, 1, db)}
	// The client's krb5.conf names only the VIP.
	cdir := t.TempDir()
	for _, f := range []string{"tester.keytab"} {
		b, err := os.ReadFile(filepath.Join(db, f))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(cdir, f), string(b), 0o600)
	}
	writeFile(t, filepath.Join(cdir, "krb5.conf"), krb5Conf(kdcVIP), 0o644)

	pairs := []struct {
		name string
		a, b string
	}{
		{"goalived-goalived", goalivedKind, goalivedKind},
		{"goalived-keepalived", goalivedKind, keepalivedKind},
		{"keepalived-goalived", keepalivedKind, goalivedKind},
	}
	for _, p := range pairs {
		t.Run(p.name, func(t *testing.T) {
			if p.a == keepalivedKind || p.b == keepalivedKind {
				keepalivedBinary(t)
			}
			kdcScenario(t, l, kdcs, cdir, p.a, p.b)
		})
	}
}

func kdcScenario(t *testing.T, l *testlab, kdcs []*kdcHost, cdir, kindA, kindB string) {
	vip := netip.MustParseAddr(kdcVIP)
	// Master_Down_Interval of VRRPv2 (skew ignores advert_int, 3.9).
	mdi := func(prio int) time.Duration { return 3*kdcAdvert + time.Duration(256-prio)*time.Second/256 }

	a := startKDCNode(t, l, 0, kindA, "MASTER", kdcHiPrio, kdcs[0])
	b := startKDCNode(t, l, 1, kindB, "BACKUP", kdcLoPrio, kdcs[1])
	l.waitHolder(t, vip, 0, 2*mdi(kdcLoPrio)+startMargin)
	a.waitNotified(t, fmt.Sprintf("INSTANCE VI_1 MASTER %d", kdcHiPrio), 1, 10*time.Second)
	b.waitNotified(t, fmt.Sprintf("INSTANCE VI_1 BACKUP %d", kdcLoPrio), 1, 10*time.Second)
	client := startKinitLoop(t, l, cdir)
	now := time.Now()
	waitFor(t, 20*time.Second, func() bool { return client.okSince(now) },
		func() string { return "client kinit via the VIP: " + client.String() })

	// Node A's KDC hangs: alive, port open, no answers.
	if err := kdcs[0].proc.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	stopped, failsBefore := time.Now(), client.failures()
	cont := func() {
		if err := kdcs[0].proc.Signal(syscall.SIGCONT); err != nil {
			t.Error(err)
		}
	}
	defer func() {
		if t.Failed() {
			cont()
		}
	}()
	bound := time.Duration(kdcFall)*kdcInterval + kdcTimeout + mdi(kdcLoPrio) + time.Second
	l.waitHolder(t, vip, 1, bound)
	moved := time.Since(stopped)
	// The clients did hang on the frozen KDC until the VIP moved: the
	// user's problem, which the failover ends.
	if client.failures() == failsBefore {
		t.Errorf("no client kinit failed while node A's KDC was frozen (%s): the freeze was not effective", client)
	}
	t.Logf("%s -> %s: VIP moved %v after the KDC froze (bound %v)", kindA, kindB, moved, bound)
	a.waitNotified(t, fmt.Sprintf("INSTANCE VI_1 BACKUP %d", kdcHiPrio+kdcWeight), 1, 10*time.Second)
	b.waitNotified(t, fmt.Sprintf("INSTANCE VI_1 MASTER %d", kdcLoPrio), 1, 10*time.Second)
	movedAt := time.Now()
	waitFor(t, 20*time.Second, func() bool { return client.okSince(movedAt) },
		func() string { return "client kinit via the VIP after failover: " + client.String() })
	l.steadyHolder(t, vip, 1, 2*time.Second)

	// The KDC recovers: after rise successes node A's priority is back and
	// it preempts node B.
	cont()
	resumed := time.Now()
	back := time.Duration(kdcRise)*kdcInterval + kdcTimeout + mdi(kdcHiPrio) + time.Second
	l.waitHolder(t, vip, 0, back)
	t.Logf("VIP back on node A %v after the KDC resumed (bound %v)", time.Since(resumed), back)
	a.waitNotified(t, fmt.Sprintf("INSTANCE VI_1 MASTER %d", kdcHiPrio), 2, 10*time.Second)
	b.waitNotified(t, fmt.Sprintf("INSTANCE VI_1 BACKUP %d", kdcLoPrio), 2, 10*time.Second)
	backAt := time.Now()
	waitFor(t, 20*time.Second, func() bool { return client.okSince(backAt) },
		func() string { return "client kinit via the VIP after failback: " + client.String() })
}
