package engine

import (
	"sync"

	"github.com/goalived/goalived/vrrp"
)

// statsBaseline implements STATS_CLEAR. vrrp.Instance owns its counters
// and offers no way to reset them, so the engine remembers the counters
// at the last clear and shows the difference; the instance's own totals
// (and the per-reason drop counters) keep counting.
type statsBaseline struct {
	mu   sync.Mutex // guards base
	base map[*vrrp.Instance]vrrp.Stats
}

// since returns cur minus the baseline of vi.
func (b *statsBaseline) since(vi *vrrp.Instance, cur vrrp.Stats) vrrp.Stats {
	b.mu.Lock()
	base, ok := b.base[vi]
	b.mu.Unlock()
	if !ok {
		return cur
	}
	return subStats(cur, base)
}

// reset makes cur the new zero of each instance in it; instances that
// are gone (stopped by a reload) are forgotten.
func (b *statsBaseline) reset(cur map[*vrrp.Instance]vrrp.Stats) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.base = cur
}

func subStats(a, b vrrp.Stats) vrrp.Stats {
	d := func(x, y uint64) uint64 {
		if x < y { // counters only grow; never show a wrapped value
			return 0
		}
		return x - y
	}
	out := vrrp.Stats{
		AdvertReceived:    d(a.AdvertReceived, b.AdvertReceived),
		AdvertSent:        d(a.AdvertSent, b.AdvertSent),
		BecameMaster:      d(a.BecameMaster, b.BecameMaster),
		ReleasedMaster:    d(a.ReleasedMaster, b.ReleasedMaster),
		PacketLenErr:      d(a.PacketLenErr, b.PacketLenErr),
		TTLErr:            d(a.TTLErr, b.TTLErr),
		InvalidType:       d(a.InvalidType, b.InvalidType),
		AdvertIntervalErr: d(a.AdvertIntervalErr, b.AdvertIntervalErr),
		AddrListErr:       d(a.AddrListErr, b.AddrListErr),
		InvalidAuthType:   d(a.InvalidAuthType, b.InvalidAuthType),
		AuthTypeMismatch:  d(a.AuthTypeMismatch, b.AuthTypeMismatch),
		AuthFailure:       d(a.AuthFailure, b.AuthFailure),
		PriZeroReceived:   d(a.PriZeroReceived, b.PriZeroReceived),
		PriZeroSent:       d(a.PriZeroSent, b.PriZeroSent),
	}
	for i := range out.Drops {
		out.Drops[i] = d(a.Drops[i], b.Drops[i])
	}
	return out
}
