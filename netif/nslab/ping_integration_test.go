package nslab_test

import (
	"net/netip"
	"testing"
	"time"

	"github.com/goalived/goalived/netif/nslab"
	"github.com/goalived/goalived/netif/nstest"
)

// TestIntegrationPinger pings a host that answers and an address no one
// has, cuts the host's cable, and checks the counts by time window.
func TestIntegrationPinger(t *testing.T) {
	t.Parallel()
	nstest.RequireRoot(t)
	l, err := nslab.New("t", "a", "b")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	a, _ := l.Host("a")
	b, _ := l.Host("b")
	nobody := netip.MustParseAddr("192.0.2.99")
	p, err := nslab.StartPinger(a.Name, []netip.Addr{b.Addr4}, 10*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	lost, err := nslab.StartPinger(a.Name, []netip.Addr{nobody}, 10*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(lost.Close)
	waitUntil(t, func() bool { return p.Answered(time.Now(), 20) })
	t0 := time.Now()
	// Ten rounds of each since t0, however slowly a loaded machine runs
	// the pingers, and the latest answered. The window ends at the moment
	// the condition held: a round sent after it may still await its reply.
	var t1 time.Time
	waitUntil(t, func() bool {
		t1 = time.Now()
		sent, _ := p.LostBetween(t0, t1)
		sentLost, _ := lost.LostBetween(t0, t1)
		return sent >= 12 && sentLost >= 12 && p.Answered(t1, 20)
	})
	if sent, n := p.LostBetween(t0, t1); sent < 10 || n != 0 {
		t.Errorf("answering host: %d of %d lost, want none of at least 10", n, sent)
	}
	if sent, n := lost.LostBetween(t0, t1); sent < 10 || n != sent {
		t.Errorf("address no one has: %d of %d lost, want all of at least 10", n, sent)
	}
	if lost.Answered(time.Now(), 1) || lost.Silent() != 1 {
		t.Errorf("address no one has: Answered %v, Silent %d; want false, 1", lost.Answered(time.Now(), 1), lost.Silent())
	}
	if err := l.SetPort("b", false); err != nil {
		t.Fatal(err)
	}
	t2 := time.Now()
	waitUntil(t, func() bool { _, n := p.LostBetween(t2, time.Now()); return n >= 10 })
	if p.Answered(time.Now(), 5) {
		t.Error("Answered with the host's cable cut")
	}
}

func waitUntil(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 10 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
