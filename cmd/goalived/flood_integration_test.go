package main

import (
	"net/netip"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Bounds of TestIntegrationFloodSpoofedSources. Before the line budgets,
// the bounded report queue and the answer budget, such a flood took the
// daemon from 10 to 117 MB, its log was still being written 45 s later,
// its VIP went 1.2 s late after TERM, and it answered every
// lower-priority advert with one of its own.
const (
	floodAdverts     = 100000
	floodRSSGrowth   = 24 << 20 // bytes over the RSS before the flood
	floodMaxLogLines = 150      // console lines from the flood's start to the exit
	floodVIPGoneIn   = time.Second
)

// TestIntegrationFloodSpoofedSources floods a VRRPv3 IPv6 master of two
// instances (VRIDs 61 and 62, advert_int 1) with 100,000 spoofed adverts
// of their VRIDs, each from a new link-local source: two thirds with a
// lower priority and another address list (a master answers at most one
// an interval, and goalived accepts, logs and counts the other list), a
// third with a wrong hop limit (dropped). From a quarter into the flood
// adverts of a higher priority for VRID 62 go with it (one every 64
// frames: the kernel drops most of the flood at the daemon's socket) and
// make VI_2 a backup, which removes its VIP; four fifths into it comes
// TERM, which removes VI_1's.
// During the flood the daemon's resident memory must stay within
// floodRSSGrowth of what it was before, each VIP must go within
// floodVIPGoneIn of what removes it (the VIP work does not wait behind
// the flood's reports), VI_1 must hold its VIP until TERM, its log must
// stay small (per-packet lines are budgeted per kind and summarised) and
// its adverts on the wire at most two an interval (the flood is not
// reflected advert for advert).
func TestIntegrationFloodSpoofedSources(t *testing.T) {
	l := newTestlab(t, 1)
	conf := vrrpConf{State: "MASTER", Priority: 200, VRID: 61, AdvertInt: "1", VIP: "2001:db8::161/64",
		Also: []vrrpConf{{Name: "VI_2", State: "MASTER", Priority: 200, VRID: 62, AdvertInt: "1", VIP: "2001:db8::162/64"}}}
	vip1, vip2 := conf.vip(t), conf.Also[0].vip(t)
	n := l.start(t, 0, goalivedKind, conf)
	n.waitState(t, "MASTER", 10*time.Second)
	waitFor(t, 10*time.Second, func() bool { return l.hasAddr(t, 0, vip1) && l.hasAddr(t, 0, vip2) },
		func() string { return "both VIPs on the master" })
	pid := n.proc.Pid()
	before := residentBytes(t, pid)
	wire := sniffAdverts(t, l, 1, l.Host(0).MAC)
	fl := startFlood(t, floodSocket(t, l, 1), floodFrames6(t, conf.VRID, conf.Also[0].VRID), higherAdvert6(t, conf.Also[0]))

	var peak uint64
	stopRSS := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() { peak = sampleRSS(pid, stopRSS) })
	mark := len(n.proc.Output())

	<-fl.injected
	gone2 := waitGone(t, l, vip2, fl.injectedAt)
	held := l.hasAddr(t, 0, vip1)
	<-fl.late
	if err := n.proc.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	termAt := time.Now()
	fl.resume()
	close(stopRSS)
	gone1 := waitGone(t, l, vip1, termAt)
	<-fl.done
	wg.Wait()
	n.waitExit(t)
	out := n.proc.Output()[mark:]
	logged := strings.Count(out, "\n")
	adverts := wire.count(uint8(conf.VRID), fl.start, termAt)
	t.Logf("flood of %d adverts over %v (%d sends failed); RSS %d kB before, %d kB at most during it; %d console lines; "+
		"VI_2's VIP gone %v after the higher advert, VI_1's %v after TERM; VI_1 sent %d adverts from the flood's start to TERM",
		floodAdverts, fl.took, fl.failed, before>>10, peak>>10, logged, gone2, gone1, adverts)

	if peak > before+floodRSSGrowth {
		t.Errorf("resident memory grew from %d kB to %d kB during the flood, want at most %d kB more",
			before>>10, peak>>10, floodRSSGrowth>>10)
	}
	if gone2 > floodVIPGoneIn || gone1 > floodVIPGoneIn {
		t.Errorf("during the flood VI_2's VIP went %v after a higher-priority advert and VI_1's %v after TERM, want each within %v",
			gone2, gone1, floodVIPGoneIn)
	}
	if !held {
		t.Error("VI_1 lost its VIP before TERM: the flood of lower-priority adverts moved it")
	}
	// One advert an interval plus at most one answer (each answer also
	// starts the interval again); at least the answer to the flood's
	// first advert, or the sniffer saw nothing.
	if limit := 2*int(termAt.Sub(fl.start)/time.Second) + 2; adverts < 1 || adverts > limit {
		t.Errorf("VI_1 sent %d adverts from the flood's start to TERM, want 1 to %d", adverts, limit)
	}
	if logged > floodMaxLogLines {
		t.Errorf("%d console lines from the flood's start to the exit, want at most %d:\n%s", logged, floodMaxLogLines, tail(out, 3000))
	}
	// The flood reached the instances and was summarised, not dropped
	// unseen (the first lines are keepalived's, the rest counted).
	for _, want := range []string{" lists other ip addresses than ours - accepting\n", " more adverts listing other addresses in the last ",
		"(VI_1) invalid TTL/HL. Received 64 and expect 255\n", " more dropped adverts (bad ttl) in the last ",
		"(VI_2) Entering BACKUP STATE\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in the log of the flood:\n%s", want, tail(out, 3000))
		}
	}
}

// waitGone polls host 0 every 5 ms until it no longer has vip and returns
// the time since from.
func waitGone(t *testing.T, l *testlab, vip netip.Addr, from time.Time) time.Duration {
	t.Helper()
	deadline := from.Add(10 * time.Second)
	for l.hasAddr(t, 0, vip) {
		if time.Now().After(deadline) {
			t.Fatalf("%v still on the master 10 s later", vip)
		}
		time.Sleep(5 * time.Millisecond)
	}
	return time.Since(from)
}
