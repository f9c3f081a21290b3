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
		if s.running || len(s.queue) != 0 {
			t.Errorf("idle executor: running=%t queue=%d", s.running, len(s.queue))
		}
	})
}
