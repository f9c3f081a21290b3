package main

import (
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vishvananda/netlink"

	"github.com/goalived/goalived/netif/nstest"
)

// hostileVIPs is how many VIPs the daemon under attack holds.
const hostileVIPs = 10

func hostileBaseConf(extraVIP bool) string {
	var b strings.Builder
	b.WriteString("vrrp_instance VI_1 {\n  state MASTER\n  interface eth0\n  virtual_router_id 71\n  priority 200\n  version 3\n  advert_int 0.1\n  virtual_ipaddress {\n")
	n := hostileVIPs
	if extraVIP {
		n++
	}
	for i := range n {
		fmt.Fprintf(&b, "    192.0.2.%d/32\n", 100+i)
	}
	b.WriteString("  }\n}\n")
	return b.String()
}

// hostileReloads are configurations a reload must refuse within bounded
// time and memory; each is the good configuration followed by the tail,
// DIR standing for the test's directory, with the files it needs.
var hostileReloads = []struct {
	name  string
	tail  string
	files map[string]string
	fifo  bool // the configuration file itself replaced by a FIFO
}{
	{name: "include of 12 brace groups", tail: "include DIR/b/x" + strings.Repeat("{a,b,c,d}", 12) + ".conf\n"},
	{name: "8 files each including all 8", tail: "include DIR/g/*.conf\n", files: globStorm()},
	{name: "/dev/zero included", tail: "includer /dev/zero\n"},
	{name: "the file a FIFO", fifo: true},
	{name: "800 KB of nested braces", tail: strings.Repeat("a {\n", 200_000)},
	{name: "a 2 MB line", tail: "router_id " + strings.Repeat("a", 2<<20) + "\n"},
	{name: "~SEQ of 500-word lines", tail: "~SEQ(i,1,300000) " + strings.Repeat("x ", 500) + "\n"},
	{name: "~SEQ of 300,000 unknown keywords", tail: "~SEQ(i,1,300000) x\n"},
	{name: "17 MB of lines", tail: strings.Repeat("router_id a\n", 17<<20/12)},
}

func globStorm() map[string]string {
	m := map[string]string{}
	for i := range 8 {
		m[fmt.Sprintf("g/f%d.conf", i)] = "include DIR/g/*.conf\n"
	}
	return m
}

// TestIntegrationReloadHostile sends each hostile configuration to a
// running daemon (address space limited to 2 GiB with prlimit, the limit
// under which such a reload once killed the daemon with its 10 VIPs left
// on the interface) as a SIGHUP: each reload is refused, the daemon keeps
// running as master with all its VIPs, its peak resident memory stays
// bounded, and a good reload afterwards is applied.
func TestIntegrationReloadHostile(t *testing.T) {
	t.Parallel()
	lab := nstest.New(t, nstest.Hosts(1))
	bin := goalivedBinary(t)
	dir := t.TempDir()
	conf := filepath.Join(dir, "keepalived.conf")
	writeConf := func(text string) {
		t.Helper()
		os.Remove(conf)
		mustDo(t, os.WriteFile(conf, []byte(strings.ReplaceAll(text, "DIR", dir)), 0o644))
	}
	writeConf(hostileBaseConf(false))
	status := filepath.Join(dir, "status")
	p := lab.Start(0, "prlimit", "--as=2147483648", "--", bin, "-n", "-l", "-f", conf,
		"-p", filepath.Join(dir, "k.pid"), "-r", filepath.Join(dir, "v.pid"), "--status-file", status)
	t.Cleanup(p.Stop)
	reloadWaitStatus(t, p, status, "VI_1", "MASTER", 10*time.Second)
	vipsHeld(t, lab, hostileVIPs)

	for i, c := range hostileReloads {
		for name, text := range c.files {
			path := filepath.Join(dir, name)
			mustDo(t, os.MkdirAll(filepath.Dir(path), 0o755))
			mustDo(t, os.WriteFile(path, []byte(strings.ReplaceAll(text, "DIR", dir)), 0o644))
		}
		if c.fifo {
			os.Remove(conf)
			mustDo(t, syscall.Mkfifo(conf, 0o644))
		} else {
			writeConf(hostileBaseConf(false) + c.tail)
		}
		start := time.Now()
		mustDo(t, p.Signal(syscall.SIGHUP))
		waitFor(t, 60*time.Second, func() bool { return strings.Count(p.Output(), "reload refused") > i },
			func() string { return c.name + " to be refused\n" + tail(p.Output(), 2000) })
		t.Logf("%s: refused after %v, peak RSS %d MiB", c.name, time.Since(start).Round(time.Millisecond), peakRSS(t, p.Pid())>>20)
		vipsHeld(t, lab, hostileVIPs)
		reloadWaitStatus(t, p, status, "VI_1", "MASTER", time.Second)
	}
	if hwm := peakRSS(t, p.Pid()); hwm > 512<<20 {
		t.Errorf("peak resident memory %d MiB, more than 512", hwm>>20)
	}

	writeConf(hostileBaseConf(true))
	mustDo(t, p.Signal(syscall.SIGHUP))
	waitFor(t, 10*time.Second, func() bool { return len(vipsOn(t, lab)) == hostileVIPs+1 },
		func() string { return "the good reload's extra VIP\n" + tail(p.Output(), 2000) })
}

// vipsOn lists the test VIPs (192.0.2.100 and up) on host 0's eth0.
func vipsOn(t *testing.T, lab *nstest.Lab) []netip.Addr {
	t.Helper()
	link, err := lab.Handle(0).LinkByName("eth0")
	if err != nil {
		t.Fatal(err)
	}
	addrs, err := lab.Handle(0).AddrList(link, netlink.FAMILY_V4)
	if err != nil {
		t.Fatal(err)
	}
	var out []netip.Addr
	for _, a := range addrs {
		if ip, ok := netip.AddrFromSlice(a.IP.To4()); ok && ip.As4()[2] == 2 && ip.As4()[3] >= 100 {
			out = append(out, ip)
		}
	}
	return out
}

func vipsHeld(t *testing.T, lab *nstest.Lab, n int) {
	t.Helper()
	if got := vipsOn(t, lab); len(got) != n {
		t.Fatalf("%d VIPs on eth0 (%v), want %d", len(got), got, n)
	}
}

// peakRSS is the process's peak resident set (VmHWM).
func peakRSS(t *testing.T, pid int) int64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatalf("daemon gone: %v", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) == 3 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	t.Fatal("no VmHWM")
	return 0
}

func tail(s string, n int) string {
	return s[max(0, len(s)-n):]
}
