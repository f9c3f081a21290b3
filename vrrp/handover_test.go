package vrrp_test

import (
	"encoding/json"
	"net/netip"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/goalived/goalived/vrrp"
	"github.com/goalived/goalived/vrrp/vrrptest"
)

// TestInstanceHandover freezes a master and restores it in a second
// instance (as a new process would): the adverts keep their schedule, no
// priority 0 is sent, the VIPs are never released and no transition is
// reported by either side.
func TestInstanceHandover(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Date(2026, 11, 25, 13, 0, 0, 0, time.UTC)
		clock := vrrptest.NewFakeClock(start)
		clock.Settle = synctest.Wait
		snd := &logSender{clock: clock, start: start}
		cfg := vrrp.Config{Name: "VI_1", VRID: 51, Version: 3, Priority: 110, Interval: 100 * time.Millisecond,
			Addrs: vips, Source: netip.MustParseAddr("192.0.2.11"), GARP: vrrp.GARPConfig{MasterRepeat: 1}}
		h1, rec1 := &host{}, &recorder{}
		old, err := vrrp.NewInstance(cfg, vrrp.Outputs{Sender: snd, VIPs: h1, Announcer: h1, Reporter: rec1}, vrrp.WithClock(clock))
		if err != nil {
			t.Fatal(err)
		}
		if err := old.Start(); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		clock.Advance(time.Second) // master-down (357 ms) and a few adverts
		synctest.Wait()
		clock.Advance(30 * time.Millisecond) // between two adverts
		synctest.Wait()
		if old.State() != vrrp.StateMaster {
			t.Fatalf("old instance %v, want MASTER", old.State())
		}
		before := len(rec1.transitions())
		saved, err := old.Freeze()
		if err != nil {
			t.Fatal(err)
		}
		if n := len(rec1.transitions()); n != before {
			t.Errorf("freeze reported %d transitions", n-before)
		}
		if owned, _ := h1.state(); !owned {
			t.Error("freeze released the VIPs")
		}
		wire, _ := json.Marshal(saved)
		var got vrrp.Saved
		if err := json.Unmarshal(wire, &got); err != nil {
			t.Fatal(err)
		}
		clock.Advance(5 * time.Millisecond) // the handover itself
		synctest.Wait()
		h2 := &host{owned: true} // the VIPs the old process left
		rec2 := &recorder{}
		next, err := vrrp.NewInstance(cfg, vrrp.Outputs{Sender: snd, VIPs: h2, Announcer: h2, Reporter: rec2},
			vrrp.WithClock(clock), vrrp.WithRestore(got, clock.Now().Add(-5*time.Millisecond)))
		if err != nil {
			t.Fatal(err)
		}
		if err := next.Start(); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		clock.Advance(time.Second)
		synctest.Wait()
		if next.State() != vrrp.StateMaster {
			t.Errorf("restored instance %v, want MASTER", next.State())
		}
		if ts := rec2.transitions(); len(ts) != 0 {
			t.Errorf("restored instance reported transitions: %v", ts)
		}
		if owned, rounds := h2.state(); !owned || rounds != 0 {
			t.Errorf("restored instance: vips owned %t, %d announcements; want owned, none", owned, rounds)
		}
		// Every advert, before and after the handover, on the 100 ms grid
		// that began when the old instance became master; none at priority 0.
		var gaps []time.Duration
		log := snd.sent()
		for i := 1; i < len(log); i++ {
			if log[i].prio == 0 {
				t.Errorf("priority 0 advert at %v", log[i].at)
			}
			gaps = append(gaps, log[i].at-log[i-1].at)
		}
		want := make([]time.Duration, len(gaps))
		for i := range want {
			want[i] = 100 * time.Millisecond
		}
		if diff := cmp.Diff(want, gaps); diff != "" {
			t.Errorf("advert spacing (-want +got):\n%s", diff)
		}
		if _, err := old.Freeze(); err == nil {
			t.Error("freezing a frozen instance succeeded")
		}
		next.Close()
	})
}
