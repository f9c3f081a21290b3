package script

import "fmt"

// Condition is the state of a tracked object as seen by effective
// priority arithmetic.
type Condition int

const (
	// Unknown: no result yet (a vrrp_script before its first run).
	Unknown Condition = iota
	// Up: script OK, interface up, process quorum met.
	Up
	// Down: script failed, interface down, quorum lost.
	Down
)

func (c Condition) String() string {
	switch c {
	case Unknown:
		return "unknown"
	case Up:
		return "up"
	case Down:
		return "down"
	}
	return fmt.Sprintf("Condition(%d)", int(c))
}

// RiseFall is keepalived's per-script result counter (its
// vrrp_script_child_thread). The counter lives in [0, rise+fall-1] and the
// script is OK iff counter >= rise. It starts at rise-1 in an "init" state,
// so the first result decides at once whatever rise and fall are; a
// success below rise-1 counts up, otherwise jumps to the maximum (the OK
// transition when it was exactly rise-1); a failure above rise counts
// down, otherwise resets to 0 (the failed transition when it was exactly
// rise, or still in init). Net effect: fall consecutive failures to go
// down, rise consecutive successes to come back up.
//
// init_fail is deliberately not modelled: keepalived overwrites it for
// every tracked script, so it never has an effect.
type RiseFall struct {
	rise, fall int
	result     int
	init       bool
}

// NewRiseFall returns a counter in the initial state. rise and fall must
// be at least 1 (keepalived's accepted range).
func NewRiseFall(rise, fall int) (*RiseFall, error) {
	if rise < 1 || fall < 1 {
		return nil, fmt.Errorf("new rise/fall counter: rise %d and fall %d must be >= 1", rise, fall)
	}
	if rise > maxRiseFall-fall {
		return nil, fmt.Errorf("new rise/fall counter: rise %d + fall %d too large", rise, fall)
	}
	return &RiseFall{rise: rise, fall: fall, result: rise - 1, init: true}, nil
}

const maxRiseFall = 1 << 30

// NewRiseFallFrom returns a counter that continues a known condition, for
// a script kept across a reload (same name, argv and user): keepalived
// logs "considered successful on reload" and does not re-run the init
// rule. Up starts at the top of the range (fall failures to go down), Down
// at 0 (rise successes to come up); Unknown is NewRiseFall. The exact
// value keepalived 2.2.7 picks was not verified.
func NewRiseFallFrom(rise, fall int, prev Condition) (*RiseFall, error) {
	r, err := NewRiseFall(rise, fall)
	if err != nil {
		return nil, err
	}
	switch prev {
	case Up:
		r.result, r.init = rise+fall-1, false
	case Down:
		r.result, r.init = 0, false
	}
	return r, nil
}

// Condition is Unknown before the first result, then Up or Down.
func (r *RiseFall) Condition() Condition {
	switch {
	case r.init:
		return Unknown
	case r.result >= r.rise:
		return Up
	}
	return Down
}

// Observe records one run's outcome and reports whether the condition
// changed (Unknown to Up/Down counts as a change) and the new condition.
func (r *RiseFall) Observe(success bool) (changed bool, now Condition) {
	top := r.rise + r.fall - 1
	wasInit := r.init
	r.init = false
	if success {
		switch {
		case r.result < r.rise-1:
			r.result++
		case r.result != top:
			changed = r.result == r.rise-1
			r.result = top
		}
	} else {
		if r.result > r.rise {
			r.result--
		} else {
			changed = r.result == r.rise || wasInit
			r.result = 0
		}
	}
	return changed, r.Condition()
}
