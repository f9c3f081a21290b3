package vrrp_test

import (
	"net/netip"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/goalived/goalived/vrrp"
	"github.com/goalived/goalived/vrrp/vrrptest"
)

// gatedReporter blocks every report until the gate opens, and records
// how many reports it had taken when the VIPs were claimed.
type gatedReporter struct {
	gate chan struct{}
	mu   sync.Mutex
	n    int
}

func (r *gatedReporter) Report(vrrp.Report) {
	<-r.gate
	r.mu.Lock()
	r.n++
	r.mu.Unlock()
}

func (r *gatedReporter) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.n
}

// ownProbe records the reporter's count when the VIPs are first owned.
type ownProbe struct {
	rep      *gatedReporter
	mu       sync.Mutex
	ownedAt  int
	announce int
}

func (o *ownProbe) Own(own bool) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if own && o.ownedAt < 0 {
		o.ownedAt = o.rep.count()
	}
	return nil
}

func (o *ownProbe) Announce(int) error { return nil }

// TestInstancePacketFloodDoesNotDelayVIPs floods a backup with malformed
// adverts while its reporter is stuck: the drops are all counted, but at
// most a few of their reports wait in the effects queue, so the VIPs of
// the transition that follows are claimed right after those few.
func TestInstancePacketFloodDoesNotDelayVIPs(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Date(2026, 11, 25, 13, 0, 0, 0, time.UTC)
		clock := vrrptest.NewFakeClock(start)
		clock.Settle = synctest.Wait
		rep := &gatedReporter{gate: make(chan struct{})}
		own := &ownProbe{rep: rep, ownedAt: -1}
		self := netip.MustParseAddr("192.0.2.11")
		in, err := vrrp.NewInstance(vrrp.Config{Name: "VI_1", VRID: 51, Version: 2, Priority: 100, Interval: time.Second,
			Addrs: vips, Source: self, GARP: vrrp.GARPConfig{}},
			vrrp.Outputs{VIPs: own, Announcer: own, Reporter: rep}, vrrp.WithClock(clock))
		if err != nil {
			t.Fatal(err)
		}
		if err := in.Start(); err != nil {
			t.Fatal(err)
		}
		synctest.Wait() // the INIT -> BACKUP report now blocks the effects queue
		const flood = 1000
		bad := vrrp.Packet{Payload: []byte{0x21, 51, 100}, Src: netip.MustParseAddr("192.0.2.99"),
			Dst: vrrp.GroupIPv4, TTL: 255}
		for i := range flood {
			in.Deliver(bad)
			if i%16 == 15 {
				synctest.Wait() // the receive queue is bounded too (Overruns)
			}
		}
		synctest.Wait()
		clock.Advance(4 * time.Second) // master-down timer: MASTER, VIPs claimed
		synctest.Wait()
		close(rep.gate)
		synctest.Wait()
		if in.State() != vrrp.StateMaster {
			t.Fatalf("state %v, want MASTER", in.State())
		}
		st := in.Stats()
		var dropped uint64
		for _, n := range st.Drops {
			dropped += n
		}
		if dropped != flood {
			t.Errorf("%d drops counted, want %d", dropped, flood)
		}
		// Ahead of the VIPs: the BACKUP transition and at most 8 packet reports.
		if own.ownedAt < 0 || own.ownedAt > 1+8 {
			t.Errorf("VIPs claimed after %d reports, want at most 9", own.ownedAt)
		}
		if st.ReportsSuppressed < flood-8 {
			t.Errorf("%d packet reports suppressed, want at least %d", st.ReportsSuppressed, flood-8)
		}
		in.Close()
	})
}
