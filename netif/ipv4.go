package netif

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"slices"
)

// ipv4Header holds the fields of an IPv4 header that VRRP cares about.
type ipv4Header struct {
	TOS      uint8
	TotalLen int
	ID       uint16
	Flags    uint8 // top 3 bits of the fragment field, shifted down
	TTL      uint8
	Protocol uint8
	Src, Dst netip.Addr
}

const (
	ipv4MinHeaderLen = 20
	// vrrpTOS is the TOS keepalived writes: precedence 6 (internetwork control).
	vrrpTOS = 0xC0
	// vrrpTTL is required by RFC 3768 5.2.3 / RFC 5798 5.1.1.3 for multicast.
	vrrpTTL = 255
)

var errShortIPv4 = errors.New("short ipv4 header")

// parseIPv4 splits a datagram as delivered by a raw IPv4 socket into its
// header and its payload. The payload ends at the header's total length so
// that any trailing bytes are not taken for VRRP data.
func parseIPv4(b []byte) (ipv4Header, []byte, error) {
	var h ipv4Header
	if len(b) < ipv4MinHeaderLen {
		return h, nil, fmt.Errorf("parse ipv4 packet of %d bytes: %w", len(b), errShortIPv4)
	}
	if v := b[0] >> 4; v != 4 {
		return h, nil, fmt.Errorf("parse ipv4 packet: version %d", v)
	}
	hlen := int(b[0]&0x0f) * 4
	if hlen < ipv4MinHeaderLen || hlen > len(b) {
		return h, nil, fmt.Errorf("parse ipv4 packet: header length %d of %d bytes", hlen, len(b))
	}
	h.TOS = b[1]
	h.TotalLen = int(binary.BigEndian.Uint16(b[2:4]))
	if h.TotalLen < hlen || h.TotalLen > len(b) {
		return h, nil, fmt.Errorf("parse ipv4 packet: total length %d, header %d, received %d", h.TotalLen, hlen, len(b))
	}
	h.ID = binary.BigEndian.Uint16(b[4:6])
	h.Flags = b[6] >> 5
	h.TTL = b[8]
	h.Protocol = b[9]
	h.Src = netip.AddrFrom4([4]byte(b[12:16]))
	h.Dst = netip.AddrFrom4([4]byte(b[16:20]))
	return h, b[hlen:h.TotalLen], nil
}

// marshalIPv4 builds the 20-byte header keepalived writes with IP_HDRINCL
// followed by payload: no options, DF clear, header checksum computed here
// (the kernel recomputes it anyway).
func marshalIPv4(h ipv4Header, payload []byte) ([]byte, error) {
	return appendIPv4(nil, h, payload)
}

// appendIPv4 is marshalIPv4 appending to to (its length is kept): a
// sender that reuses its buffer builds packets without allocating.
func appendIPv4(to []byte, h ipv4Header, payload []byte) ([]byte, error) {
	total := ipv4MinHeaderLen + len(payload)
	if total > 0xffff {
		return to, fmt.Errorf("build ipv4 packet: %d bytes of payload is too long", len(payload))
	}
	if !h.Src.Is4() || !h.Dst.Is4() {
		return to, fmt.Errorf("build ipv4 packet: addresses %v -> %v are not both ipv4", h.Src, h.Dst)
	}
	start := len(to)
	out := slices.Grow(to, total)[:start+total]
	b := out[start:]
	clear(b[:ipv4MinHeaderLen])
	b[0] = 0x45
	b[1] = h.TOS
	binary.BigEndian.PutUint16(b[2:4], uint16(total))
	binary.BigEndian.PutUint16(b[4:6], h.ID)
	b[6] = h.Flags << 5
	b[8] = h.TTL
	b[9] = h.Protocol
	src, dst := h.Src.As4(), h.Dst.As4()
	copy(b[12:16], src[:])
	copy(b[16:20], dst[:])
	binary.BigEndian.PutUint16(b[10:12], checksum(b[:ipv4MinHeaderLen]))
	copy(b[ipv4MinHeaderLen:], payload)
	return out, nil
}

// checksum is the RFC 1071 Internet checksum.
func checksum(b []byte) uint16 {
	var sum uint32
	for len(b) >= 2 {
		sum += uint32(b[0])<<8 | uint32(b[1])
		b = b[2:]
	}
	if len(b) == 1 {
		sum += uint32(b[0]) << 8
	}
	for sum > 0xffff {
		sum = sum>>16 + sum&0xffff
	}
	return ^uint16(sum)
}
