package vrrp

import (
	"fmt"
	"net/netip"
	"time"
)

// Config is one VRRP instance as the protocol sees it. cmd/goalived builds
// it from the parsed keepalived.conf; the zero values of the optional
// fields mean keepalived's defaults unless noted. The one-byte fields come
// last: every machine keeps a copy, and in the order of their meaning the
// padding between them made it 24 bytes larger.
type Config struct {
	Name     string
	Interval time.Duration // advert_int; 0 means 1 s

	Addrs  []netip.Addr // VIPs carried in adverts (virtual_ipaddress), in order
	Source netip.Addr   // our source/primary address: sent from, and the tie-break
	Group  netip.Addr   // multicast destination; zero means 224.0.0.18 / ff02::12
	Peers  []Peer       // unicast_peer, used when Unicast

	PreemptDelay     time.Duration
	DownTimerAdverts int // 0 means 3

	GARP GARPConfig

	VRID     uint8
	Version  uint8 // 2 or 3
	Priority uint8 // base priority 1..255; 255 is the address owner
	// WantMaster is `state MASTER` (explicit or derived from priority 255).
	// Below 255 it gives no head start; it only clears NoPreempt and
	// PreemptDelay.
	WantMaster bool

	AuthType AuthType // VRRPv2 only
	AuthPass [8]byte  // first 8 bytes of auth_pass, zero padded: the PASS password or the AH HMAC key

	Unicast         bool
	CheckUnicastSrc bool

	NoPreempt bool

	LowerPrioNoAdvert    bool
	HigherPrioSendAdvert bool
	V3ChecksumAsV2       bool
	// UnicastChecksum is old_unicast_checksum: the pseudo-header
	// destination of VRRPv3 unicast IPv4 adverts.
	UnicastChecksum UnicastChecksum

	// FastPreempt (goalived extension, off by default): a backup hearing a
	// master advertise a lower priority than its own takes over after its
	// skew time instead of the Master_Down_Interval, and a master whose
	// priority falls advertises it at once instead of at its next interval.
	FastPreempt bool
}

// UnicastChecksum is keepalived's chksum_compatibility: whether VRRPv3
// unicast IPv4 adverts are checksummed as keepalived < 1.3.6 did, with
// 224.0.0.18 instead of the peer as pseudo-header destination.
type UnicastChecksum uint8

// Unicast checksum modes, keepalived's CHKSUM_COMPATIBILITY_* values.
const (
	// UnicastChecksumAuto (the default) sends the RFC 5798 checksum and
	// switches to the old one for good once a peer's advert carries it.
	UnicastChecksumAuto UnicastChecksum = iota
	// UnicastChecksumNever (old_unicast_checksum never) always sends the
	// RFC 5798 checksum.
	UnicastChecksumNever
	// UnicastChecksumOld (old_unicast_checksum) always sends the old one.
	UnicastChecksumOld
	// UnicastChecksumDetected is Auto after a peer's old checksum: the
	// old one is sent from then on.
	UnicastChecksumDetected
)

// old reports whether adverts carry the old checksum.
func (u UnicastChecksum) old() bool {
	return u == UnicastChecksumOld || u == UnicastChecksumDetected
}

// Peer is a unicast_peer line.
type Peer struct {
	Addr           netip.Addr
	MinTTL, MaxTTL int // both 0 means unchecked; otherwise MaxTTL 0 means 255
}

func (p Peer) ttlChecked() bool { return p.MinTTL != 0 || p.MaxTTL != 0 }

// GARPConfig holds the garp_* settings.
type GARPConfig struct {
	MasterDelay         time.Duration // second burst after becoming master; 0 none
	MasterRepeat        int           // rounds per burst
	MasterRefresh       time.Duration // periodic burst while master; 0 none
	MasterRefreshRepeat int
	LowerPrioDelay      time.Duration // second burst after a lower-priority advert
	LowerPrioRepeat     int           // 0 disables the lower-priority bursts
}

// DefaultGARP returns keepalived's global defaults.
func DefaultGARP() GARPConfig {
	return GARPConfig{
		MasterDelay: 5 * time.Second, MasterRepeat: 5, MasterRefreshRepeat: 1,
		LowerPrioDelay: 5 * time.Second, LowerPrioRepeat: 5,
	}
}

// normalize validates c and applies the defaults and keepalived's
// precedence rules.
func (c Config) normalize() (Config, error) {
	if c.VRID == 0 {
		return c, fmt.Errorf("configure vrrp instance %s: virtual router id must be 1..255", c.Name)
	}
	if c.Version != 2 && c.Version != 3 {
		return c, fmt.Errorf("configure vrrp instance %s: version %d is not 2 or 3", c.Name, c.Version)
	}
	if c.Priority == 0 {
		return c, fmt.Errorf("configure vrrp instance %s: priority must be 1..255", c.Name)
	}
	if !c.Source.IsValid() {
		return c, fmt.Errorf("configure vrrp instance %s: no source address", c.Name)
	}
	if c.Interval == 0 {
		c.Interval = time.Second
	}
	if c.DownTimerAdverts == 0 {
		c.DownTimerAdverts = 3
	}
	if !c.Group.IsValid() {
		c.Group = GroupIPv4
		if c.Source.Is6() {
			c.Group = GroupIPv6
		}
	}
	if c.Unicast && len(c.Peers) == 0 {
		c.Unicast = false // keepalived falls back to multicast
	}
	if c.WantMaster || c.Priority == PriorityOwner {
		c.NoPreempt = false
	}
	if c.WantMaster || c.NoPreempt {
		c.PreemptDelay = 0
	}
	if _, err := Marshal(c.advert(c.Priority), c.Source, c.Group, c.codec()); err != nil {
		return c, fmt.Errorf("configure vrrp instance %s: %w", c.Name, err)
	}
	return c, nil
}

// codec gives the checksum options. The old unicast checksum's group is
// the instance's (vrrp_mcast_group4 unless mcast_dst_ip says otherwise;
// keepalived takes vrrp_mcast_group4 even then).
func (c *Config) codec() CodecOptions {
	return CodecOptions{V3ChecksumAsV2: c.V3ChecksumAsV2, OldUnicast: c.UnicastChecksum.old(), OldGroup: c.Group}
}

// checkSource reports whether unicast sources are validated.
func (c *Config) checkSource() bool {
	if !c.Unicast {
		return false
	}
	if c.CheckUnicastSrc {
		return true
	}
	for _, p := range c.Peers {
		if p.ttlChecked() {
			return true
		}
	}
	return false
}

// advert builds our advertisement at the given priority.
func (c *Config) advert(prio uint8) Advert {
	a := Advert{
		Version: c.Version, Type: TypeAdvertisement, VRID: c.VRID, Priority: prio,
		Interval: c.Interval, Addrs: c.Addrs,
	}
	if c.Version == 2 {
		a.AuthType = c.AuthType
		if c.AuthType == AuthPass {
			a.AuthData = c.AuthPass
		}
	}
	return a
}

// Destinations returns where adverts go: the peers in order (unicast) or
// the multicast group.
func (c *Config) destinations() []netip.Addr {
	if !c.Unicast {
		return []netip.Addr{c.Group}
	}
	d := make([]netip.Addr, len(c.Peers))
	for i, p := range c.Peers {
		d[i] = p.Addr
	}
	return d
}
