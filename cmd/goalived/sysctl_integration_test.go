package main

import (
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/goalived/goalived/netif/nstest"
)

// TestIntegrationSysctlsSetAndRestored: promote_secondaries and
// disable_local_igmp set their kernel settings while the daemon runs and
// the original values come back when it stops, as keepalived does.
func TestIntegrationSysctlsSetAndRestored(t *testing.T) {
	t.Parallel()
	lab := nstest.New(t, nstest.Hosts(1))
	conf := `global_defs {
  disable_local_igmp
}
vrrp_instance VI_S {
  interface eth0
  virtual_router_id 93
  priority 100
  promote_secondaries
  virtual_ipaddress {
    192.0.2.193
  }
}
`
	read := func() string {
		return strings.Join(strings.Fields(lab.Exec(0, "sysctl", "-n", "net.ipv4.conf.eth0.promote_secondaries", "net.ipv4.igmp_link_local_mcast_reports")), " ")
	}
	before := read()
	if before != "0 1" {
		t.Fatalf("unexpected kernel defaults %q, want \"0 1\"", before)
	}
	p := startGoalived(t, lab, 0, conf)
	deadline := time.Now().Add(5 * time.Second)
	for read() != "1 0" {
		if time.Now().After(deadline) {
			t.Fatalf("sysctls %q while running, want \"1 0\"\n%s", read(), p.Output())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := p.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := p.Wait(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	if got := read(); got != before {
		t.Errorf("sysctls %q after stop, want the original %q", got, before)
	}
}
