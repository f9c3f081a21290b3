package main

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/goalived/goalived/netif/nstest"
	"github.com/goalived/goalived/vrrp"
)

// Bounds of TestIntegrationFloodSpoofedSources. Before the line budgets
// and the bounded report queue, such a flood took the daemon from 10 to
// 117 MB, its log was still being written 45 s later and its VIP went
// 1.2 s late after TERM.
const (
	floodAdverts     = 100000
	floodRSSGrowth   = 24 << 20 // bytes over the RSS before the flood
	floodMaxLogLines = 120      // console lines from the flood's start to the exit
	floodVIPGoneIn   = time.Second
)

// TestIntegrationFloodSpoofedSources floods a VRRPv3 IPv6 master with
// 100,000 spoofed adverts of its VRID, each from a new link-local source:
// two thirds with a lower priority and another address list (a master
// answers at most one an interval, and goalived accepts, logs and counts
// the other list), a third with a wrong hop limit (dropped). TERM comes
// during the flood. The daemon's resident memory must stay within
// floodRSSGrowth of what it was before, its log small (per-packet lines
// are budgeted per kind and summarised), and its VIP gone within
// floodVIPGoneIn of the TERM: the VIP work does not wait behind the
// flood's reports.
func TestIntegrationFloodSpoofedSources(t *testing.T) {
	l := newTestlab(t, 1)
	conf := vrrpConf{State: "MASTER", Priority: 200, VRID: 61, AdvertInt: "1", VIP: "2001:db8::161/64"}
	vip := conf.vip(t)
	n := l.start(t, 0, goalivedKind, conf)
	n.waitState(t, "MASTER", 10*time.Second)
	waitFor(t, 5*time.Second, func() bool { return l.hasAddr(t, 0, vip) }, func() string { return "the VIP on the master" })
	pid := n.proc.Pid()
	before := residentBytes(t, pid)
	frames := floodFrames6(t, conf.VRID)
	fd := floodSocket(t, l, 1)

	var peak uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() { peak = sampleRSS(pid, stop) })
	mark := len(n.proc.Output())
	var termAt time.Time
	failed := 0
	for i, f := range frames {
		if i == len(frames)*4/5 {
			close(stop)
			if err := n.proc.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			termAt = time.Now()
		}
		if _, err := unix.Write(fd, f); err != nil {
			failed++
		}
	}
	wg.Wait()
	waitFor(t, 10*time.Second, func() bool { return !l.hasAddr(t, 0, vip) }, func() string { return "the VIP to go after TERM" })
	gone := time.Since(termAt)
	n.waitExit(t)
	out := n.proc.Output()[mark:]
	logged := strings.Count(out, "\n")
	t.Logf("RSS %d kB before, %d kB at most during the flood; %d console lines; VIP gone %v after TERM; %d sends failed",
		before>>10, peak>>10, logged, gone, failed)
	if peak > before+floodRSSGrowth {
		t.Errorf("resident memory grew from %d kB to %d kB during the flood, want at most %d kB more",
			before>>10, peak>>10, floodRSSGrowth>>10)
	}
	if logged > floodMaxLogLines {
		t.Errorf("%d console lines from the flood's start to the exit, want at most %d:\n%s", logged, floodMaxLogLines, tail(out, 3000))
	}
	// The flood reached the instance and was summarised, not dropped
	// unseen (the first lines are keepalived's, the rest counted).
	for _, want := range []string{" lists other ip addresses than ours - accepting\n", " more adverts listing other addresses in the last ",
		"(VI_1) invalid TTL/HL. Received 64 and expect 255\n", " more dropped adverts (bad ttl) in the last "} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in the log of the flood:\n%s", want, tail(out, 3000))
		}
	}
	if gone > floodVIPGoneIn {
		t.Errorf("the VIP went %v after TERM during the flood, want within %v", gone, floodVIPGoneIn)
	}
}

// floodFrames6 builds the flood: VRRPv3 adverts of vrid to ff02::12, each
// from the link-local fe80::ff:0:i, from one made-up Ethernet source
// (the segment's bridge learns one address, not 100,000).
func floodFrames6(t *testing.T, vrid int) [][]byte {
	t.Helper()
	other := []netip.Addr{netip.MustParseAddr("2001:db8::999")}
	out := make([][]byte, 0, floodAdverts)
	for i := range floodAdverts {
		var a16 [16]byte
		a16[0], a16[1] = 0xfe, 0x80
		a16[9] = 0xff
		binary.BigEndian.PutUint32(a16[12:], uint32(i+1))
		src := netip.AddrFrom16(a16)
		adv := vrrp.Advert{Version: 3, Type: 1, VRID: uint8(vrid), Priority: 100, Interval: time.Second, Addrs: other}
		payload, err := vrrp.Marshal(adv, src, vrrp.GroupIPv6, vrrp.CodecOptions{})
		if err != nil {
			t.Fatal(err)
		}
		hops := uint8(vrrp.TTL)
		if i%3 == 2 {
			hops = 64
		}
		out = append(out, ipv6Frame(src, hops, payload))
	}
	return out
}

// ipv6Frame wraps a VRRP message in IPv6 (to ff02::12) and Ethernet (to
// 33:33:00:00:00:12, from 02:00:5e:ff:00:01).
func ipv6Frame(src netip.Addr, hops uint8, payload []byte) []byte {
	b := make([]byte, 14+40+len(payload))
	copy(b[0:6], []byte{0x33, 0x33, 0x00, 0x00, 0x00, 0x12})
	copy(b[6:12], []byte{0x02, 0x00, 0x5e, 0xff, 0x00, 0x01})
	binary.BigEndian.PutUint16(b[12:], 0x86dd)
	ip := b[14:]
	ip[0] = 0x60
	binary.BigEndian.PutUint16(ip[4:], uint16(len(payload)))
	ip[6], ip[7] = vrrp.IPProtocol, hops
	s := src.As16()
	copy(ip[8:24], s[:])
	g := vrrp.GroupIPv6.As16()
	copy(ip[24:40], g[:])
	copy(ip[40:], payload)
	return b
}

// floodSocket opens a packet socket on host i's eth0 that only sends;
// it is closed at the end of the test.
func floodSocket(t *testing.T, l *testlab, i int) int {
	t.Helper()
	fd := -1
	var err error
	if derr := nstest.DoIn(l.Host(i).Name, func() {
		if fd, err = unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, 0); err != nil {
			return
		}
		err = unix.Bind(fd, &unix.SockaddrLinklayer{Ifindex: l.Host(i).Index})
	}); derr != nil {
		t.Fatal(derr)
	}
	if fd >= 0 {
		t.Cleanup(func() { unix.Close(fd) })
	}
	if err != nil {
		t.Fatalf("packet socket on host %d: %v", i, err)
	}
	return fd
}

// residentBytes is the process's resident set (VmRSS).
func residentBytes(t *testing.T, pid int) uint64 {
	t.Helper()
	n, err := readRSS(pid)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func readRSS(pid int) (uint64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/%d/status", pid)
}

// sampleRSS reads the process's resident set every 20 ms until stop and
// returns the largest.
func sampleRSS(pid int, stop <-chan struct{}) uint64 {
	var peak uint64
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		if n, err := readRSS(pid); err == nil {
			peak = max(peak, n)
		}
		select {
		case <-stop:
			return peak
		case <-tick.C:
		}
	}
}
