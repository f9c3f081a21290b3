package netif

import (
	"bytes"
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// captured is the IPv4 part of a keepalived 2.2.7 advert captured with
// tcpdump (tos c0, ttl 255, id 3, proto 112, 192.0.2.12 > 224.0.0.18).
var captured = []byte{
	0x45, 0xc0, 0x00, 0x2c, 0x00, 0x03, 0x00, 0x00, 0xff, 0x70, 0x18, 0x80,
	0xc0, 0x00, 0x02, 0x0c, 0xe0, 0x00, 0x00, 0x12,
	0x21, 0x33, 0x32, 0x02, 0x01, 0x01, 0xea, 0xe4, 0xc0, 0x00, 0x02, 0x64,
	0xc0, 0x00, 0x02, 0x65, 0x73, 0x33, 0x63, 0x72, 0x65, 0x74, 0x00, 0x00,
}

func TestParseIPv4Captured(t *testing.T) {
	h, payload, err := parseIPv4(captured)
	if err != nil {
		t.Fatal(err)
	}
	want := ipv4Header{TOS: 0xc0, TotalLen: 44, ID: 3, TTL: 255, Protocol: 112,
		Src: netip.MustParseAddr("192.0.2.12"), Dst: netip.MustParseAddr("224.0.0.18")}
	if diff := cmp.Diff(want, h, cmp.Comparer(func(a, b netip.Addr) bool { return a == b })); diff != "" {
		t.Errorf("header (-want +got):\n%s", diff)
	}
	if !bytes.Equal(payload, captured[20:]) {
		t.Errorf("payload % x, want % x", payload, captured[20:])
	}
}

// TestMarshalIPv4Captured rebuilds keepalived's header byte for byte,
// including the header checksum 0x1880.
func TestMarshalIPv4Captured(t *testing.T) {
	h, payload, err := parseIPv4(captured)
	if err != nil {
		t.Fatal(err)
	}
	got, err := marshalIPv4(h, payload)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, captured) {
		t.Errorf("marshal\n got % x\nwant % x", got, captured)
	}
}

func TestParseIPv4Trailing(t *testing.T) {
	padded := append(append([]byte(nil), captured...), 0, 0, 0, 0)
	_, payload, err := parseIPv4(padded)
	if err != nil {
		t.Fatal(err)
	}
	if len(payload) != 24 {
		t.Errorf("payload length %d, want 24 (cut at the total length)", len(payload))
	}
}

func TestParseIPv4Errors(t *testing.T) {
	mod := func(i int, v byte) []byte {
		b := append([]byte(nil), captured...)
		b[i] = v
		return b
	}
	for _, tc := range []struct {
		name string
		in   []byte
		want string
	}{
		{"empty", nil, "short ipv4 header"},
		{"short", captured[:19], "short ipv4 header"},
		{"version 6", mod(0, 0x65), "version 6"},
		{"ihl 4", mod(0, 0x44), "header length 16"},
		{"ihl beyond data", append([]byte{0x4f}, captured[1:20]...), "header length 60"},
		{"total too long", mod(3, 0xff), "total length 255"},
		{"total below header", mod(3, 0x10), "total length 16"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := parseIPv4(tc.in)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestMarshalIPv4Errors(t *testing.T) {
	v4, v6 := netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("2001:db8::1")
	if _, err := marshalIPv4(ipv4Header{Src: v4, Dst: v6}, nil); err == nil {
		t.Error("mixed families: no error")
	}
	if _, err := marshalIPv4(ipv4Header{Src: v4, Dst: v4}, make([]byte, 70000)); err == nil {
		t.Error("oversized payload: no error")
	}
}

func TestChecksum(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []byte
		want uint16
	}{
		{"empty", nil, 0xffff},
		{"odd length", []byte{0x01}, 0xfeff},
		{"rfc1071 example", []byte{0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7}, ^uint16(0xddf2)},
		{"verifies to zero", captured[:20], 0},
	} {
		if got := checksum(tc.in); got != tc.want {
			t.Errorf("%s: checksum = %#04x, want %#04x", tc.name, got, tc.want)
		}
	}
}

func FuzzParseIPv4(f *testing.F) {
	f.Add(captured)
	f.Add(captured[:20])
	f.Add([]byte{0x46, 0, 0, 24})
	f.Fuzz(func(t *testing.T, b []byte) {
		h, payload, err := parseIPv4(b)
		if err != nil {
			return
		}
		if len(payload) > len(b) || h.TotalLen > len(b) {
			t.Fatalf("payload %d / total %d beyond %d input bytes", len(payload), h.TotalLen, len(b))
		}
		if h.Src.Is4() && h.Dst.Is4() && b[0] == 0x45 {
			out, err := marshalIPv4(h, payload)
			if err != nil {
				t.Fatal(err)
			}
			h2, p2, err := parseIPv4(out)
			if err != nil || h2.TTL != h.TTL || h2.Src != h.Src || !bytes.Equal(p2, payload) {
				t.Fatalf("round trip: %v %+v % x", err, h2, p2)
			}
		}
	})
}
