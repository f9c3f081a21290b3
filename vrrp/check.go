package vrrp

import (
	"crypto/subtle"
	"net/netip"
	"slices"
	"time"
)

// Packet is a received VRRP message with the IP header facts the checks
// need.
type Packet struct {
	Payload  []byte // the VRRP message (IP payload), after an AH header if Header says so
	Src, Dst netip.Addr
	TTL      int // IPv4 TTL or IPv6 hop limit
	// Header is the IPv4 header as received, needed for auth_type AH:
	// with protocol 51 the Payload starts with the AH header, whose ICV
	// covers the IP header. Nil for plain VRRP.
	Header []byte
}

// Verdict is the outcome of receive validation for an accepted packet.
type Verdict struct {
	// IntervalMismatch: a VRRPv3 advert with another interval (only noted).
	IntervalMismatch bool
	// AddrMismatch: the address list differs from ours. goalived accepts
	// such adverts (like keepalived >= 2.3.3, unlike 2.2.7 which drops
	// them and so makes a persistent dual master).
	AddrMismatch bool
	// Checksum is the form the VRRPv3 checksum was verified in; it is set
	// also when a later check drops the packet, since keepalived switches
	// to the old unicast checksum as soon as the checksum matched it.
	Checksum ChecksumForm
}

// check validates p against the instance configuration in keepalived's
// order (vrrp_check_packet) and decodes it. ah is the
// instance's IPsec-AH sequence number counter, which an accepted AH
// packet raises. Errors are *DropError.
func check(p Packet, c *Config, ah *ahCounter) (Advert, Verdict, error) {
	var v Verdict
	if !p.Src.IsValid() || p.Src.Is4() != c.Source.Is4() || p.Dst.Is4() != c.Source.Is4() {
		return Advert{}, v, dropf(DropFamily, "advert from %v to %v", p.Src, p.Dst)
	}
	if p.Src == c.Source {
		// Multicast loopback should be off on the socket; if an advert of
		// ours comes back anyway, a master must not answer it (storm).
		return Advert{}, v, dropf(DropLoop, "advert from our own address %v", p.Src)
	}
	if p.isAH() != (c.AuthType == AuthAH) {
		// keepalived's first check: AH present exactly when configured.
		d := dropf(DropAuthTypeMismatch, "ip protocol ah %t from %v, auth type %v", p.isAH(), p.Src, c.AuthType)
		if p.isAH() {
			return Advert{}, v, d.logs("Received AH header but auth type not AH")
		}
		return Advert{}, v, d.logs("No AH header but auth type is AH")
	}
	payload, ahHdr := p.Payload, AHHeader{}
	if p.isAH() {
		var err error
		if ahHdr, payload, err = ParseAH(p.Payload); err != nil {
			return Advert{}, v, err
		}
	}
	asz := addrSize(p.Src)
	h, ok := parseHeader(payload, asz)
	if !ok || len(payload) < h.msgLen {
		return Advert{}, v, dropf(DropLength, "%d bytes from %v", len(payload), p.Src).
			logs("vrrp packet too short, length %d and expect %d", len(payload), max(h.msgLen, headerLen))
	}
	if h.vrid != c.VRID {
		return Advert{}, v, dropf(DropVRID, "vrid %d from %v", h.vrid, p.Src)
	}
	if err := checkTTL(p, c); err != nil {
		return Advert{}, v, err
	}
	if h.version != c.Version {
		return Advert{}, v, dropf(DropVersion, "version %d from %v, ours %d", h.version, p.Src, c.Version).
			logs("wrong version. Received %d and expect %d", h.version, c.Version)
	}
	msg := payload[:h.msgLen]
	if err := checkAuth(h, msg, c, p.Src); err != nil {
		return Advert{}, v, err
	}
	if c.AuthType == AuthAH {
		if err := verifyAH(p, ahHdr, c, ah); err != nil {
			return Advert{}, v, err
		}
	}
	if h.version == 2 && h.interval != c.Interval {
		return Advert{}, v, dropf(DropInterval, "interval %v from %v, ours %v", h.interval, p.Src, c.Interval).
			logs("advertisement interval mismatch mine=%d sec rcv'd=%d sec", c.Interval/time.Second, h.interval/time.Second)
	}
	if h.typ != TypeAdvertisement {
		return Advert{}, v, dropf(DropType, "type %d from %v", h.typ, p.Src).
			logs("Invalid packet type. %d and expect %d", h.typ, TypeAdvertisement)
	}
	if h.version == 3 {
		if h.interval == 0 {
			return Advert{}, v, dropf(DropInterval, "zero interval from %v", p.Src)
		}
		v.IntervalMismatch = h.interval != c.Interval
	}
	form, ok := verifyChecksum(h, msg, p.Src, p.Dst, c.codec())
	if !ok {
		return Advert{}, v, dropf(DropChecksum, "checksum %#04x from %v", h.sum, p.Src).
			logs("Invalid VRRPv%d checksum", h.version)
	}
	v.Checksum = form
	if p.Dst.IsMulticast() == c.Unicast {
		want, got := "mult", "un"
		if c.Unicast {
			want, got = got, want
		}
		return Advert{}, v, dropf(DropDestination, "advert from %v to %v, unicast %t", p.Src, p.Dst, c.Unicast).
			logs("Expected %sicast packet but received %sicast packet", want, got)
	}
	// The addresses are compared in place: the machine needs no more of
	// them, and a slice per received advert was the backup's only
	// allocation.
	a := decode(h, msg, asz, form, false)
	v.AddrMismatch = !addrsEqual(msg[headerLen:], asz, int(h.count), c.Addrs)
	if c.checkSource() && peerOf(c, p.Src) < 0 {
		return Advert{}, v, dropf(DropSource, "advert from %v, not a unicast peer", p.Src).
			logs("unicast source address %v not a unicast peer", p.Src)
	}
	return a, v, nil
}

// addrsEqual reports whether the count addresses of size asz at the
// start of b are want, in order.
func addrsEqual(b []byte, asz, count int, want []netip.Addr) bool {
	if count != len(want) {
		return false
	}
	for i, w := range want {
		if w.BitLen() != asz*8 {
			return false
		}
		got := b[i*asz : (i+1)*asz]
		if asz == 4 {
			if w.As4() != [4]byte(got) {
				return false
			}
		} else if w.As16() != [16]byte(got) || w.Zone() != "" {
			return false
		}
	}
	return true
}

// checkTTL: multicast adverts must have TTL 255 (RFC 5798 section 7.1);
// unicast ones only within a peer's configured min/max.
func checkTTL(p Packet, c *Config) error {
	if !c.Unicast {
		if p.TTL != TTL {
			return dropf(DropTTL, "ttl %d from %v", p.TTL, p.Src).logs("invalid TTL/HL. Received %d and expect %d", p.TTL, TTL)
		}
		return nil
	}
	i := peerOf(c, p.Src)
	if i < 0 || !c.Peers[i].ttlChecked() {
		return nil
	}
	lo, hi := c.Peers[i].MinTTL, c.Peers[i].MaxTTL
	if hi == 0 {
		hi = TTL
	}
	if p.TTL < lo || p.TTL > hi {
		return dropf(DropTTL, "ttl %d from %v outside %d..%d", p.TTL, p.Src, lo, hi).logs("TTL/HL %d not in range %d - %d", p.TTL, lo, hi)
	}
	return nil
}

// checkAuth implements RFC 2338 section 5.3.6 as keepalived does: the type
// must be known and equal to ours, PASS data is compared over all 8 bytes
// in constant time. AH is verified by verifyAH (ah.go).
func checkAuth(h header, msg []byte, c *Config, src netip.Addr) error {
	if h.version != 2 {
		return nil
	}
	if h.authType > AuthAH {
		return dropf(DropAuthInvalidType, "auth type %d from %v", h.authType, src).logs("Invalid auth type: %d", h.authType)
	}
	if h.authType != c.AuthType {
		return dropf(DropAuthTypeMismatch, "auth type %v from %v, ours %v", h.authType, src, c.AuthType).
			logs("received a %d auth, expecting %d!", h.authType, c.AuthType)
	}
	if h.authType == AuthPass {
		got := msg[len(msg)-authDataLen:]
		if subtle.ConstantTimeCompare(got, c.AuthPass[:]) != 1 {
			return dropf(DropAuthFailure, "wrong password from %v", src).logs("received an invalid passwd!")
		}
	}
	return nil
}

func peerOf(c *Config, a netip.Addr) int {
	return slices.IndexFunc(c.Peers, func(p Peer) bool { return p.Addr == a })
}
