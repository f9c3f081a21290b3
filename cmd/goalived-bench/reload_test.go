package main

import (
	"bytes"
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"
)

func TestReloadDone(t *testing.T) {
	hup := time.Unix(100, 0)
	at := func(ms int) time.Time { return hup.Add(time.Duration(ms) * time.Millisecond) }
	for _, tc := range []struct {
		name  string
		lines []stampedLine
		want  time.Duration
	}{
		{"goalived", []stampedLine{{at(1), `level=INFO msg="state change"`}, {at(8), "VRRP sockpool: [ifindex(  2)..."}, {at(12), "Reload complete"},
			{at(40), "Reload complete"}}, 12 * time.Millisecond},
		{"keepalived: the last sockpool line", []stampedLine{{at(0), "Reloading"}, {at(290), "Reload complete"},
			{at(300), "VRRP sockpool: [ifindex(  2)..."}, {at(310), "VRRP sockpool: [ifindex(  3)..."}, {at(900), "(VI_1) sent 0 priority"}},
			310 * time.Millisecond},
		{"none", []stampedLine{{at(5), "Reloading"}}, 0},
	} {
		if got := reloadDone(tc.lines, hup); got != tc.want {
			t.Errorf("%s: reloadDone = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestLongestGap(t *testing.T) {
	a, b := netip.MustParseAddr("192.0.2.11"), netip.MustParseAddr("192.0.2.12")
	t0 := time.Unix(100, 0)
	adv := func(iface string, vrid int, src netip.Addr, prio int, ms int) frame {
		return frame{At: t0.Add(time.Duration(ms) * time.Millisecond), Iface: iface, Kind: kindAdvert, SrcIP: src, VRID: vrid, Prio: prio}
	}
	fs := []frame{
		adv("eth0", 1, a, 150, 0), adv("eth0", 1, a, 150, 1000), adv("eth0", 1, a, 150, 2300), // 1.3 s
		adv("eth1", 1, a, 150, 0), adv("eth1", 1, a, 150, 1000),
		adv("eth0", 2, b, 100, 0), adv("eth0", 2, b, 100, 5000), // not a
		adv("eth0", 3, a, 150, 0), adv("eth0", 3, a, 150, 9000), // not a key
	}
	if got := longestGap(fs, a, []instKey{{"eth0", 1}, {"eth1", 1}, {"eth0", 2}}); got != 1300*time.Millisecond {
		t.Errorf("longestGap = %v, want 1.3s", got)
	}
}

func TestChangeOne(t *testing.T) {
	a, _ := resourceConfs(3, v2Proto)
	text, err := a.render()
	if err != nil {
		t.Fatal(err)
	}
	got := changeOne(text)
	if strings.Count(got, "priority 140\n") != 1 || strings.Count(got, "priority 150\n") != 2 ||
		strings.Index(got, "priority 140") > strings.Index(got, "VI_2") {
		t.Errorf("changeOne did not change VI_1 alone:\n%s", got)
	}
}

func TestWriteReload(t *testing.T) {
	r := func(wall, cpu, gap int, trans, vips int) reloadResult {
		return reloadResult{Wall: time.Duration(wall) * time.Millisecond, CPU: time.Duration(cpu) * time.Millisecond,
			MaxGap: time.Duration(gap) * time.Millisecond, Trans: trans, VIPs: vips}
	}
	var b bytes.Buffer
	writeReload(&b, []reloadSample{
		{N: 1000, Daemon: "goalived", Load: "0.5", Startup: 3500 * time.Millisecond, Unchanged: r(20, 15, 1001, 0, 0), Changed: r(22, 16, 1002, 0, 0)},
		{N: 1000, Daemon: "goalived", Load: "0.6", Startup: 3700 * time.Millisecond, Unchanged: r(30, 25, 1003, 0, 0), Changed: r(24, 18, 1001, 0, 0)},
		{N: 1000, Daemon: "keepalived", Load: "0.7", Err: errors.New("no | start")},
	}, reloadWindow)
	out := b.String()
	for _, want := range []string{
		"| 1000 | goalived | 3600.0 ms | 25.0 ms / 20.0 ms | 0, 0; 0, 0 | 1002.0 ms | 23.0 ms / 17.0 ms | 0, 0; 0, 0 | 1001.5 ms | 0.5; 0.6 | 0 |",
		"| 1000 | keepalived | - | - / - | ;  | - | - / - | ;  | - | 0.7 | 1 |",
		"- reload keepalived N=1000 FAILED: no / start",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}
