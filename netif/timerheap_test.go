package netif

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestTimerHeapRandom: after random pushes, moves and removals the heap
// pops its timers in deadline order, and every timer's index is its
// place in the heap.
func TestTimerHeapRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for round := range 200 {
		var h timerHeap
		var live []*TimerfdTimer
		for range r.IntN(60) {
			switch op := r.IntN(4); {
			case op < 2 || len(live) == 0:
				tm := &TimerfdTimer{when: r.Int64N(100), index: -1}
				h.push(tm)
				live = append(live, tm)
			case op == 2:
				tm := live[r.IntN(len(live))]
				tm.when = r.Int64N(100)
				h.fix(tm.index)
			default:
				k := r.IntN(len(live))
				h.remove(live[k].index)
				if live[k].index != -1 {
					t.Fatalf("round %d: removed timer keeps index %d", round, live[k].index)
				}
				live = slices.Delete(live, k, k+1)
			}
			for i, tm := range h {
				if tm.index != i {
					t.Fatalf("round %d: timer at %d has index %d", round, i, tm.index)
				}
			}
		}
		var want []int64
		for _, tm := range live {
			want = append(want, tm.when)
		}
		slices.Sort(want)
		var got []int64
		for len(h) > 0 {
			got = append(got, h.popMin().when)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("round %d: popped %v, want %v", round, got, want)
		}
	}
}
