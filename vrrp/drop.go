package vrrp

import (
	"errors"
	"fmt"
)

// DropReason says why a received packet was not accepted as an advert.
type DropReason uint8

// Drop reasons, in the order keepalived's vrrp_check_packet() tests them;
// the last three are goalived's (demultiplexing and sanity checks).
const (
	DropNone             DropReason = iota
	DropLength                      // shorter than the header plus addresses (+ auth data)
	DropTTL                         // TTL/hop limit not 255 (multicast) or outside a peer's min/max
	DropVersion                     // version field not 2/3, or not the instance's version
	DropAuthInvalidType             // VRRPv2 auth type unknown
	DropAuthTypeMismatch            // VRRPv2 auth type differs from ours
	DropAuthFailure                 // VRRPv2 PASS data or IPsec-AH ICV, SPI or sequence number wrong
	DropAuthUnsupported             // unused since IPsec-AH is implemented (kept: the numbering is exported)
	DropInterval                    // VRRPv2 interval differs from ours, or a zero VRRPv3 interval
	DropType                        // type is not advertisement
	DropChecksum                    // no accepted checksum form matches
	DropDestination                 // multicast advert on a unicast instance or vice versa
	DropSource                      // unicast source not a configured peer
	DropVRID                        // advert for another virtual router
	DropFamily                      // source address family differs from the instance's
	DropLoop                        // our own advert looped back (source is our address)
	DropAHNextHeader                // an AH packet for another protocol than VRRP
	numDropReasons
)

var dropNames = [...]string{
	DropNone:             "none",
	DropLength:           "bad length",
	DropTTL:              "bad ttl",
	DropVersion:          "bad version",
	DropAuthInvalidType:  "invalid auth type",
	DropAuthTypeMismatch: "auth type mismatch",
	DropAuthFailure:      "auth failure",
	DropAuthUnsupported:  "unsupported auth",
	DropInterval:         "advert interval mismatch",
	DropType:             "bad type",
	DropChecksum:         "bad checksum",
	DropDestination:      "wrong destination mode",
	DropSource:           "unknown unicast source",
	DropVRID:             "other vrid",
	DropFamily:           "wrong address family",
	DropLoop:             "own advert",
	DropAHNextHeader:     "ah for another protocol",
}

func (r DropReason) String() string {
	if int(r) < len(dropNames) {
		return dropNames[r]
	}
	return fmt.Sprintf("drop(%d)", uint8(r))
}

// DropError is the error Unmarshal and Machine.Step return for a rejected packet.
type DropError struct {
	Reason DropReason
	Detail string
	// Keepalived is the line keepalived 2.2.7 logs for the same drop,
	// after the instance's "(VI_1) " ("invalid TTL/HL. Received 64 and
	// expect 255"); empty for goalived's own checks.
	Keepalived string
}

// logs sets e's Keepalived line.
func (e *DropError) logs(format string, args ...any) *DropError {
	e.Keepalived = fmt.Sprintf(format, args...)
	return e
}

func (e *DropError) Error() string {
	return "drop vrrp advert: " + e.Reason.String() + ": " + e.Detail
}

func dropf(r DropReason, format string, args ...any) *DropError {
	return &DropError{Reason: r, Detail: fmt.Sprintf(format, args...)}
}

// ReasonOf extracts the drop reason from an error returned by Unmarshal or
// Machine.Step (Result.Drop); DropNone if err is nil or not a drop.
func ReasonOf(err error) DropReason {
	var d *DropError
	if errors.As(err, &d) {
		return d.Reason
	}
	return DropNone
}
