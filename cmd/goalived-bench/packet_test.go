package main

import (
	"encoding/binary"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var (
	macA  = []byte{0x02, 0x00, 0x5e, 0x47, 0x4d, 0x01}
	bcast = []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
)

func ether(src []byte, etype uint16, payload []byte) []byte {
	b := append([]byte{0x01, 0x00, 0x5e, 0x00, 0x00, 0x12}, src...)
	b = binary.BigEndian.AppendUint16(b, etype)
	return append(b, payload...)
}

// advertFrame is an Ethernet frame carrying a VRRP advert from src.
func advertFrame(src string, ver, vrid, prio int) []byte {
	ip := []byte{0x45, 0, 0, 40, 0, 0, 0, 0, 255, protoVRRP, 0, 0}
	ip = append(ip, netip.MustParseAddr(src).AsSlice()...)
	ip = append(ip, 224, 0, 0, 18)
	vrrp := []byte{byte(ver<<4 | 1), byte(vrid), byte(prio), 1, 0, 1, 0, 0, 192, 0, 2, 200}
	return ether(macA, etherIPv4, append(ip, vrrp...))
}

// arpFrame is an ARP request from macA with the given addresses.
func arpFrame(sender, target string) []byte {
	b := []byte{0, 1, 8, 0, 6, 4, 0, 1}
	b = append(b, macA...)
	b = append(b, netip.MustParseAddr(sender).AsSlice()...)
	b = append(b, bcast...)
	b = append(b, netip.MustParseAddr(target).AsSlice()...)
	return ether(macA, etherARP, b)
}

func TestDecodeFrame(t *testing.T) {
	a := netip.MustParseAddr("192.0.2.11")
	vip := netip.MustParseAddr("192.0.2.200")
	vlan := func(f []byte) []byte {
		out := append([]byte(nil), f[:12]...)
		out = append(out, 0x81, 0x00, 0x00, 0x05)
		return append(out, f[12:]...)
	}
	badType := advertFrame("192.0.2.11", 2, 9, 100)
	badType[ethHdrLen+20] = 2<<4 | 2
	ipv6 := ether(macA, 0x86dd, make([]byte, 60))
	tests := []struct {
		name    string
		in      []byte
		want    frame
		ok      bool
		wantErr bool
	}{
		{"v2 advert", advertFrame("192.0.2.11", 2, 69, 150), frame{Kind: kindAdvert, SrcMAC: "02:00:5e:47:4d:01", SrcIP: a, Version: 2, VRID: 69, Prio: 150}, true, false},
		{"v3 advert priority 0", advertFrame("192.0.2.11", 3, 1, 0), frame{Kind: kindAdvert, SrcMAC: "02:00:5e:47:4d:01", SrcIP: a, Version: 3, VRID: 1}, true, false},
		{"vlan tagged advert", vlan(advertFrame("192.0.2.11", 3, 7, 100)), frame{Kind: kindAdvert, SrcMAC: "02:00:5e:47:4d:01", SrcIP: a, Version: 3, VRID: 7, Prio: 100}, true, false},
		{"gratuitous arp", arpFrame("192.0.2.200", "192.0.2.200"), frame{Kind: kindGARP, SrcMAC: "02:00:5e:47:4d:01", SrcIP: vip}, true, false},
		{"ordinary arp request", arpFrame("192.0.2.13", "192.0.2.200"), frame{SrcMAC: "02:00:5e:47:4d:01"}, false, false},
		{"ipv6", ipv6, frame{SrcMAC: "02:00:5e:47:4d:01"}, false, false},
		{"runt", []byte{1, 2, 3}, frame{}, false, false},
		{"truncated arp", arpFrame("192.0.2.200", "192.0.2.200")[:30], frame{SrcMAC: "02:00:5e:47:4d:01"}, false, true},
		{"truncated vrrp", advertFrame("192.0.2.11", 2, 69, 150)[:ethHdrLen+24], frame{SrcMAC: "02:00:5e:47:4d:01"}, false, true},
		{"vrrp type 2", badType, frame{SrcMAC: "02:00:5e:47:4d:01", SrcIP: a, Version: 2, VRID: 9, Prio: 100}, false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok, err := decodeFrame(tc.in)
			if (err != nil) != tc.wantErr {
				t.Fatalf("decodeFrame: error %v, want error %v", err, tc.wantErr)
			}
			if ok != tc.ok {
				t.Errorf("decodeFrame: ok %v, want %v", ok, tc.ok)
			}
			if diff := cmp.Diff(tc.want, got, cmp.Comparer(func(x, y netip.Addr) bool { return x == y })); diff != "" {
				t.Errorf("decodeFrame (-want +got):\n%s", diff)
			}
		})
	}
}

func FuzzDecodeFrame(f *testing.F) {
	f.Add(advertFrame("192.0.2.11", 2, 69, 150))
	f.Add(advertFrame("192.0.2.12", 3, 1, 0))
	f.Add(arpFrame("192.0.2.200", "192.0.2.200"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		got, ok, err := decodeFrame(b)
		if ok && err != nil {
			t.Fatalf("decodeFrame: ok with error %v", err)
		}
		if ok && got.Kind == kindAdvert && (got.Version < 2 || got.Version > 3 || got.VRID > 255 || got.Prio > 255) {
			t.Fatalf("decodeFrame: impossible advert %+v", got)
		}
		if ok && got.Kind == kindGARP && !got.SrcIP.Is4() {
			t.Fatalf("decodeFrame: garp without an IPv4 sender: %+v", got)
		}
	})
}
