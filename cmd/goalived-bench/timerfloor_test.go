package main

import (
	"testing"
	"time"
)

// The probe fires on its grid and never before a deadline; its floor is
// the 99th percentile of what it saw.
func TestTimerProbe(t *testing.T) {
	p, err := startTimerProbe()
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		p.mu.Lock()
		n := len(p.late)
		p.mu.Unlock()
		if n >= 20 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d firings in 10 s, want 20", n)
		}
		time.Sleep(floorPeriod)
	}
	floor := p.finish()
	p.mu.Lock()
	late := p.late
	p.mu.Unlock()
	for i, l := range late {
		if l < 0 {
			t.Errorf("firing %d came %v before its deadline", i, -l)
		}
	}
	if want := percentile(late, 0.99); floor != want {
		t.Errorf("floor %v, want the 99th percentile %v", floor, want)
	}
	time.Sleep(3 * floorPeriod)
	if n := len(p.late); n != len(late) {
		t.Errorf("%d firings after finish", n-len(late))
	}
}
