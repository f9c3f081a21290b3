package engine

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/goalived/goalived/netif/nstest"
)

// The integration tests of this package run the real goalived daemon in
// the hosts of an nstest lab: the trackers, sync groups and FIFOs are
// only proven when the whole daemon reacts to a file, a process, a peer.
// (Running the Engine in-process would leave goroutines and sockets in
// the wrong namespace.)

var (
	daemonOnce sync.Once
	daemonPath string
	daemonErr  error
)

// daemonBinary builds cmd/goalived once per test process.
func daemonBinary(t *testing.T) string {
	t.Helper()
	daemonOnce.Do(func() {
		dir, err := os.MkdirTemp("", "goalived-engine-bin-")
		if err != nil {
			daemonErr = err
			return
		}
		daemonPath, daemonErr = nstest.BuildGoalived(dir)
	})
	if daemonErr != nil {
		t.Fatal(daemonErr)
	}
	return daemonPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if daemonPath != "" {
		os.RemoveAll(filepath.Dir(daemonPath))
	}
	os.Exit(code)
}

// daemon is one goalived (or keepalived 2.2.7) run in a lab host, with
// a root-owned directory for its configuration, scripts and outputs.
type daemon struct {
	kind string
	dir  string
	proc *nstest.Proc
}

// Implementations the integration tests run against: every expectation
// is also checked against keepalived 2.2.7 itself when it is installed,
// so the tests pin keepalived's observed behaviour, not a guess.
var kinds = []string{"goalived", "keepalived"}

// forKinds runs f as a subtest per implementation.
func forKinds(t *testing.T, f func(t *testing.T, kind string)) {
	for _, kind := range kinds {
		t.Run(kind, func(t *testing.T) {
			if kind == "keepalived" {
				if _, err := os.Stat(keepalivedPath); err != nil {
					nstest.Unavailable(t, "keepalived 2.2.7 is not installed: %v", err)
				}
			}
			f(t, kind)
		})
	}
}

const keepalivedPath = "/usr/sbin/keepalived"

// globalDefs are the global_defs every test configuration starts with:
// scripts run as root with script security on, as in production.
const globalDefs = `global_defs {
    router_id gl-engine
    script_user root
    enable_script_security
    vrrp_notify_fifo {{DIR}}/vrrp.fifo
    vrrp_notify_fifo_script {{DIR}}/fifo.sh
}
`

// startDaemon writes conf ({{DIR}} replaced by the daemon's directory),
// a FIFO reader fifo.sh that appends every line to fifo.log, and a
// notify.sh that appends its arguments to notify.log, then starts
// goalived on host i.
func startDaemon(t *testing.T, l *nstest.Lab, i int, kind, conf string) *daemon {
	t.Helper()
	d := &daemon{kind: kind, dir: t.TempDir()}
	d.write(t, "fifo.sh", "#!/bin/sh\nexec cat \"$1\" >>"+d.path("fifo.log")+"\n", 0o755)
	d.write(t, "notify.sh", "#!/bin/sh\necho \"$*\" >>"+d.path("notify.log")+"\n", 0o755)
	d.write(t, "keepalived.conf", strings.ReplaceAll(conf, "{{DIR}}", d.dir), 0o644)
	if kind == "keepalived" {
		d.proc = l.Start(i, "env", "TMPDIR="+d.dir, keepalivedPath, "-n", "-l", "-D", "-P", "-f", d.path("keepalived.conf"),
			"-p", d.path("keepalived.pid"), "-r", d.path("vrrp.pid"))
	} else {
		d.proc = l.Start(i, daemonBinary(t), "-n", "-l", "-D", "-f", d.path("keepalived.conf"),
			"-p", d.path("goalived.pid"), "-r", d.path("vrrp.pid"), "--status-file", d.path("status"))
	}
	t.Cleanup(func() {
		d.proc.Stop()
		if t.Failed() {
			t.Logf("%s on host %d:\n%s\nfifo.log:\n%s\nnotify.log:\n%s", kind, i, d.proc.Output(), d.read("fifo.log"), d.read("notify.log"))
		}
	})
	return d
}

func (d *daemon) path(name string) string { return filepath.Join(d.dir, name) }

func (d *daemon) write(t *testing.T, name, content string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(d.path(name), []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(d.path(name), mode); err != nil {
		t.Fatal(err)
	}
}

func (d *daemon) read(name string) string {
	b, _ := os.ReadFile(d.path(name))
	return string(b)
}

// lines returns the lines of an output file.
func (d *daemon) lines(name string) []string {
	s := strings.TrimSpace(d.read(name))
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// waitLine waits until the output file has line (at least count times).
func (d *daemon) waitLine(t *testing.T, name, line string, count int, within time.Duration) {
	t.Helper()
	d.waitMatch(t, name, line, func(l string) bool { return l == line }, count, within)
}

// waitPrefix waits until the output file has a line starting with prefix.
func (d *daemon) waitPrefix(t *testing.T, name, prefix string, within time.Duration) {
	t.Helper()
	d.waitMatch(t, name, prefix+"...", func(l string) bool { return strings.HasPrefix(l, prefix) }, 1, within)
}

func (d *daemon) waitMatch(t *testing.T, name, line string, match func(string) bool, count int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		n := 0
		for _, l := range d.lines(name) {
			if match(l) {
				n++
			}
		}
		if n >= count {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %d× %q in %s; it has:\n%s", within, count, line, name, d.read(name))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// hasAddr reports whether host i has addr (as "ip -br addr" shows it).
func hasAddr(t *testing.T, l *nstest.Lab, i int, addr string) bool {
	t.Helper()
	out := l.Exec(i, "ip", "-4", "-o", "addr", "show", "dev", "eth0")
	return strings.Contains(out, " "+addr+"/")
}

func waitAddr(t *testing.T, l *nstest.Lab, i int, addr string, want bool, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for hasAddr(t, l, i, addr) != want {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for host %d to have %s = %v", within, i, addr, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// instanceConf is one fast VRRPv3 instance on eth0; extra goes inside.
func instanceConf(name string, vrid, prio int, vip, extra string) string {
	return fmt.Sprintf(`vrrp_instance %s {
    state BACKUP
    interface eth0
    virtual_router_id %d
    priority %d
    version 3
    advert_int 0.1
    virtual_ipaddress {
        %s
    }
    notify {{DIR}}/notify.sh
%s
}
`, name, vrid, prio, vip, extra)
}

// TestIntegrationMasterRxLowerPri: a master hearing a lower-priority
// advert (here from a peer that cannot hear it back, a one-way split)
// runs notify_master_rx_lower_pri with its own argv and writes
// MASTER_RX_LOWER_PRI with its own priority to the FIFO.
func TestIntegrationMasterRxLowerPri(t *testing.T) {
	forKinds(t, func(t *testing.T, kind string) {
		l := nstest.New(t, nstest.Hosts(2))
		a, b := l.Host(0), l.Host(1)
		// A's adverts go to an address nobody has; B's reach A.
		confA := globalDefs + instanceConf("VI_1", 81, 200, "192.0.2.181", fmt.Sprintf(`    unicast_src_ip %s
    unicast_peer {
        192.0.2.99
    }
    notify_master_rx_lower_pri "{{DIR}}/notify.sh rx-lower-pri"`, a.Addr4))
		confB := globalDefs + instanceConf("VI_1", 81, 100, "192.0.2.181", fmt.Sprintf(`    unicast_src_ip %s
    unicast_peer {
        %s
    }`, b.Addr4, a.Addr4))
		da := startDaemon(t, l, 0, kind, confA)
		da.waitLine(t, "fifo.log", `INSTANCE "VI_1" MASTER 200`, 1, 5*time.Second)
		startDaemon(t, l, 1, kind, confB)
		da.waitLine(t, "notify.log", "rx-lower-pri", 1, 5*time.Second)
		da.waitLine(t, "fifo.log", `INSTANCE "VI_1" MASTER_RX_LOWER_PRI 200`, 1, 2*time.Second)
		for _, line := range da.lines("notify.log") {
			if strings.Contains(line, "MASTER_RX_LOWER_PRI") {
				t.Errorf("the generic notify script ran for MASTER_RX_LOWER_PRI: %q", line)
			}
		}
		if !hasAddr(t, l, 0, "192.0.2.181") {
			t.Error("master lost its VIP")
		}
	})
}

var sprintf = fmt.Sprintf
