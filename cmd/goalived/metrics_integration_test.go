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
	t.Parallel()
	lab := nstest.New(t, nstest.Hosts(2))
	procs := make([]*goalivedNode, 2)
	for i, prio := range []int{200, 100} {
		lab.Exec(i, "ip", "link", "set", "lo", "up")
		procs[i] = startGoalived(t, lab, i, metricsConf(prio), "--metrics-address", "127.0.0.1:9650")
	}
	scrape := func(i int) string { return scrapeIn(lab, i, "127.0.0.1:9650") }
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
		`goalived_script_runs_total{name="chk"} 2`, `goalived_script_last_duration_seconds{name="chk"} 0.`,
		"process_resident_memory_bytes ", "process_open_fds ", "process_cpu_seconds_total ", "process_start_time_seconds ", "go_goroutines "} {
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

// scrapeIn reads /metrics at addr from inside host i's namespace; "" when
// it does not answer within 2 s. http.Client dials on its own goroutines,
// outside the namespace: it dials here, on Do's locked thread, and speaks
// HTTP/1.0 by hand.
func scrapeIn(lab *nstest.Lab, i int, addr string) string {
	var body string
	lab.Do(i, func() {
		conn, err := net.DialTimeout("tcp", addr, 2*time.Second)
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

// TestIntegrationMetricsSlowClients: with 50 connections to /metrics held
// open without a request, the daemon's endpoint still answers a scrape at
// once (it used to serve 4 at a time and leave the rest queued unaccepted,
// so every scrape timed out while they were held).
func TestIntegrationMetricsSlowClients(t *testing.T) {
	t.Parallel()
	lab := nstest.New(t, nstest.Hosts(1))
	lab.Exec(0, "ip", "link", "set", "lo", "up")
	n := startGoalived(t, lab, 0, metricsConf(200), "--metrics-address", "127.0.0.1:9651")
	waitFor(t, 10*time.Second, func() bool { return strings.Contains(scrapeIn(lab, 0, "127.0.0.1:9651"), "keepalived_up 1") },
		func() string { return "the endpoint\n" + n.Output() })
	var held []net.Conn
	lab.Do(0, func() {
		for range 50 {
			c, err := net.DialTimeout("tcp", "127.0.0.1:9651", 2*time.Second)
			if err != nil {
				t.Errorf("dial: %v", err)
				return
			}
			held = append(held, c)
		}
	})
	t.Cleanup(func() {
		for _, c := range held {
			c.Close()
		}
	})
	start := time.Now()
	body := scrapeIn(lab, 0, "127.0.0.1:9651")
	if !strings.Contains(body, "process_resident_memory_bytes ") {
		t.Fatalf("scrape beside 50 silent connections failed (%v): %q", time.Since(start), body)
	}
	t.Logf("scrape answered in %v", time.Since(start))
}
