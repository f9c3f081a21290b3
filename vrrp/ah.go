package vrrp

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/subtle"
	"encoding/binary"
	"fmt"
	"net/netip"
)

// keepalived's VRRPv2 "auth_type AH" is not kernel IPsec but its own
// emulation of an RFC 2402 AH header (vrrp_build_ipsecah, vrrp_update_pkt,
// vrrp_in_chk_ipsecah in keepalived 2.2.7's vrrp.c): IPv4 protocol 51,
// then a 24-byte AH header, then the VRRP message with auth type 2 and
// zero auth data. The SPI is the sender's IPv4 address, the sequence
// number the instance's counter, and the ICV HMAC-MD5-96 keyed with the
// 8 bytes of auth_pass over the IPv4 header with its mutable fields
// zeroed, the AH header with a zero ICV, and the VRRP message.
// Checked against keepalived's packets in testdata/ah.txt.

// AH constants.
const (
	// ProtocolAH is the IP protocol number of IPsec AH.
	ProtocolAH = 51
	// AHHeaderLen is the length of keepalived's AH header (no padding:
	// 12 fixed bytes and a 96-bit ICV).
	AHHeaderLen = 24

	ahPayloadLen = AHHeaderLen/4 - 2 // RFC 2402 2.2: length in 32-bit words minus 2
	ahICVLen     = 12
	// ahSeqLast is the highest sequence number keepalived sends; past it
	// the counter "cycles": it stops growing until the instance becomes
	// master again, which restarts it from 0.
	ahSeqLast      = 0xFFFFFFFE
	ipv4MinHdrLen  = 20
	ipv4ProtoField = 9
)

// AHHeader is keepalived's IPsec AH header.
type AHHeader struct {
	NextHeader uint8 // IPProtocol (112)
	SPI        uint32
	Seq        uint32
	ICV        [ahICVLen]byte
}

func (h AHHeader) put(b []byte) {
	b[0] = h.NextHeader
	b[1] = ahPayloadLen
	b[2], b[3] = 0, 0
	binary.BigEndian.PutUint32(b[4:], h.SPI)
	binary.BigEndian.PutUint32(b[8:], h.Seq)
	copy(b[12:AHHeaderLen], h.ICV[:])
}

// ParseAH reads the AH header at the start of b (an IPv4 payload) and
// returns it with the rest of b, the VRRP message. It checks only the
// length: the payload length field is not trusted by keepalived either.
func ParseAH(b []byte) (AHHeader, []byte, error) {
	if len(b) < AHHeaderLen {
		return AHHeader{}, nil, dropf(DropLength, "%d bytes, the ah header needs %d", len(b), AHHeaderLen)
	}
	h := AHHeader{NextHeader: b[0], SPI: binary.BigEndian.Uint32(b[4:]), Seq: binary.BigEndian.Uint32(b[8:])}
	copy(h.ICV[:], b[12:AHHeaderLen])
	return h, b[AHHeaderLen:], nil
}

// MarshalAH encodes a as the IPv4 payload of an AH advert from src to
// dst: the AH header (next header 112, SPI src, sequence number seq, ICV
// zero) and the VRRPv2 message. The ICV covers the IP header, so SealAH
// fills it in once the packet is built.
func MarshalAH(a Advert, seq uint32, src, dst netip.Addr) ([]byte, error) {
	if a.Version != 2 || a.AuthType != AuthAH || !src.Is4() {
		return nil, fmt.Errorf("marshal ah advert vrid %d: ah is for vrrpv2 over ipv4 with auth type AH, got v%d %v from %v", a.VRID, a.Version, a.AuthType, src)
	}
	a.AuthData = [8]byte{}
	msg, err := Marshal(a, src, dst, CodecOptions{})
	if err != nil {
		return nil, err
	}
	b := make([]byte, AHHeaderLen+len(msg))
	AHHeader{NextHeader: IPProtocol, SPI: addrUint32(src), Seq: seq}.put(b)
	copy(b[AHHeaderLen:], msg)
	return b, nil
}

// SealAH writes the ICV into pkt, a complete IPv4 packet (header, then
// the payload MarshalAH built) as it goes on the wire. unicast is whether
// the sending instance has unicast peers: keepalived then leaves the TTL
// out of the ICV too.
func SealAH(pkt []byte, key [8]byte, unicast bool) error {
	hlen, err := ahHeaderLen(pkt)
	if err != nil {
		return fmt.Errorf("seal ah packet: %w", err)
	}
	icv := ahICV(pkt, hlen, key, unicast)
	copy(pkt[hlen+12:hlen+AHHeaderLen], icv[:])
	return nil
}

// ahHeaderLen validates pkt as an IPv4 packet carrying AH and returns the
// IP header length.
func ahHeaderLen(pkt []byte) (int, error) {
	if len(pkt) < ipv4MinHdrLen || pkt[0]>>4 != 4 {
		return 0, fmt.Errorf("%d bytes are no ipv4 packet", len(pkt))
	}
	hlen := int(pkt[0]&0x0f) * 4
	if hlen < ipv4MinHdrLen || len(pkt) < hlen+AHHeaderLen {
		return 0, fmt.Errorf("ipv4 header length %d of %d bytes leaves no ah header", hlen, len(pkt))
	}
	if pkt[ipv4ProtoField] != ProtocolAH {
		return 0, fmt.Errorf("ip protocol %d is not ah", pkt[ipv4ProtoField])
	}
	return hlen, nil
}

// ahICV is keepalived's ICV of the IPv4 packet pkt with an hlen-byte IP
// header: HMAC-MD5 (RFC 2104) keyed with the 8 key bytes (zero padding
// included, which HMAC's own zero padding makes no difference) over the
// packet with TOS, fragment field and header checksum zeroed, the TTL
// zeroed too for unicast instances, and the ICV field zeroed; the first
// 96 bits of the digest.
func ahICV(pkt []byte, hlen int, key [8]byte, zeroTTL bool) [ahICVLen]byte {
	hdr := make([]byte, hlen+AHHeaderLen)
	copy(hdr, pkt)
	hdr[1] = 0              // TOS
	hdr[6], hdr[7] = 0, 0   // flags and fragment offset
	hdr[10], hdr[11] = 0, 0 // header checksum
	if zeroTTL {
		hdr[8] = 0
	}
	clear(hdr[hlen+12:])
	mac := hmac.New(md5.New, key[:])
	mac.Write(hdr)
	mac.Write(pkt[hlen+AHHeaderLen:])
	var icv [ahICVLen]byte
	copy(icv[:], mac.Sum(nil))
	return icv
}

// ahCounter is keepalived's ipsecah_counter: one sequence number per
// instance for both directions. A received advert must carry a higher
// number than the counter and raises it; a sent advert carries the
// counter plus one. So a new master continues above the numbers of the
// master it heard, and the old master, now backup, accepts it.
type ahCounter struct {
	seq   uint32
	cycle bool // the counter reached ahSeqLast and no longer grows
}

// next is the sequence number of the next sent advert.
func (c *ahCounter) next() uint32 {
	if c.seq >= ahSeqLast {
		c.cycle = true
	} else {
		c.seq++
	}
	return c.seq
}

// becomeMaster restarts a cycled counter (keepalived's
// vrrp_state_goto_master).
func (c *ahCounter) becomeMaster() {
	if c.cycle {
		c.cycle, c.seq = false, 0
	}
}

// verifyAH is the AH part of keepalived's vrrp_check_packet: the next
// header must be VRRP, then the ICV must match, the SPI be the source
// address and the sequence number be above the counter, which it then
// becomes. The counter is raised even if a later check drops the advert,
// as in keepalived.
func verifyAH(p Packet, h AHHeader, c *Config, ctr *ahCounter) error {
	if h.NextHeader != IPProtocol {
		return dropf(DropAHNextHeader, "ah next header %d from %v", h.NextHeader, p.Src)
	}
	pkt := make([]byte, 0, len(p.Header)+len(p.Payload))
	pkt = append(append(pkt, p.Header...), p.Payload...)
	icv := ahICV(pkt, len(p.Header), c.AuthPass, c.Unicast)
	if subtle.ConstantTimeCompare(icv[:], h.ICV[:]) != 1 {
		return dropf(DropAuthFailure, "ipsec-ah icv mismatch from %v (fields changed or wrong auth_pass)", p.Src).
			logs("IPSEC-AH : invalid IPSEC HMAC-MD5 value. Due to fields mutation or bad password !")
	}
	if h.SPI != addrUint32(p.Src) {
		return dropf(DropAuthFailure, "ipsec-ah spi %#08x from %v", h.SPI, p.Src)
	}
	if h.Seq <= ctr.seq {
		return dropf(DropAuthFailure, "ipsec-ah sequence number %d from %v already processed, local %d", h.Seq, p.Src, ctr.seq).
			logs("IPSEC-AH : sequence number %d already processed. Packet dropped. Local(%d)", h.Seq, ctr.seq)
	}
	ctr.seq = h.Seq
	return nil
}

// check validates p with the instance's AH counter; a backup's cycled
// counter is reset by any number it accepts (vrrp_check_packet).
func (m *Machine) check(p Packet) (Advert, Verdict, error) {
	before := m.ah.seq
	a, v, err := check(p, &m.cfg, &m.ah)
	if m.ah.seq != before && m.state == StateBackup {
		m.ah.cycle = false
	}
	return a, v, err
}

// sendAH sends one AH advert to dst: the sequence number of the send
// action, the ICV sealed over the IP header the sender builds.
func sendAH(s Sender, c *Config, sa *SendAdvert, dst netip.Addr) error {
	as, ok := s.(AHSender)
	if !ok {
		return fmt.Errorf("sender %T cannot send ipsec-ah adverts", s)
	}
	payload, err := MarshalAH(sa.Advert, sa.AHSeq, c.Source, dst)
	if err != nil {
		return err
	}
	return as.SendAH(dst, payload, func(pkt []byte) error { return SealAH(pkt, c.AuthPass, c.Unicast) })
}

// isAH reports whether p arrived as IP protocol 51 (its Payload starts
// with the AH header).
func (p Packet) isAH() bool {
	return len(p.Header) >= ipv4MinHdrLen && p.Header[ipv4ProtoField] == ProtocolAH
}

func addrUint32(a netip.Addr) uint32 {
	if !a.Is4() {
		return 0
	}
	b := a.As4()
	return binary.BigEndian.Uint32(b[:])
}

// AHSender is implemented by the Sender of an auth_type AH instance.
// payload is what MarshalAH built; the sender builds the IPv4 header
// (protocol 51) and calls seal with the complete packet, as it will be
// sent, before sending it.
type AHSender interface {
	SendAH(dst netip.Addr, payload []byte, seal func(packet []byte) error) error
}
