package main

import (
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
	"time"
)

// frameKind is what the observer recognised in a captured frame.
type frameKind int

const (
	kindAdvert frameKind = iota + 1 // an IPv4 VRRP advertisement
	kindGARP                        // a gratuitous ARP: sender IP == target IP
)

func (k frameKind) String() string {
	switch k {
	case kindAdvert:
		return "advert"
	case kindGARP:
		return "garp"
	}
	return fmt.Sprintf("frameKind(%d)", int(k))
}

// frame is one recognised frame with the kernel's receive timestamp.
type frame struct {
	At      time.Time
	Iface   string // the observer's interface it was captured on
	Kind    frameKind
	SrcMAC  string     // Ethernet source
	SrcIP   netip.Addr // IPv4 source (advert) or ARP sender IP (GARP)
	Version int        // VRRP version (advert)
	VRID    int        // advert
	Prio    int        // advert
}

const (
	etherIPv4  = 0x0800
	etherARP   = 0x0806
	etherVLAN  = 0x8100
	protoVRRP  = 112
	ethHdrLen  = 14
	vrrpHdrLen = 8
	arpLen     = 28
)

// decodeFrame recognises VRRP adverts over IPv4 and gratuitous ARPs in an
// Ethernet frame. It returns ok=false for any other frame and an error
// for a frame that claims to be one of those but is malformed. The
// observer decodes on its own, not with goalived's codec, so that a
// codec bug cannot hide in the measurement.
func decodeFrame(b []byte) (f frame, ok bool, err error) {
	if len(b) < ethHdrLen {
		return f, false, nil
	}
	f.SrcMAC = net.HardwareAddr(b[6:12]).String()
	etype, payload := binary.BigEndian.Uint16(b[12:14]), b[ethHdrLen:]
	if etype == etherVLAN && len(payload) >= 4 {
		etype, payload = binary.BigEndian.Uint16(payload[2:4]), payload[4:]
	}
	switch etype {
	case etherIPv4:
		return decodeIPv4(f, payload)
	case etherARP:
		return decodeARP(f, payload)
	}
	return f, false, nil
}

func decodeIPv4(f frame, b []byte) (frame, bool, error) {
	if len(b) < 20 || b[0]>>4 != 4 || b[9] != protoVRRP {
		return f, false, nil
	}
	ihl := int(b[0]&0x0f) * 4
	if ihl < 20 || len(b) < ihl+vrrpHdrLen {
		return f, false, fmt.Errorf("decode vrrp frame from %s: %d bytes, header length %d", f.SrcMAC, len(b), ihl)
	}
	f.SrcIP = netip.AddrFrom4([4]byte(b[12:16]))
	v := b[ihl:]
	f.Version, f.VRID, f.Prio = int(v[0]>>4), int(v[1]), int(v[2])
	if typ := v[0] & 0x0f; typ != 1 || (f.Version != 2 && f.Version != 3) {
		return f, false, fmt.Errorf("decode vrrp frame from %v: version %d type %d", f.SrcIP, f.Version, typ)
	}
	f.Kind = kindAdvert
	return f, true, nil
}

// decodeARP recognises gratuitous ARP requests and replies for IPv4 over
// Ethernet (RFC 5227 section 3: sender and target protocol address equal).
func decodeARP(f frame, b []byte) (frame, bool, error) {
	if len(b) < arpLen {
		return f, false, fmt.Errorf("decode arp frame from %s: %d bytes, want %d", f.SrcMAC, len(b), arpLen)
	}
	htype, ptype := binary.BigEndian.Uint16(b[0:2]), binary.BigEndian.Uint16(b[2:4])
	if htype != 1 || ptype != etherIPv4 || b[4] != 6 || b[5] != 4 {
		return f, false, nil
	}
	sender, target := netip.AddrFrom4([4]byte(b[14:18])), netip.AddrFrom4([4]byte(b[24:28]))
	if sender != target {
		return f, false, nil
	}
	f.SrcIP, f.Kind = sender, kindGARP
	return f, true, nil
}
