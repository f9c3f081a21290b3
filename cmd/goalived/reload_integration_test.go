package main

import (
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"

	"github.com/goalived/goalived/netif"
	"github.com/goalived/goalived/netif/nstest"
)

// reloadConf is the config under test: VI_1 (VRRPv3, 0.5 s adverts) with
// a notify script that logs every call, and optionally VI_2.
func reloadConf(dir string, extraVIP, withVI2 bool, junk string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "global_defs {\n  router_id reload_test\n  script_user root\n  enable_script_security\n%s}\n", junk)
	fmt.Fprintf(&b, `vrrp_instance VI_1 {
  state MASTER
  interface eth0
  virtual_router_id 51
  priority 150
  version 3
  advert_int 0.5
  virtual_ipaddress {
    192.0.2.100
`)
	if extraVIP {
		b.WriteString("    192.0.2.101\n")
	}
	fmt.Fprintf(&b, "  }\n  notify \"%s/notify.sh\"\n}\n", dir)
	if withVI2 {
		b.WriteString(`vrrp_instance VI_2 {
  interface eth0
  virtual_router_id 52
  priority 150
  version 3
  advert_int 0.5
  virtual_ipaddress {
    192.0.2.200
  }
}
`)
	}
	return b.String()
}

// TestIntegrationReload: 50 reloads of an unchanged config move nothing
// (the VIP never leaves, no advert is missed, no notify runs); a broken
// config is refused; a changed one adds a VIP and removes an instance.
func TestIntegrationReload(t *testing.T) {
	t.Parallel()
	lab := nstest.New(t, nstest.Hosts(2))
	bin := goalivedBinary(t)
	dir := reloadDir(t)
	conf := filepath.Join(dir, "keepalived.conf")
	write := func(s string) {
		t.Helper()
		if err := os.WriteFile(conf, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(reloadConf(dir, false, true, ""))
	status := filepath.Join(dir, "status")
	p := lab.Start(0, bin, "-n", "-l", "-D", "-f", conf, "-p", filepath.Join(dir, "k.pid"),
		"-r", filepath.Join(dir, "v.pid"), "--status-file", status)
	reloadWaitStatus(t, p, status, "VI_1", "MASTER", 10*time.Second)
	reloadWaitStatus(t, p, status, "VI_2", "MASTER", 10*time.Second)

	// The notify script of the transition to MASTER runs beside the
	// status file's update: wait for its line before counting.
	waitFor(t, 10*time.Second, func() bool { return strings.Contains(reloadNotifies(t, dir), "INSTANCE VI_1 MASTER") },
		func() string { return "the MASTER notify\n" + p.Output() })
	adverts := reloadListen(t, lab)
	vipGone := reloadWatchVIP(t, lab.Host(0).Name, netip.MustParsePrefix("192.0.2.100/32"))
	notifiesBefore := reloadNotifies(t, dir)
	time.Sleep(time.Second)
	// Standard signals do not queue: a HUP sent while another is pending
	// merges with it. Send the next one once the previous reload is done.
	for i := range 50 {
		if err := p.Signal(syscall.SIGHUP); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(5 * time.Second)
		for strings.Count(p.Output(), ": Reload complete\n") < i+1 {
			if time.Now().After(deadline) {
				t.Fatalf("reload %d not logged after 5 s:\n%s", i+1, p.Output())
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	time.Sleep(time.Second)
	if n := vipGone(); n != 0 {
		t.Errorf("VIP missing in %d samples during 50 reloads", n)
	}
	if gap := adverts(); gap > time.Second {
		t.Errorf("longest gap between adverts during reloads: %v, want < 1s (advert_int 0.5)", gap)
	}
	if got := reloadNotifies(t, dir); got != notifiesBefore {
		t.Errorf("notify ran during reloads of an unchanged config:\nbefore: %q\nafter:  %q", notifiesBefore, got)
	}
	if got := strings.Count(p.Output(), ": Reload complete\n"); got != 50 {
		t.Errorf("daemon logged %d reloads, want 50\n%s", got, p.Output())
	}

	write(reloadConf(dir, false, true, "  bogus_keyword_for_test 1\n"))
	if err := p.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	reloadWaitOutput(t, p, "reload refused", 5*time.Second)
	reloadWaitStatus(t, p, status, "VI_2", "MASTER", time.Second)

	write(reloadConf(dir, true, false, ""))
	if err := p.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	reloadWaitAddr(t, lab, "192.0.2.101/32", true, 5*time.Second)
	reloadWaitAddr(t, lab, "192.0.2.200/32", false, 5*time.Second)
	reloadWaitAddr(t, lab, "192.0.2.100/32", true, time.Second)
	if st, _ := os.ReadFile(status); strings.Contains(string(st), "VI_2") {
		t.Errorf("VI_2 still in the status file after its removal:\n%s", st)
	}
}

func reloadDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("/tmp", "goalived-reload-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	// enable_script_security wants root-owned, not group/other writable
	// directories on the script's path.
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	script := "#!/bin/sh\necho \"$@\" >> " + filepath.Join(dir, "notify.log") + "\n"
	if err := os.WriteFile(filepath.Join(dir, "notify.sh"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func reloadNotifies(t *testing.T, dir string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "notify.log"))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return string(b)
}

func reloadWaitStatus(t *testing.T, p *nstest.Proc, path, name, state string, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		b, _ := os.ReadFile(path)
		for _, line := range strings.Split(string(b), "\n") {
			f := strings.Fields(line)
			if len(f) > 4 && f[0] == name && f[4] == state {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	b, _ := os.ReadFile(path)
	t.Fatalf("%s not %s after %v; status file:\n%s\nlog:\n%s", name, state, d, b, p.Output())
}

func reloadWaitOutput(t *testing.T, p *nstest.Proc, want string, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if strings.Contains(p.Output(), want) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("log has no %q after %v:\n%s", want, d, p.Output())
}

func reloadWaitAddr(t *testing.T, lab *nstest.Lab, prefix string, present bool, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		out := lab.Exec(0, "ip", "-4", "addr", "show", "dev", "eth0")
		if strings.Contains(out, " "+prefix+" ") == present {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("address %s present=%v not reached after %v:\n%s", prefix, present, d, out)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// reloadWatchVIP samples host ns's addresses every millisecond and returns
// a function that stops sampling and reports how often want was missing.
func reloadWatchVIP(t *testing.T, ns string, want netip.Prefix) func() int {
	t.Helper()
	nsh, err := netns.GetFromName(ns)
	if err != nil {
		t.Fatal(err)
	}
	h, err := netlink.NewHandleAt(nsh)
	if err != nil {
		t.Fatal(err)
	}
	link, err := h.LinkByName("eth0")
	if err != nil {
		t.Fatal(err)
	}
	var missing atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
			list, err := h.AddrList(link, netlink.FAMILY_V4)
			if err != nil {
				continue
			}
			found := false
			for _, a := range list {
				if p, ok := netip.AddrFromSlice(a.IP); ok && p.Unmap() == want.Addr() {
					found = true
				}
			}
			if !found {
				missing.Add(1)
			}
		}
	})
	var once sync.Once
	done := func() int {
		once.Do(func() {
			close(stop)
			wg.Wait()
			h.Close()
			nsh.Close()
		})
		return int(missing.Load())
	}
	t.Cleanup(func() { done() })
	return done
}

// reloadListen receives VI_1's adverts on host 1 and returns a function
// that stops and reports the longest gap between two of them.
func reloadListen(t *testing.T, lab *nstest.Lab) func() time.Duration {
	t.Helper()
	var conn *netif.Conn
	lab.Do(1, func() {
		var err error
		if conn, err = netif.Listen(netif.Config{Ifname: "eth0", Family: 4}); err != nil {
			t.Fatal(err)
		}
	})
	var maxGap atomic.Int64
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 2048)
		var last time.Time
		for {
			p, err := conn.ReadPacket(buf)
			if err != nil {
				if strings.Contains(err.Error(), "closed") {
					return
				}
				continue
			}
			if len(p.Payload) < 2 || p.Payload[1] != 51 {
				continue
			}
			now := time.Now()
			if !last.IsZero() && int64(now.Sub(last)) > maxGap.Load() {
				maxGap.Store(int64(now.Sub(last)))
			}
			last = now
		}
	}()
	var once sync.Once
	stop := func() time.Duration {
		once.Do(func() {
			conn.Close()
			<-done
		})
		return time.Duration(maxGap.Load())
	}
	t.Cleanup(func() { stop() })
	return stop
}
