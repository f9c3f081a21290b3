package vrrp

import (
	"fmt"
	"net/netip"
)

// SendError is an advert the Sender could not send (ReportError's Err).
// The engine words it as keepalived does, which depends on whether it
// went to the group or to a unicast peer, and on its priority.
type SendError struct {
	Dst      netip.Addr
	Unicast  bool
	Priority uint8
	Err      error
}

func (e *SendError) Error() string { return fmt.Sprintf("send advert to %v: %v", e.Dst, e.Err) }

func (e *SendError) Unwrap() error { return e.Err }
