package vrrp

import "net/netip"

// checksum returns the Internet checksum (RFC 1071) of the VRRP message b
// with its checksum field taken as zero, in the given form; group is the
// pseudo-header destination of the old unicast form.
func checksum(b []byte, src, dst netip.Addr, form ChecksumForm, group netip.Addr) uint16 {
	var sum uint32
	switch form {
	case ChecksumPseudoHeader:
		sum = pseudoSum(src, dst, len(b))
	case ChecksumOldUnicast:
		sum = pseudoSum(src, group, len(b))
	}
	for i := 0; i+1 < len(b); i += 2 {
		if i == 6 {
			continue // the checksum field itself
		}
		sum += uint32(b[i])<<8 | uint32(b[i+1])
	}
	if len(b)%2 == 1 {
		sum += uint32(b[len(b)-1]) << 8
	}
	for sum>>16 != 0 {
		sum = sum&0xffff + sum>>16
	}
	return ^uint16(sum)
}

// pseudoSum is the unfolded sum of the IPv4 (RFC 5798 section 5.2.8, RFC
// 768) or IPv6 (RFC 8200 section 8.1) pseudo-header for protocol 112.
func pseudoSum(src, dst netip.Addr, length int) uint32 {
	var sum uint32
	for _, a := range [2]netip.Addr{src, dst} {
		s := a.AsSlice()
		for i := 0; i+1 < len(s); i += 2 {
			sum += uint32(s[i])<<8 | uint32(s[i+1])
		}
	}
	if src.Is4() {
		return sum + IPProtocol + uint32(length)
	}
	return sum + uint32(length>>16) + uint32(length&0xffff) + IPProtocol
}
