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

// counters are what a machine counts: Stats less the counters that are
// sums of Drops (keepalived's error counters, each the count of one or two
// drop reasons) and ReportsSuppressed (the instance's), which stats fills
// in. A machine then holds 25 counters instead of 33, 64 bytes less: a
// thousand instances hold their counters all the time and read them only
// for a dump. Saved carries Stats, whose error counters a machine always
// kept equal to those sums.
type counters struct {
	advertReceived, advertSent   uint64
	becameMaster, releasedMaster uint64
	addrListErr                  uint64
	priZeroReceived, priZeroSent uint64
	lowerPrioSuppressed          uint64
	drops                        [numDropReasons]uint64
}

// stats returns the counters as Stats.
func (c *counters) stats() Stats {
	d := &c.drops
	return Stats{
		AdvertReceived: c.advertReceived, AdvertSent: c.advertSent,
		BecameMaster: c.becameMaster, ReleasedMaster: c.releasedMaster,
		PacketLenErr: d[DropLength], TTLErr: d[DropTTL], InvalidType: d[DropType],
		AdvertIntervalErr: d[DropInterval], AddrListErr: c.addrListErr,
		InvalidAuthType:  d[DropAuthInvalidType] + d[DropAuthUnsupported],
		AuthTypeMismatch: d[DropAuthTypeMismatch], AuthFailure: d[DropAuthFailure],
		PriZeroReceived: c.priZeroReceived, PriZeroSent: c.priZeroSent,
		LowerPrioSuppressed: c.lowerPrioSuppressed, Drops: c.drops,
	}
}

// countersOf is the inverse of stats.
func countersOf(s Stats) counters {
	return counters{
		advertReceived: s.AdvertReceived, advertSent: s.AdvertSent,
		becameMaster: s.BecameMaster, releasedMaster: s.ReleasedMaster, addrListErr: s.AddrListErr,
		priZeroReceived: s.PriZeroReceived, priZeroSent: s.PriZeroSent,
		lowerPrioSuppressed: s.LowerPrioSuppressed, drops: s.Drops,
	}
}

// countDrop counts a rejected packet; keepalived's counter for it is
// derived from its reason (see stats).
func (c *counters) countDrop(r DropReason) {
	if int(r) < len(c.drops) {
		c.drops[r]++
	}
}
