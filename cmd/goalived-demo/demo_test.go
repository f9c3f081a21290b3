package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/goalived/goalived/netif/nstest"
)

func TestParsePing(t *testing.T) {
	out := `PING 192.0.2.100 (192.0.2.100) 56(84) bytes of data.
[1764082000.100000] 64 bytes from 192.0.2.100: icmp_seq=1 ttl=64 time=0.060 ms
[1764082000.200000] 64 bytes from 192.0.2.100: icmp_seq=2 ttl=64 time=0.050 ms
[1764082000.650000] 64 bytes from 192.0.2.100: icmp_seq=7 ttl=64 time=0.050 ms

--- 192.0.2.100 ping statistics ---
7 packets transmitted, 3 received, 57.1429% packet loss, time 600ms
`
	s, err := parsePing(out)
	if err != nil {
		t.Fatal(err)
	}
	got := []any{s.Sent, s.Received, s.Lost(), len(s.Replies), s.MaxGap()}
	want := []any{7, 3, 4, 3, 450 * time.Millisecond}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("parsePing (-want +got):\n%s", diff)
	}
}

func TestParsePingErrors(t *testing.T) {
	tests := map[string]string{
		"no summary":       "[1764082000.1] 64 bytes from 192.0.2.100: icmp_seq=1 ttl=64 time=0.060 ms\n",
		"more than sent":   "2 packets transmitted, 3 received, 0% packet loss\n",
		"empty":            "",
		"zero timestamp":   "[0.000] 64 bytes from 192.0.2.100: icmp_seq=1 ttl=64\n1 packets transmitted, 1 received\n",
		"killed mid-count": "PING 192.0.2.100 (192.0.2.100) 56(84) bytes of data.\n",
	}
	for name, out := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := parsePing(out); err == nil {
				t.Errorf("parsePing(%q): no error", out)
			}
		})
	}
}

func TestParseNotifyLog(t *testing.T) {
	got, err := parseNotifyLog("1764082000.500000000 INSTANCE VI_1 BACKUP 80\n1764082003.250000000 INSTANCE VI_1 MASTER 80\n")
	if err != nil {
		t.Fatal(err)
	}
	want := []notifyLine{
		{time.Unix(1764082000, 500000000), "INSTANCE VI_1 BACKUP 80"},
		{time.Unix(1764082003, 250000000), "INSTANCE VI_1 MASTER 80"},
	}
	if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b time.Time) bool { return a.Sub(b).Abs() < time.Microsecond })); diff != "" {
		t.Errorf("parseNotifyLog (-want +got):\n%s", diff)
	}
	if _, err := parseNotifyLog("yesterday INSTANCE VI_1 MASTER\n"); err == nil {
		t.Error("parseNotifyLog accepted a line without a timestamp")
	}
}

func TestParseStatus(t *testing.T) {
	text := `name interface vrid ver state  base_prio eff_prio advert_int master     vips           since                          reason
VI_1 eth0      69   2   BACKUP 100       50       1s         192.0.2.11 192.0.2.100/32 2026-11-25T14:49:21.764738359Z higher_priority_advert
`
	got, err := parseStatus(text)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(statusLine{State: "BACKUP", EffPrio: 50}, got); diff != "" {
		t.Errorf("parseStatus (-want +got):\n%s", diff)
	}
	for _, bad := range []string{"", "name interface\n", "name x\nVI_1 eth0 69 2 BACKUP 100 high\n", "VI_1 eth0 69 2 BACKUP 100 50\n"} {
		if _, err := parseStatus(bad); err == nil {
			t.Errorf("parseStatus(%q): no error", bad)
		}
	}
}

// TestConfigShape checks that the rendered configuration keeps the user's
// shape and that goalived accepts it (-t), as keepalived 2.2.7 does when
// installed.
func TestConfigShape(t *testing.T) {
	dir := t.TempDir()
	n := nodeConf{RouterID: "kdc_a", State: "MASTER", Priority: 100, VIP: "192.0.2.100", Dir: dir}
	conf, err := n.render()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"interval 1\n", "timeout 1\n", "weight -50\n", "rise 2\n", "fall 2\n",
		"auth_type PASS", "virtual_router_id 69", "advert_int 1\n", "192.0.2.100", "chk_kinit", "notify " + dir + "/notify.sh"} {
		if !strings.Contains(conf, want) {
			t.Errorf("config lacks %q:\n%s", want, conf)
		}
	}
	if err := n.write(); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"chk.sh", "notify.sh"} {
		st, err := os.Stat(filepath.Join(dir, f))
		if err != nil || st.Mode().Perm() != 0o755 {
			t.Errorf("%s: mode %v, err %v; want 0755", f, st.Mode().Perm(), err)
		}
	}
	for _, bin := range []string{"keepalived", "/usr/sbin/keepalived"} {
		if p, err := exec.LookPath(bin); err == nil {
			// The user's config has no enable_script_security, so rc 6
			// with that one message is what keepalived says of it too.
			out, err := exec.Command(p, "-t", "-f", n.confPath()).CombinedOutput()
			const secOnly = "SECURITY VIOLATION - scripts are being executed but script_security not enabled."
			if err != nil && strings.TrimSpace(string(out)) != secOnly {
				t.Errorf("keepalived -t rejects the demo config: %v\n%s", err, out)
			}
			break
		}
	}
}

// TestCheckScript runs chk.sh: success without the flag file, failure
// with it, as the demo relies on.
func TestCheckScript(t *testing.T) {
	dir := t.TempDir()
	n := nodeConf{RouterID: "x", State: "BACKUP", Priority: 80, VIP: "192.0.2.100", Dir: dir}
	if err := n.write(); err != nil {
		t.Fatal(err)
	}
	chk := filepath.Join(dir, "chk.sh")
	if err := exec.Command(chk).Run(); err != nil {
		t.Errorf("chk.sh without flag: %v, want success", err)
	}
	if err := os.WriteFile(n.flagPath(), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := exec.Command(chk).Run(); err == nil {
		t.Error("chk.sh with the flag file succeeded, want failure")
	}
}

func TestLladdr(t *testing.T) {
	for line, want := range map[string]string{
		"192.0.2.100 lladdr 02:00:5e:47:4d:02 REACHABLE\n": "02:00:5e:47:4d:02",
		"192.0.2.100  FAILED\n":                            "none",
		"":                                                 "none",
	} {
		if got := lladdr(line); got != want {
			t.Errorf("lladdr(%q) = %q, want %q", line, got, want)
		}
	}
}

func TestMasterDown(t *testing.T) {
	// RFC 3768: 3 s + (256-80)/256 s = 3.6875 s.
	if got, want := masterDown(80), 3687500*time.Microsecond; got != want {
		t.Errorf("masterDown(80) = %v, want %v", got, want)
	}
}

func requireRoot(t *testing.T) {
	t.Helper()
	nstest.RequireRoot(t)
}

func buildGoalived(t *testing.T) string {
	t.Helper()
	bin, err := nstest.BuildGoalived(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// checkNothingLeft fails t if the namespaces or goalived processes named
// in the demo's output still exist.
func checkNothingLeft(t *testing.T, text string) {
	t.Helper()
	id := regexp.MustCompile(`gl-demo-[0-9a-f]{8}-`).FindString(text)
	if id == "" {
		t.Fatal("demo output names no namespace gl-demo-<id>-")
	}
	ns, err := exec.Command("ip", "netns", "list").CombinedOutput()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(ns), id) {
		t.Errorf("namespaces %s* left behind:\n%s", id, ns)
	}
	pids := regexp.MustCompile(`goalived started on \w+ \(pid (\d+)\)`).FindAllStringSubmatch(text, -1)
	if len(pids) != 2 {
		t.Fatalf("demo output names %d goalived pids, want 2", len(pids))
	}
	for _, m := range pids {
		pid, _ := strconv.Atoi(m[1])
		if err := syscall.Kill(pid, 0); err == nil {
			t.Errorf("goalived pid %d still running after the demo", pid)
		}
	}
}

// TestIntegrationDemoInterrupt cancels the demo (as Ctrl-C does) once
// the election is over and checks that it returns the cancellation and
// leaves no namespace and no goalived behind.
func TestIntegrationDemoInterrupt(t *testing.T) {
	requireRoot(t)
	bin := buildGoalived(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out syncBuffer
	go func() {
		defer cancel()
		for !strings.Contains(out.String(), "client pings") && ctx.Err() == nil {
			time.Sleep(20 * time.Millisecond)
		}
	}()
	_, err := run(ctx, options{goalived: bin, quick: true, out: &out})
	t.Logf("demo output:\n%s", out.String())
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("run after cancel: error %v, want context.Canceled", err)
	}
	checkNothingLeft(t, out.String())
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestIntegrationDemo runs the demo in quick mode with a freshly built
// goalived and checks that its timeline reports the failover to b and the
// return to a within the protocol's bounds, and that it left nothing.
func TestIntegrationDemo(t *testing.T) {
	requireRoot(t)
	bin := buildGoalived(t)
	var out syncBuffer
	res, err := run(context.Background(), options{goalived: bin, quick: true, out: &out})
	text := out.String()
	t.Logf("demo output:\n%s", text)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"VIP on b alone", "VIP on a alone", "(b's MAC)", "(a's MAC)", "b: notify.sh INSTANCE VI_1 MASTER 80",
		"a: notify.sh INSTANCE VI_1 BACKUP 50", "summary", "cleaned up"} {
		if !strings.Contains(text, want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
	bound := checkLag + masterDown(prioB) + time.Second
	if res.Failover <= 0 || res.Failover > bound {
		t.Errorf("failover took %v, want within (0, %v]", res.Failover, bound)
	}
	if res.Return <= 0 || res.Return > checkLag+masterDown(prioA)+time.Second {
		t.Errorf("return took %v, want within (0, %v]", res.Return, checkLag+masterDown(prioA)+time.Second)
	}
	checkNothingLeft(t, text)
}
