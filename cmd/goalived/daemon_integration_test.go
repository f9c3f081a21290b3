package main

import (
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/goalived/goalived/netif/nstest"
)

const daemonConf = `global_defs {
  router_id daemon_test
}
vrrp_instance VI_1 {
  state MASTER
  interface eth0
  virtual_router_id 61
  priority 255
  version 3
  advert_int 0.1
  virtual_ipaddress {
    192.0.2.161
  }
}
`

// TestIntegrationDaemonDetachesAndStops: without -n goalived detaches,
// writes its pid file once running, holds the VIP, refuses a second copy
// with the same pid file, and on TERM removes its VIP and pid file.
func TestIntegrationDaemonDetachesAndStops(t *testing.T) {
	t.Parallel()
	lab := nstest.New(t, nstest.Hosts(1))
	bin := goalivedBinary(t)
	dir := t.TempDir()
	conf := filepath.Join(dir, "keepalived.conf")
	if err := os.WriteFile(conf, []byte(daemonConf), 0o644); err != nil {
		t.Fatal(err)
	}
	pidFile := filepath.Join(dir, "keepalived.pid")
	args := []string{"-f", conf, "-D", "-p", pidFile, "-r", filepath.Join(dir, "vrrp.pid"), "--status-file", filepath.Join(dir, "status")}
	start := time.Now()
	if out, err := lab.Run(0, bin, args...); err != nil {
		t.Fatalf("goalived did not detach cleanly: %v\n%s", err, out)
	}
	t.Logf("parent returned after %v", time.Since(start))
	pid := readPidT(t, pidFile)
	t.Cleanup(func() { _ = syscall.Kill(pid, syscall.SIGKILL) })
	if sid, _ := syscall.Getpgid(pid); sid != pid {
		t.Errorf("daemon pid %d is not a process group leader (pgid %d): not detached", pid, sid)
	}
	waitVIP(t, lab, "192.0.2.161/32", true)

	out, err := lab.Run(0, bin, append([]string{"-n"}, args...)...)
	var ee *exec.ExitError
	if err == nil || !errors.As(err, &ee) || ee.ExitCode() == 0 {
		t.Errorf("a second goalived with the same pid file started: err=%v\n%s", err, out)
	}
	if got := readPidT(t, pidFile); got != pid {
		t.Errorf("pid file rewritten by the second copy: %d, want %d", got, pid)
	}

	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for syscall.Kill(pid, 0) == nil && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if syscall.Kill(pid, 0) == nil {
		t.Fatalf("daemon %d still running 5 s after SIGTERM", pid)
	}
	waitVIP(t, lab, "192.0.2.161/32", false)
	if _, err := os.Stat(pidFile); !os.IsNotExist(err) {
		t.Errorf("pid file left after a clean stop: %v", err)
	}
}

// TestIntegrationDaemonSdNotify: under systemd (NOTIFY_SOCKET) goalived
// says READY=1 once running, RELOADING=1 and READY=1 around a reload, and
// STOPPING=1 when it stops.
func TestIntegrationDaemonSdNotify(t *testing.T) {
	t.Parallel()
	lab := nstest.New(t, nstest.Hosts(1))
	bin := goalivedBinary(t)
	dir := t.TempDir()
	conf := filepath.Join(dir, "keepalived.conf")
	if err := os.WriteFile(conf, []byte(daemonConf), 0o644); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "notify.sock")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	p := lab.Start(0, "env", "NOTIFY_SOCKET="+sock, bin, "-n", "-l", "-f", conf, "-p", filepath.Join(dir, "k.pid"),
		"-r", filepath.Join(dir, "v.pid"), "--status-file", filepath.Join(dir, "status"))
	expect := func(want string) {
		t.Helper()
		conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		buf := make([]byte, 256)
		n, _, err := conn.ReadFromUnix(buf)
		if err != nil {
			t.Fatalf("waiting for %q: %v\n%s", want, err, p.Output())
		}
		if got := string(buf[:n]); got != want {
			t.Fatalf("sd_notify got %q, want %q", got, want)
		}
	}
	expect("READY=1")
	if err := p.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	expect("RELOADING=1")
	expect("READY=1")
	if err := p.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	expect("STOPPING=1")
	if err := p.Wait(5 * time.Second); err != nil {
		t.Errorf("exit after TERM: %v\n%s", err, p.Output())
	}
}

func readPidT(t *testing.T, path string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("pid file: %v", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || !strings.HasSuffix(string(b), "\n") {
		t.Fatalf("pid file %q is not keepalived's \"PID\\n\"", b)
	}
	return pid
}

func waitVIP(t *testing.T, lab *nstest.Lab, prefix string, present bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		out := lab.Exec(0, "ip", "addr", "show", "dev", "eth0")
		if strings.Contains(out, " "+prefix+" ") == present {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s present=%v not reached:\n%s", prefix, present, out)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
