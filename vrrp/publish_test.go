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

// observer is a Reporter and Announcer that reads the instance back
// when it is called, as the engine does (the status file, the
// announcement's "still master?" check).
type observer struct {
	in *vrrp.Instance
	mu sync.Mutex
	// prios are (reported, read back) for each ReportPriorityChanged.
	prios [][2]uint8
	// masterAtAnnounce is the state each announcement saw.
	masterAtAnnounce []vrrp.State
}

func (o *observer) Report(r vrrp.Report) {
	if r.Kind != vrrp.ReportPriorityChanged {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.prios = append(o.prios, [2]uint8{r.Priority, o.in.Priority()})
}

func (o *observer) Announce(int) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.masterAtAnnounce = append(o.masterAtAnnounce, o.in.State())
	return nil
}

func (o *observer) Own(bool) error { return nil }

// TestInstancePublishesBeforeEffects: what a step's effects read of the
// instance is the state that step made. A priority change is reported
// once the instance shows the new priority (the status file is
// rewritten on that report), and the first announcement of a new master
// finds it MASTER.
func TestInstancePublishesBeforeEffects(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Date(2026, 11, 25, 13, 0, 0, 0, time.UTC)
		clock := vrrptest.NewFakeClock(start)
		clock.Settle = synctest.Wait
		o := &observer{}
		in, err := vrrp.NewInstance(vrrp.Config{Name: "VI_1", VRID: 51, Version: 2, Priority: 100, Interval: time.Second,
			Addrs: vips, Source: netip.MustParseAddr("192.0.2.11"), GARP: vrrp.GARPConfig{MasterRepeat: 1}},
			vrrp.Outputs{VIPs: o, Announcer: o, Reporter: o}, vrrp.WithClock(clock))
		if err != nil {
			t.Fatal(err)
		}
		o.in = in
		if err := in.Start(); err != nil {
			t.Fatal(err)
		}
		for _, p := range []int{40, 100, 60} {
			in.SetPriority(p)
			synctest.Wait()
		}
		clock.Advance(4 * time.Second)
		synctest.Wait()
		if err := in.Close(); err != nil {
			t.Fatal(err)
		}
		o.mu.Lock()
		defer o.mu.Unlock()
		if len(o.prios) != 3 {
			t.Fatalf("priority reports %v, want 3", o.prios)
		}
		for _, p := range o.prios {
			if p[0] != p[1] {
				t.Errorf("priority change to %d reported while the instance showed %d", p[0], p[1])
			}
		}
		if len(o.masterAtAnnounce) != 1 || o.masterAtAnnounce[0] != vrrp.StateMaster {
			t.Errorf("announcements saw states %v, want one MASTER", o.masterAtAnnounce)
		}
	})
}
