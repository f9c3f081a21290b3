package vrrp

import (
	"sync"
	"testing"
	"testing/synctest"
)

// TestSerialOrderAndExclusion: functions queued from many goroutines run
// one at a time, each producer's in its order, and no runner is left once
// the queue is empty.
func TestSerialOrderAndExclusion(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var s serial
		const producers, each = 8, 200
		var (
			active  int
			maxSeen int
			last    [producers]int
			mu      sync.Mutex // guards nothing the runner needs: checks exclusion
		)
		var wg sync.WaitGroup
		for p := range producers {
			wg.Go(func() {
				for i := 1; i <= each; i++ {
					s.do(func() {
						mu.Lock()
						active++
						maxSeen = max(maxSeen, active)
						if last[p] != i-1 {
							t.Errorf("producer %d: ran %d after %d", p, i, last[p])
						}
						last[p] = i
						mu.Unlock()
						mu.Lock()
						active--
						mu.Unlock()
					})
				}
			})
		}
		wg.Wait()
		synctest.Wait() // every runner has ended: nothing is left blocked
		if maxSeen != 1 {
			t.Errorf("%d functions ran at once, want 1", maxSeen)
		}
		for p, n := range last {
			if n != each {
				t.Errorf("producer %d: %d of %d ran", p, n, each)
			}
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.running || s.queue != nil || s.spare != nil {
			t.Errorf("idle executor: running=%t, queue %d/%d, spare %d", s.running, len(s.queue), cap(s.queue), cap(s.spare))
		}
	})
}

// TestSerialEnter: an idle executor lets the caller run its work itself;
// a busy one refuses, and what was queued while the caller ran gets a
// runner when it leaves.
func TestSerialEnter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var s serial
		if !s.enter() {
			t.Fatal("enter on an idle executor refused")
		}
		if s.enter() {
			t.Fatal("enter on a busy executor accepted")
		}
		ran := false
		s.do(func() { ran = true })
		synctest.Wait()
		if ran {
			t.Fatal("a queued function ran while the caller held the executor")
		}
		s.leave()
		synctest.Wait()
		if !ran {
			t.Fatal("the function queued during an inline run never ran")
		}
		if !s.enter() {
			t.Fatal("enter after the queue drained refused")
		}
		s.leave()
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.running {
			t.Error("executor still running after leave with an empty queue")
		}
	})
}

// TestDeliverQueuedCopy: a packet delivered while the instance is busy
// is queued as a copy, so the caller may reuse its buffer at once (the
// socket reader does); one delivered to an idle instance is stepped
// before Deliver returns.
func TestDeliverQueuedCopy(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clock := &benchClock{now: t0}
		in, err := NewInstance(machineConfig(nil), Outputs{}, WithClock(clock))
		if err != nil {
			t.Fatal(err)
		}
		startAndSettle(t, in)
		p := peerPacket(func(a *Advert) { a.Priority, a.AuthType, a.AuthData = 150, AuthNone, [8]byte{} }, GroupIPv4, 255)
		in.Deliver(p)
		if got := in.Stats().AdvertReceived; got != 1 {
			t.Fatalf("an idle instance had accepted %d adverts when Deliver returned, want 1", got)
		}
		if !in.run.enter() {
			t.Fatal("executor busy")
		}
		in.Deliver(p)
		clear(p.Payload) // the reader's next packet overwrites its buffer
		in.run.leave()
		synctest.Wait()
		if got := in.Stats().AdvertReceived; got != 2 {
			t.Errorf("accepted %d adverts, want 2: the queued packet was not a copy", got)
		}
	})
}
