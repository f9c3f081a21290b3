package engine

import (
	"testing"

	"github.com/goalived/goalived/vrrp"
)

func TestStatsBaseline(t *testing.T) {
	var b statsBaseline
	vi := &vrrp.Instance{}
	cur := vrrp.Stats{AdvertSent: 10, AdvertReceived: 4, AuthFailure: 2}
	if got := b.since(vi, cur); got != cur {
		t.Errorf("before any clear: got %+v, want %+v", got, cur)
	}
	b.reset(map[*vrrp.Instance]vrrp.Stats{vi: cur})
	later := vrrp.Stats{AdvertSent: 13, AdvertReceived: 4, AuthFailure: 3}
	want := vrrp.Stats{AdvertSent: 3, AuthFailure: 1}
	if got := b.since(vi, later); got != want {
		t.Errorf("after clear: got %+v, want %+v", got, want)
	}
	// A restarted instance (new counters below the baseline) never shows
	// a wrapped value.
	if got := b.since(vi, vrrp.Stats{AdvertSent: 1}); got.AdvertSent != 0 {
		t.Errorf("counter below baseline shows %d", got.AdvertSent)
	}
}
