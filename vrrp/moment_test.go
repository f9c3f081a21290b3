package vrrp

import (
	"math"
	"testing"
	"time"
)

func TestMoment(t *testing.T) {
	for _, base := range []time.Time{t0, time.Now(), {}} {
		m := &Machine{}
		b := m.at(base)
		m.started = true
		later := m.at(base.Add(1500 * time.Millisecond))
		if !b.set() || !later.set() || !b.before(later) || later.before(b) {
			t.Fatalf("base %v: moments %d, %d out of order", base, b, later)
		}
		if got := later.sub(b); got != 1500*time.Millisecond {
			t.Errorf("base %v: difference %v, want 1.5s", base, got)
		}
		if got, want := m.time(b.add(time.Second)), base.Add(time.Second); !got.Equal(want) {
			t.Errorf("base %v: time %v, want %v", base, got, want)
		}
		if earlier := m.at(base.Add(-time.Hour)); !earlier.set() || !earlier.before(b) {
			t.Errorf("base %v: an hour before the base is moment %d", base, earlier)
		}
		// Restored states may hold any duration: clamped, never wrapped.
		if far := b.add(math.MaxInt64); !later.before(far) {
			t.Errorf("base %v: the farthest future %d is not after %d", base, far, later)
		}
		if past := b.add(math.MinInt64); !past.set() || !past.before(b) {
			t.Errorf("base %v: the farthest past %d is not before %d", base, past, b)
		}
	}
	if m := (&Machine{}); !m.time(0).IsZero() {
		t.Error("the zero moment is not the zero time")
	}
	var fake Machine
	fake.at(t0)
	if got := fake.time(fake.at(t0.Add(time.Second))); got != t0.Add(time.Second) {
		t.Errorf("a fake clock's moment reads %v, want %v (its location and monotonic state)", got, t0.Add(time.Second))
	}
}
