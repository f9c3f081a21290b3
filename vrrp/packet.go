package vrrp

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"slices"
	"time"
)

// Protocol constants (RFC 3768 section 5, RFC 5798 section 5).
const (
	// IPProtocol is the IP protocol number of VRRP.
	IPProtocol = 112
	// TTL is the IPv4 TTL / IPv6 hop limit every advert is sent with and
	// that multicast receivers require.
	TTL = 255
	// TypeAdvertisement is the only VRRP packet type.
	TypeAdvertisement = 1
	// PriorityStop is the priority a master sends when it resigns.
	PriorityStop = 0
	// PriorityOwner is the priority of the address owner.
	PriorityOwner = 255

	headerLen   = 8
	authDataLen = 8 // VRRPv2 always carries 8 bytes of authentication data
	maxV3Cs     = 0x0fff
)

// Multicast groups for adverts (RFC 5798 section 5.1.1.2 and 5.1.2.2).
var (
	GroupIPv4 = netip.AddrFrom4([4]byte{224, 0, 0, 18})
	GroupIPv6 = netip.MustParseAddr("ff02::12")
)

// AuthType is the VRRPv2 authentication type (RFC 3768 section 5.3.6 and
// RFC 2338 section 5.3.6).
type AuthType uint8

// Authentication types.
const (
	AuthNone AuthType = 0
	AuthPass AuthType = 1
	AuthAH   AuthType = 2
)

func (t AuthType) String() string {
	switch t {
	case AuthNone:
		return "none"
	case AuthPass:
		return "PASS"
	case AuthAH:
		return "AH"
	}
	return fmt.Sprintf("auth(%d)", uint8(t))
}

// ChecksumForm says which checksum a received advert carried.
type ChecksumForm uint8

// Checksum forms. VRRPv3 over IPv4 is ambiguous in practice (RFC 9568
// section 5.2.8): RFC 5798 implementations include the IPv4 pseudo-header,
// several vendors do not, and keepalived before 1.3.6 used 224.0.0.18 as
// the pseudo-header destination of unicast adverts.
const (
	// ChecksumPlain covers the VRRP message only (VRRPv2, v3_checksum_as_v2).
	ChecksumPlain ChecksumForm = iota + 1
	// ChecksumPseudoHeader covers the IP pseudo-header and the message.
	ChecksumPseudoHeader
	// ChecksumOldUnicast is the pseudo-header form with 224.0.0.18 as
	// destination, used by keepalived < 1.3.6 for unicast VRRPv3.
	ChecksumOldUnicast
)

func (f ChecksumForm) String() string {
	switch f {
	case ChecksumPlain:
		return "plain"
	case ChecksumPseudoHeader:
		return "pseudo-header"
	case ChecksumOldUnicast:
		return "old-unicast"
	}
	return fmt.Sprintf("checksum-form(%d)", uint8(f))
}

// Advert is one decoded VRRP advertisement. Its one-byte fields come
// first, Checksum with them: after Addrs it was padded to eight bytes.
type Advert struct {
	Version  uint8 // 2 or 3
	Type     uint8 // TypeAdvertisement; 0 is taken as TypeAdvertisement by Marshal
	VRID     uint8
	Priority uint8
	AuthType AuthType // VRRPv2 only
	AuthData [8]byte  // VRRPv2 only
	// Checksum is set by Unmarshal to the form the packet carried; Marshal
	// ignores it and follows CodecOptions.
	Checksum ChecksumForm
	// Interval is the advertisement interval: whole seconds in VRRPv2,
	// centiseconds (12 bits, max 40.95 s) in VRRPv3.
	Interval time.Duration
	Addrs    []netip.Addr
}

// CodecOptions select the checksum variant on send.
type CodecOptions struct {
	// V3ChecksumAsV2 omits the IPv4 pseudo-header from VRRPv3 checksums
	// (keepalived's v3_checksum_as_v2). Receive accepts both forms anyway.
	V3ChecksumAsV2 bool
	// OldUnicast takes the multicast group (OldGroup) as the
	// pseudo-header destination of VRRPv3 IPv4 adverts whatever their
	// destination, as keepalived does with old_unicast_checksum
	// (vrrp_build_vrrp_v3). Receive accepts both forms anyway.
	OldUnicast bool
	// OldGroup is that group, keepalived's vrrp_mcast_group4 (on send and
	// receive); zero means 224.0.0.18.
	OldGroup netip.Addr
}

// oldGroup is the pseudo-header destination of the old unicast form.
func (o CodecOptions) oldGroup() netip.Addr {
	if o.OldGroup.Is4() {
		return o.OldGroup
	}
	return GroupIPv4
}

// Marshal encodes a as a VRRP message (the IP payload) sent from src to
// dst. src and dst are needed for the pseudo-header checksums; the IP
// header itself is built by the sender (TTL 255, protocol 112).
func Marshal(a Advert, src, dst netip.Addr, opts CodecOptions) ([]byte, error) {
	return AppendMarshal(nil, a, src, dst, opts)
}

// AppendMarshal is Marshal appending the message to b: a sender that
// reuses its buffer encodes without allocating.
func AppendMarshal(b []byte, a Advert, src, dst netip.Addr, opts CodecOptions) ([]byte, error) {
	if err := checkMarshal(a, src, dst); err != nil {
		return b, fmt.Errorf("marshal vrrp advert vrid %d: %w", a.VRID, err)
	}
	asz := addrSize(src)
	n := headerLen + asz*len(a.Addrs)
	if a.Version == 2 {
		n += authDataLen
	}
	start := len(b)
	b = slices.Grow(b, n)[:start+n]
	out := b
	b = b[start:]
	clear(b)
	typ := a.Type
	if typ == 0 {
		typ = TypeAdvertisement
	}
	b[0] = a.Version<<4 | typ
	b[1] = a.VRID
	b[2] = a.Priority
	b[3] = uint8(len(a.Addrs))
	if a.Version == 2 {
		b[4] = uint8(a.AuthType)
		b[5] = uint8(a.Interval / time.Second)
		copy(b[n-authDataLen:], a.AuthData[:])
	} else {
		binary.BigEndian.PutUint16(b[4:], uint16(a.Interval/(10*time.Millisecond)))
	}
	off := headerLen
	for _, ad := range a.Addrs {
		if ad.Is4() {
			a4 := ad.As4()
			off += copy(b[off:], a4[:])
		} else {
			a16 := ad.As16()
			off += copy(b[off:], a16[:])
		}
	}
	form := sendForm(a.Version, src, opts)
	binary.BigEndian.PutUint16(b[6:], checksum(b, src, dst, form, opts.oldGroup()))
	return out, nil
}

// sendForm picks the checksum written by Marshal: IPv6 always has the
// pseudo-header (the kernel computes it there, IPV6_CHECKSUM).
func sendForm(version uint8, src netip.Addr, opts CodecOptions) ChecksumForm {
	switch {
	case src.Is6():
		return ChecksumPseudoHeader
	case version == 2 || opts.V3ChecksumAsV2:
		return ChecksumPlain
	case opts.OldUnicast:
		return ChecksumOldUnicast
	}
	return ChecksumPseudoHeader
}

func checkMarshal(a Advert, src, dst netip.Addr) error {
	if !src.IsValid() || !dst.IsValid() || src.Is4() != dst.Is4() {
		return fmt.Errorf("source %v and destination %v must be addresses of one family", src, dst)
	}
	if a.Type != 0 && a.Type != TypeAdvertisement {
		return fmt.Errorf("type %d is not an advertisement", a.Type)
	}
	if len(a.Addrs) > 255 {
		return fmt.Errorf("%d addresses, at most 255 fit", len(a.Addrs))
	}
	for _, ad := range a.Addrs {
		if !ad.IsValid() || ad.Is4() != src.Is4() || ad.Is4In6() {
			return fmt.Errorf("address %v is not of the source's family", ad)
		}
	}
	switch a.Version {
	case 2:
		if a.Interval <= 0 || a.Interval%time.Second != 0 || a.Interval > 255*time.Second {
			return fmt.Errorf("vrrpv2 interval %v is not 1..255 whole seconds", a.Interval)
		}
	case 3:
		cs := a.Interval / (10 * time.Millisecond)
		if a.Interval%(10*time.Millisecond) != 0 || cs < 1 || cs > maxV3Cs {
			return fmt.Errorf("vrrpv3 interval %v is not 10ms..40.95s in centiseconds", a.Interval)
		}
		if a.AuthType != AuthNone {
			return fmt.Errorf("vrrpv3 has no authentication, got %v", a.AuthType)
		}
	default:
		return fmt.Errorf("version %d is not 2 or 3", a.Version)
	}
	return nil
}

func addrSize(a netip.Addr) int {
	if a.Is4() {
		return 4
	}
	return 16
}
