package main

import (
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/goalived/goalived/netif/nstest"
)

const routesConf = `static_ipaddress {
  198.51.100.250/32 dev eth0
}
static_routes {
  198.51.100.128/25 via 192.0.2.1 dev eth0
}
vrrp_instance VI_R {
  interface eth0
  virtual_router_id 81
  priority 200
  version 3
  advert_int 0.1
  virtual_ipaddress {
    192.0.2.181
  }
  virtual_routes {
    198.51.100.0/26 via 192.0.2.1 dev eth0 metric 7
    blackhole 198.51.100.64/26
  }
  virtual_rules {
    from 192.0.2.181 table 100 preference 1000
  }
}
`

// TestIntegrationVirtualRoutesAndStatic: a master installs its virtual
// routes and rules (protocol 18, as keepalived) after its VIPs, static
// items exist from start, and a clean stop removes all of them.
func TestIntegrationVirtualRoutesAndStatic(t *testing.T) {
	t.Parallel()
	lab := nstest.New(t, nstest.Hosts(1))
	p := startGoalived(t, lab, 0, routesConf)
	expect := func(argv []string, want []string, present bool) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for {
			out := lab.Exec(0, argv[0], argv[1:]...)
			ok := true
			for _, w := range want {
				if strings.Contains(out, w) != present {
					ok = false
				}
			}
			if ok {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%v: want present=%v of %q, got:\n%s\nlog:\n%s", argv, present, want, out, p.Output())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	routes := []string{"ip", "route", "show", "proto", "18"}
	expect([]string{"ip", "addr", "show", "dev", "eth0"}, []string{"198.51.100.250/32", "192.0.2.181/32"}, true)
	expect(routes, []string{"198.51.100.0/26 via 192.0.2.1 dev eth0 metric 7", "blackhole 198.51.100.64/26", "198.51.100.128/25 via 192.0.2.1 dev eth0"}, true)
	expect([]string{"ip", "rule", "show"}, []string{"1000:\tfrom 192.0.2.181 lookup 100 proto keepalived"}, true)

	if err := p.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := p.Wait(5 * time.Second); err != nil {
		t.Fatalf("stop: %v\n%s", err, p.Output())
	}
	expect([]string{"ip", "addr", "show", "dev", "eth0"}, []string{"198.51.100.250/32", "192.0.2.181/32"}, false)
	expect(routes, []string{"198.51.100"}, false)
	expect([]string{"ip", "rule", "show"}, []string{"lookup 100"}, false)
}
