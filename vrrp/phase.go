package vrrp

import "time"

// advertAfter is when the advert after one sent (or due) at t is due.
//
// keepalived 2.2.7 sends it an advert_int later. Instances that became
// master together (all of a daemon's at start-up, a sync group, a
// failover of every instance on a link) then advertise in one burst for
// as long as they stay master: 250 adverts leave within 10 ms, 1000
// within 40, and the later an instance's place in the burst, the more
// its spacing varies with the burst's pace; a peer's receive queue takes
// the whole burst at once.
//
// With SpreadAdverts the adverts go in a few smaller bursts instead: each
// instance keeps to one of up to eight phases in the interval, taken from
// its name (see phase). After an advert sent off its phase (on becoming
// master, answering a peer) the next one comes at the phase, so never
// later than advert_int, and never sooner than half of it: an advert may
// come early, which a backup takes as any advert, but never late. Eight
// bursts, not one phase per instance: every burst is a wakeup of the
// process, which on a virtual machine costs 30-100 us of CPU time, and
// adverts spread one by one cost a 250-instance master three times its
// CPU time.
func (m *Machine) advertAfter(t moment) moment {
	iv := m.cfg.Interval
	next := t.add(iv)
	if !m.cfg.SpreadAdverts || iv <= 0 {
		return next
	}
	// past: how far next lies beyond the last phase point before it, on
	// a grid that all machines share (the wall clock at their start plus
	// the monotonic time since).
	past := (time.Duration(m.base.UnixNano()) + time.Duration(next>>1) - m.phase()) % iv
	if past < 0 {
		past += iv
	}
	return next.add(-min(past, iv/2))
}

// slotWidth is the least distance between two phases: up to eight per
// interval, none for an interval of 20 ms or less.
const (
	slotWidth = 20 * time.Millisecond
	maxSlots  = 8
)

// phase is the instance's offset in the interval: its name hashed (the
// name is what stays the same across reloads and restarts) to one of the
// interval's slots, plus a whole number of microseconds under a
// millisecond, also from the name. The instances of a slot thus have
// deadlines of their own, microseconds apart, and the clock runs them in
// the same order every round: with one deadline for all, or deadlines
// nanoseconds apart (less than the jitter of reading the clock when a
// timer is set), their order changed from round to round, and so each
// one's place in its burst (5 ms for 125 instances).
func (m *Machine) phase() time.Duration {
	iv := m.cfg.Interval
	slots := min(max(int64(iv/slotWidth), 1), maxSlots)
	h := fnv1a(m.cfg.Name)
	return time.Duration(int64(h%uint64(slots)))*(iv/time.Duration(slots)) + time.Duration(h>>32%1000)*time.Microsecond
}

// fnv1a is the FNV-1a hash of s with a final mix: FNV-1a alone leaves
// names that differ in their last digit ("VI_79", "VI_80") close
// together. It runs for every advert, so without hash/fnv's allocation.
func fnv1a(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * 1099511628211
	}
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	return h
}
