package vrrptest

import (
	"net/netip"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/goalived/goalived/vrrp"
)

var t0 = time.Date(2026, 11, 25, 13, 0, 0, 0, time.UTC)

func TestFakeClockFiresInOrder(t *testing.T) {
	c := NewFakeClock(t0)
	a, b, d := c.NewTimer(3*time.Second), c.NewTimer(time.Second), c.NewTimer(2*time.Second)
	if !d.Stop() || d.Stop() {
		t.Fatal("Stop should report pending once")
	}
	var order []time.Duration
	c.Settle = func() {
		select {
		case at := <-a.C():
			order = append(order, at.Sub(t0))
		case at := <-b.C():
			order = append(order, at.Sub(t0))
		case <-d.C():
			t.Error("stopped timer fired")
		}
	}
	c.Advance(2500 * time.Millisecond)
	if got := c.Now().Sub(t0); got != 2500*time.Millisecond {
		t.Errorf("now %v after Advance", got)
	}
	c.Advance(time.Second)
	if diff := cmp.Diff([]time.Duration{time.Second, 3 * time.Second}, order); diff != "" {
		t.Errorf("fire order (-want +got):\n%s", diff)
	}
	if a.Stop() {
		t.Error("Stop after firing reported pending")
	}
}

type inbox struct {
	mu   sync.Mutex
	pkts []vrrp.Packet
}

func (i *inbox) recv(p vrrp.Packet) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.pkts = append(i.pkts, p)
}

func (i *inbox) len() int {
	i.mu.Lock()
	defer i.mu.Unlock()
	return len(i.pkts)
}

func addr(i byte) netip.Addr { return netip.AddrFrom4([4]byte{192, 0, 2, i}) }

func TestSegmentDelivery(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := NewSegment(vrrp.RealClock(), 1)
		defer s.Close()
		var boxes [4]inbox
		var ports [4]*Port
		for i := range ports {
			ports[i] = s.Attach(addr(byte(i+1)), boxes[i].recv)
		}
		ports[0].Send(vrrp.GroupIPv4, []byte{1})
		ports[0].Send(addr(3), []byte{2})
		if got := []int{boxes[0].len(), boxes[1].len(), boxes[2].len(), boxes[3].len()}; !cmp.Equal(got, []int{0, 1, 2, 1}) {
			t.Fatalf("deliveries %v, want multicast to all others and unicast to .3", got)
		}
		p := boxes[1].pkts[0]
		if p.Src != addr(1) || p.Dst != vrrp.GroupIPv4 || p.TTL != vrrp.TTL {
			t.Errorf("packet %+v", p)
		}

		s.Partition([]netip.Addr{addr(1), addr(2)})
		ports[0].Send(vrrp.GroupIPv4, []byte{3})
		if boxes[1].len() != 2 || boxes[2].len() != 2 {
			t.Errorf("partition leaked: %d %d", boxes[1].len(), boxes[2].len())
		}
		s.Heal()
		ports[3].SetLink(false)
		if err := ports[3].Send(vrrp.GroupIPv4, []byte{4}); err == nil {
			t.Error("send on unplugged port succeeded")
		}
		ports[3].SetLink(true)

		s.SetDelay(100*time.Millisecond, 0)
		ports[0].Send(addr(2), []byte{5})
		time.Sleep(99 * time.Millisecond)
		synctest.Wait()
		if boxes[1].len() != 2 {
			t.Fatal("delayed packet arrived early")
		}
		time.Sleep(time.Millisecond)
		synctest.Wait()
		if boxes[1].len() != 3 {
			t.Fatal("delayed packet did not arrive")
		}
	})
}

func TestSegmentLossIsSeeded(t *testing.T) {
	run := func(seed uint64) (uint64, uint64) {
		s := NewSegment(vrrp.RealClock(), seed)
		defer s.Close()
		var a, b inbox
		p := s.Attach(addr(1), a.recv)
		s.Attach(addr(2), b.recv)
		s.SetLoss(0.3)
		for range 1000 {
			p.Send(vrrp.GroupIPv4, []byte{0})
		}
		_, delivered, lost := s.Counts()
		return delivered, lost
	}
	d1, l1 := run(7)
	d2, l2 := run(7)
	if d1 != d2 || l1 != l2 {
		t.Errorf("same seed gave %d/%d and %d/%d", d1, l1, d2, l2)
	}
	if l1 < 200 || l1 > 400 {
		t.Errorf("lost %d of 1000 at 30%%", l1)
	}
}

func TestFakeClockJump(t *testing.T) {
	c := NewFakeClock(t0)
	a := c.NewTimer(time.Second)
	c.Jump(3 * time.Second)
	select {
	case at := <-a.C():
		if at.Sub(t0) != 3*time.Second {
			t.Errorf("fired at %v, want the time after the jump", at.Sub(t0))
		}
	default:
		t.Fatal("timer did not fire")
	}
}
