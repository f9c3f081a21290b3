package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/goalived/goalived/netif/nstest"
)

func metricsConf(prio int) string {
	return fmt.Sprintf(`vrrp_script chk {
  script "/bin/true"
  interval 1
}
vrrp_instance VI_M {
  interface eth0
  virtual_router_id 71
  priority %d
  version 3
  advert_int 0.1
  virtual_ipaddress {
    192.0.2.171
  }
  track_script {
    chk
  }
}
`, prio)
}

// TestIntegrationMetrics: /metrics answers with keepalived-exporter's
// series and goalived's own, and they follow a failover.
func TestIntegrationMetrics(t *testing.T) {
	lab := nstest.New(t, nstest.Hosts(2))
	procs := make([]*goalivedNode, 2)
	for i, prio := range []int{200, 100} {
		lab.Exec(i, "ip", "link", "set", "lo", "up")
		procs[i] = startGoalived(t, lab, i, metricsConf(prio), "--metrics-address", "127.0.0.1:9650")
	}
	scrape := func(i int) string {
		var body string
		// http.Client dials on its own goroutines, outside the namespace:
		// dial here, on Do's locked thread, and speak HTTP/1.0 by hand.
		lab.Do(i, func() {
			conn, err := net.DialTimeout("tcp", "127.0.0.1:9650", 2*time.Second)
			if err != nil {
				return
			}
			defer conn.Close()
			conn.SetDeadline(time.Now().Add(2 * time.Second))
			fmt.Fprint(conn, "GET /metrics HTTP/1.0\r\nHost: x\r\n\r\n")
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				return
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			body = string(b)
		})
		return body
	}
	waitFor := func(i int, want string) string {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			body := scrape(i)
			if strings.Contains(body, want) {
				return body
			}
			if time.Now().After(deadline) {
				t.Fatalf("host %d: /metrics has no %q after 10 s:\n%s\nlog:\n%s", i, want, body, procs[i].Output())
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	// The state, the counters and the transition count are published by
	// different goroutines a moment apart: wait for each series in turn.
	for _, series := range []string{`keepalived_vrrp_state{iname="VI_M",intf="eth0",ip_address="192.0.2.171",vrid="71"} 2`,
		"keepalived_up 1", "keepalived_advertisements_sent_total{", `goalived_effective_priority{iname="VI_M",vrid="71"} 200`,
		`goalived_transitions_total{iname="VI_M",reason="master down timer",vrid="71"} 1`,
		`keepalived_script_status{name="chk"} 1`, `goalived_script_failures_total{name="chk"} 0`,
		`goalived_script_runs_total{name="chk"} 2`, `goalived_script_last_duration_seconds{name="chk"} 0.`} {
		waitFor(0, series)
	}
	waitFor(1, `keepalived_vrrp_state{iname="VI_M",intf="eth0",ip_address="192.0.2.171",vrid="71"} 1`)
	if err := procs[0].Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waitFor(1, `keepalived_vrrp_state{iname="VI_M",intf="eth0",ip_address="192.0.2.171",vrid="71"} 2`)
	// Transitions are counted by the reporter, just after the state itself
	// changed: wait for the count too.
	waitFor(1, `goalived_transitions_total{iname="VI_M",reason="priority 0 advert",vrid="71"} 1`)
	waitFor(1, `keepalived_priority_zero_received_total{iname="VI_M",intf="eth0",state="MASTER",vrid="71"} 1`)
}
