package vrrp

import "time"

// moment is a time of the machine's clock in 8 bytes where a time.Time
// takes 24: the nanoseconds after the machine's base (the time it
// started: no timer is armed before), shifted left with the low bit set, so that the zero moment
// means "not armed" as the zero time.Time did and never collides with a
// real reading. A machine holds eight of them; as time.Times they were a
// fifth of its size. Differences are taken with time.Time.Sub, so that
// moments compare as the times did (by the monotonic clock reading when
// the clock gives one).
type moment int64

// maxOffset bounds a moment's distance from the base (about 73 years)
// so that the shift cannot overflow; only a restored state could hold a
// timer that far, which then never fires either way.
const maxOffset = 1 << 61

// at converts t. Until the machine starts (Start or Restore), the base
// follows the time it is given, so that it is the start's.
func (m *Machine) at(t time.Time) moment {
	if !m.started {
		m.base = t
	}
	return offset(t.Sub(m.base))
}

// offset is the moment d after the base.
func offset(d time.Duration) moment {
	return moment(min(max(d, -maxOffset), maxOffset))<<1 | 1
}

// time converts x back; the zero moment is the zero time.
func (m *Machine) time(x moment) time.Time {
	if x == 0 {
		return time.Time{}
	}
	return m.base.Add(time.Duration(x >> 1))
}

// add returns x moved by d; x must be set.
func (x moment) add(d time.Duration) moment {
	return offset(time.Duration(x>>1) + min(max(d, -maxOffset), maxOffset))
}

// sub returns x - y; both must be set.
func (x moment) sub(y moment) time.Duration { return time.Duration(x>>1 - y>>1) }

// set reports whether x is armed.
func (x moment) set() bool { return x != 0 }

// before reports whether x is earlier than y; both must be set.
func (x moment) before(y moment) bool { return x < y }
