package vrrp

import (
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestRunnersBoundGoroutines: executors that all have work at once share
// at most max runners, and each still runs its functions in order.
func TestRunnersBoundGoroutines(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const runners, executors, each = 3, 20, 4
		r := NewRunners(RealClock(), runners)
		var mu sync.Mutex
		active, peak := 0, 0
		got := make([][]int, executors)
		ss := make([]*serial, executors)
		for i := range ss {
			ss[i] = &serial{runners: r}
		}
		for i, s := range ss {
			for k := range each {
				s.do(func() {
					mu.Lock()
					active++
					peak = max(peak, active)
					mu.Unlock()
					time.Sleep(time.Millisecond) // work: runners finish well within stallWait
					mu.Lock()
					active--
					got[i] = append(got[i], k)
					mu.Unlock()
				})
			}
		}
		synctest.Wait()
		time.Sleep(time.Second)
		synctest.Wait()
		if peak > runners {
			t.Errorf("%d functions ran at once, want at most %d", peak, runners)
		}
		for i := range got {
			if d := cmp.Diff([]int{0, 1, 2, 3}, got[i]); d != "" {
				t.Errorf("executor %d order (-want +got):\n%s", i, d)
			}
		}
	})
}

// TestRunnersNeverStall: with every runner blocked by a function that
// waits for one still in line, a runner is added after stallWait, and
// both finish.
func TestRunnersNeverStall(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := NewRunners(RealClock(), 1)
		a, b := &serial{runners: r}, &serial{runners: r}
		bRan := make(chan struct{})
		aDone := make(chan struct{})
		start := time.Now()
		a.do(func() {
			<-bRan
			close(aDone)
		})
		b.do(func() { close(bRan) })
		<-aDone
		if waited := time.Since(start); waited < stallWait {
			t.Errorf("b ran after %v, before the watchdog's %v: it did not wait for a runner", waited, stallWait)
		}
		synctest.Wait()
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.running != 0 || len(r.waiting) != 0 || r.watch != nil {
			t.Errorf("after the work: %d running, %d waiting, watchdog armed %v", r.running, len(r.waiting), r.watch != nil)
		}
	})
}
