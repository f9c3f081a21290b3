package vrrp

import (
	"fmt"
	"slices"
)

// States and reasons travel by name (a hot upgrade's Saved state, read by
// another goalived version whose numbering may differ).

// MarshalText implements encoding.TextMarshaler.
func (s State) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (s *State) UnmarshalText(b []byte) error {
	i := slices.Index(stateNames[:], string(b))
	if i < 0 {
		return fmt.Errorf("unknown vrrp state %q", b)
	}
	*s = State(i)
	return nil
}

// MarshalText implements encoding.TextMarshaler.
func (r Reason) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (r *Reason) UnmarshalText(b []byte) error {
	i := slices.Index(reasonNames[:], string(b))
	if i < 0 {
		return fmt.Errorf("unknown vrrp reason %q", b)
	}
	*r = Reason(i)
	return nil
}
