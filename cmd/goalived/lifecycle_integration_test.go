package main

import (
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/goalived/goalived/netif/nstest"
)

// TestIntegrationStartupShutdownScriptsAndUnknownVRIDs: startup_script
// runs before the instances, shutdown_script after they stopped, and
// log_unknown_vrids reports an advert for a VRID nobody here runs, once.
func TestIntegrationStartupShutdownScriptsAndUnknownVRIDs(t *testing.T) {
	t.Parallel()
	lab := nstest.New(t, nstest.Hosts(2))
	bin := goalivedBinary(t)
	dir, err := os.MkdirTemp("/tmp", "goalived-life-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	marker := filepath.Join(dir, "events")
	sh := filepath.Join(dir, "mark.sh")
	if err := os.WriteFile(sh, []byte("#!/bin/sh\necho \"$1\" >> "+marker+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	conf := func(vrid int, extra string) string {
		return fmt.Sprintf(`global_defs {
  script_user root
  enable_script_security
%s}
vrrp_instance VI_%d {
  interface eth0
  virtual_router_id %d
  priority 100
  version 3
  advert_int 0.1
  virtual_ipaddress {
    192.0.2.%d
  }
}
`, extra, vrid, vrid, vrid)
	}
	procs := make([]*nstest.Proc, 2)
	for i, c := range []string{
		conf(91, ""),
		conf(92, fmt.Sprintf("  log_unknown_vrids\n  startup_script \"%s started\"\n  shutdown_script \"%s stopped\"\n", sh, sh)),
	} {
		d := filepath.Join(dir, fmt.Sprint(i))
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(d, "k.conf")
		if err := os.WriteFile(path, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
		procs[i] = lab.Start(i, bin, "-n", "-l", "-f", path, "-p", filepath.Join(d, "k.pid"), "-r", filepath.Join(d, "v.pid"),
			"--status-file", filepath.Join(d, "status"))
	}
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(procs[1].Output(), "Unknown VRID(91) received on interface(eth0)") {
		if time.Now().After(deadline) {
			t.Fatalf("no unknown-VRID line for VRID 91:\n%s", procs[1].Output())
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond) // several more adverts of VRID 91
	if n := strings.Count(procs[1].Output(), "Unknown VRID(91) received on interface(eth0)"); n != 1 {
		t.Errorf("VRID 91 logged %d times, want once:\n%s", n, procs[1].Output())
	}
	if err := procs[1].Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := procs[1].Wait(10 * time.Second); err != nil {
		t.Fatalf("stop: %v\n%s", err, procs[1].Output())
	}
	b, _ := os.ReadFile(marker)
	if got := string(b); got != "started\nstopped\n" {
		t.Errorf("script events %q, want started then stopped\nlog:\n%s", got, procs[1].Output())
	}
}

// TestIntegrationStartupDelay: with vrrp_startup_delay an address owner,
// which otherwise takes its VIP at once, waits for the delay first.
func TestIntegrationStartupDelay(t *testing.T) {
	t.Parallel()
	lab := nstest.New(t, nstest.Hosts(1))
	conf := `global_defs {
  vrrp_startup_delay 1.5
}
vrrp_instance VI_D {
  state MASTER
  interface eth0
  virtual_router_id 94
  priority 255
  virtual_ipaddress {
    192.0.2.194
  }
}
`
	start := time.Now()
	startGoalived(t, lab, 0, conf)
	// Generous: the delay is a lower bound; a loaded machine adds to it.
	lab.WaitAddr(0, netip.MustParseAddr("192.0.2.194"), true, 30*time.Second)
	if d := time.Since(start); d < 1500*time.Millisecond {
		t.Errorf("owner took its VIP after %v, before the 1.5 s startup delay", d)
	}
}

// TestIntegrationUnicastFaultNoPeer: a unicast instance without peers
// stays in FAULT with unicast_fault_no_peer, instead of using multicast.
func TestIntegrationUnicastFaultNoPeer(t *testing.T) {
	t.Parallel()
	lab := nstest.New(t, nstest.Hosts(1))
	conf := `vrrp_instance VI_U {
  interface eth0
  virtual_router_id 95
  priority 100
  unicast_src_ip 192.0.2.11
  unicast_fault_no_peer
  virtual_ipaddress {
    192.0.2.195
  }
}
`
	p := startGoalived(t, lab, 0, conf)
	status := p.status
	reloadWaitStatus(t, p.Proc, status, "VI_U", "FAULT", 5*time.Second)
	time.Sleep(4 * time.Second) // longer than the master-down interval
	reloadWaitStatus(t, p.Proc, status, "VI_U", "FAULT", time.Second)
	if strings.Contains(lab.Exec(0, "ip", "addr", "show", "dev", "eth0"), "192.0.2.195") {
		t.Error("a FAULT instance holds its VIP")
	}
}

// TestIntegrationTrackSrcIP: with track_src_ip the instance is in FAULT
// while its configured source address is missing from its interface.
func TestIntegrationTrackSrcIP(t *testing.T) {
	t.Parallel()
	lab := nstest.New(t, nstest.Hosts(1))
	conf := `vrrp_instance VI_T {
  interface eth0
  virtual_router_id 96
  priority 255
  version 3
  advert_int 0.1
  mcast_src_ip 192.0.2.96
  track_src_ip
  virtual_ipaddress {
    192.0.2.196
  }
}
`
	lab.Exec(0, "ip", "addr", "add", "192.0.2.96/24", "dev", "eth0")
	p := startGoalived(t, lab, 0, conf)
	status := p.status
	reloadWaitStatus(t, p.Proc, status, "VI_T", "MASTER", 5*time.Second)
	lab.Exec(0, "ip", "addr", "del", "192.0.2.96/24", "dev", "eth0")
	reloadWaitStatus(t, p.Proc, status, "VI_T", "FAULT", 5*time.Second)
	lab.Exec(0, "ip", "addr", "add", "192.0.2.96/24", "dev", "eth0")
	reloadWaitStatus(t, p.Proc, status, "VI_T", "MASTER", 5*time.Second)
}
