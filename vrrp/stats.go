package vrrp

// Stats are the per-instance counters of keepalived's stats dump
// plus a counter per drop reason.
type Stats struct {
	AdvertReceived    uint64 // accepted adverts (drops are not counted, as in 2.2.7)
	AdvertSent        uint64
	BecameMaster      uint64
	ReleasedMaster    uint64
	PacketLenErr      uint64
	TTLErr            uint64
	InvalidType       uint64
	AdvertIntervalErr uint64
	AddrListErr       uint64
	InvalidAuthType   uint64
	AuthTypeMismatch  uint64
	AuthFailure       uint64
	PriZeroReceived   uint64
	PriZeroSent       uint64
	// LowerPrioSuppressed counts lower-priority adverts a master did not
	// answer because it had answered one less than an interval before.
	LowerPrioSuppressed uint64
	// ReportsSuppressed counts reports of single packets (drops, other
	// VIP lists) not made because too many were waiting to be handled.
	// Instance.Stats fills it; the machine has no report queue.
	ReportsSuppressed uint64

	// Drops counts every rejected packet by reason, including the ones
	// keepalived does not count (checksum, version, destination, ...).
	Drops [numDropReasons]uint64
}

// countDrop maps a drop reason to keepalived's counter.
func (s *Stats) countDrop(r DropReason) {
	if int(r) < len(s.Drops) {
		s.Drops[r]++
	}
	switch r {
	case DropLength:
		s.PacketLenErr++
	case DropTTL:
		s.TTLErr++
	case DropType:
		s.InvalidType++
	case DropInterval:
		s.AdvertIntervalErr++
	case DropAuthInvalidType, DropAuthUnsupported:
		s.InvalidAuthType++
	case DropAuthTypeMismatch:
		s.AuthTypeMismatch++
	case DropAuthFailure:
		s.AuthFailure++
	}
}
