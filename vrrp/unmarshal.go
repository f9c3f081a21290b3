package vrrp

import (
	"encoding/binary"
	"net/netip"
	"time"
)

// header is the raw view of a VRRP message before validation.
type header struct {
	version, typ, vrid, prio, count uint8
	authType                        AuthType
	interval                        time.Duration
	sum                             uint16
	msgLen                          int // expected message length from the count
}

// parseHeader reads the fixed fields; ok is false if b is shorter than the
// fixed header.
func parseHeader(b []byte, asz int) (h header, ok bool) {
	if len(b) < headerLen {
		return h, false
	}
	h = header{version: b[0] >> 4, typ: b[0] & 0x0f, vrid: b[1], prio: b[2], count: b[3]}
	h.sum = binary.BigEndian.Uint16(b[6:])
	h.msgLen = headerLen + asz*int(h.count)
	if h.version == 2 {
		h.authType = AuthType(b[4])
		h.interval = time.Duration(b[5]) * time.Second
		h.msgLen += authDataLen
	} else {
		cs := binary.BigEndian.Uint16(b[4:]) & maxV3Cs
		h.interval = time.Duration(cs) * 10 * time.Millisecond
	}
	return h, true
}

// verifyChecksum tries the checksum forms valid for this packet, preferred
// one first, and returns the matching form.
func verifyChecksum(h header, msg []byte, src, dst netip.Addr, opts CodecOptions) (ChecksumForm, bool) {
	var forms []ChecksumForm
	switch {
	case src.Is6():
		forms = []ChecksumForm{ChecksumPseudoHeader}
	case h.version == 2:
		forms = []ChecksumForm{ChecksumPlain}
	case opts.V3ChecksumAsV2:
		forms = []ChecksumForm{ChecksumPlain, ChecksumPseudoHeader}
	default:
		forms = []ChecksumForm{ChecksumPseudoHeader, ChecksumPlain}
	}
	if src.Is4() && h.version == 3 && !dst.IsMulticast() {
		forms = append(forms, ChecksumOldUnicast)
	}
	for _, f := range forms {
		if checksum(msg, src, dst, f, opts.oldGroup()) == h.sum {
			return f, true
		}
	}
	return 0, false
}

// Unmarshal decodes a VRRP message received from src for dst. It checks
// what the codec alone can check (length, version 2/3, type, checksum);
// instance-dependent checks happen in Machine.Step. Trailing bytes beyond the
// advertised addresses (and auth data) are ignored, as keepalived does.
// Errors are *DropError.
func Unmarshal(b []byte, src, dst netip.Addr, opts CodecOptions) (Advert, error) {
	if !src.IsValid() || !dst.IsValid() || src.Is4() != dst.Is4() {
		return Advert{}, dropf(DropFamily, "source %v and destination %v differ in family", src, dst)
	}
	asz := addrSize(src)
	h, ok := parseHeader(b, asz)
	if !ok {
		return Advert{}, dropf(DropLength, "%d bytes, header needs %d", len(b), headerLen)
	}
	if h.version != 2 && h.version != 3 {
		return Advert{}, dropf(DropVersion, "version %d", h.version)
	}
	if len(b) < h.msgLen {
		return Advert{}, dropf(DropLength, "%d bytes, %d addresses need %d", len(b), h.count, h.msgLen)
	}
	if h.typ != TypeAdvertisement {
		return Advert{}, dropf(DropType, "type %d", h.typ)
	}
	msg := b[:h.msgLen]
	form, ok := verifyChecksum(h, msg, src, dst, opts)
	if !ok {
		return Advert{}, dropf(DropChecksum, "checksum %#04x from %v", h.sum, src)
	}
	return decode(h, msg, asz, form, true), nil
}

// decode builds the Advert from a length-checked message; without addrs
// it leaves the addresses out.
func decode(h header, msg []byte, asz int, form ChecksumForm, addrs bool) Advert {
	a := Advert{
		Version: h.version, Type: h.typ, VRID: h.vrid, Priority: h.prio,
		Interval: h.interval, Checksum: form,
	}
	if h.count > 0 && addrs {
		a.Addrs = make([]netip.Addr, h.count)
	}
	for i := range a.Addrs {
		off := headerLen + i*asz
		if asz == 4 {
			a.Addrs[i] = netip.AddrFrom4([4]byte(msg[off : off+4]))
		} else {
			a.Addrs[i] = netip.AddrFrom16([16]byte(msg[off : off+16]))
		}
	}
	off := headerLen + asz*int(h.count)
	if h.version == 2 {
		a.AuthType = h.authType
		copy(a.AuthData[:], msg[off:])
	}
	return a
}

// PeekVRID returns the VRID of a VRRP message without validating it, for
// demultiplexing one socket between instances.
func PeekVRID(b []byte) (vrid uint8, ok bool) {
	if len(b) < headerLen {
		return 0, false
	}
	return b[1], true
}
