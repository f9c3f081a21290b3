package vrrp

import (
	"bufio"
	"encoding/hex"
	"net/netip"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

type packetCase struct {
	name, expect string
	src, dst     netip.Addr
	b            []byte
}

func loadPackets(t testing.TB) []packetCase {
	t.Helper()
	var cases []packetCase
	for _, r := range loadHexRecords(t, "testdata/packets.txt", 4) {
		cases = append(cases, packetCase{r.fields[0], strings.ReplaceAll(r.fields[1], "-", " "),
			netip.MustParseAddr(r.fields[2]), netip.MustParseAddr(r.fields[3]), r.b})
	}
	return cases
}

// hexRecord is one line of a testdata file: its leading fields, then the
// bytes its remaining fields spell in hex.
type hexRecord struct {
	fields []string
	b      []byte
}

// loadHexRecords reads path's records of n leading fields followed by
// hex, skipping empty lines and # comments.
func loadHexRecords(t testing.TB, path string, n int) []hexRecord {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var recs []hexRecord
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) == 0 || strings.HasPrefix(fs[0], "#") {
			continue
		}
		b, err := hex.DecodeString(strings.Join(fs[n:], ""))
		if err != nil {
			t.Fatalf("%s: %v", fs[0], err)
		}
		recs = append(recs, hexRecord{fs[:n], b})
	}
	return recs
}

func TestUnmarshalTestdata(t *testing.T) {
	for _, c := range loadPackets(t) {
		t.Run(c.name, func(t *testing.T) {
			a, err := Unmarshal(c.b, c.src, c.dst, CodecOptions{})
			if c.expect == "ok" {
				if err != nil {
					t.Fatalf("Unmarshal: %v", err)
				}
				// Re-encoding gives the same message (padding aside) in the
				// form that was received.
				opts := CodecOptions{V3ChecksumAsV2: a.Checksum == ChecksumPlain}
				b, err := Marshal(a, c.src, c.dst, opts)
				if err != nil {
					t.Fatalf("Marshal: %v", err)
				}
				if diff := cmp.Diff(c.b[:len(b)], b); diff != "" {
					t.Errorf("re-encoded message differs (-got +want):\n%s", diff)
				}
				return
			}
			if got := ReasonOf(err).String(); got != c.expect {
				t.Fatalf("Unmarshal error %v, reason %q, want %q", err, got, c.expect)
			}
		})
	}
}

func TestGoldenDecode(t *testing.T) {
	ip := netip.MustParseAddr
	tests := []struct {
		name string
		hex  string
		src  string
		dst  string
		want Advert
	}{
		{"v2 pass", "213332020101eae4c0000264c00002657333637265740000", "192.0.2.12", "224.0.0.18", Advert{
			Version: 2, Type: 1, VRID: 51, Priority: 50, AuthType: AuthPass,
			AuthData: [8]byte{'s', '3', 'c', 'r', 'e', 't'}, Interval: time.Second,
			Addrs: []netip.Addr{ip("192.0.2.100"), ip("192.0.2.101")}, Checksum: ChecksumPlain,
		}},
		{"v3 ipv4 pseudo-header", "31346e010064fb66c0000264", "192.0.2.11", "224.0.0.18", Advert{
			Version: 3, Type: 1, VRID: 52, Priority: 110, Interval: time.Second,
			Addrs: []netip.Addr{ip("192.0.2.100")}, Checksum: ChecksumPseudoHeader,
		}},
		{"v3 ipv4 plain", "31346e0100649e01c0000264", "192.0.2.11", "224.0.0.18", Advert{
			Version: 3, Type: 1, VRID: 52, Priority: 110, Interval: time.Second,
			Addrs: []netip.Addr{ip("192.0.2.100")}, Checksum: ChecksumPlain,
		}},
		{"v3 ipv6", "3135780100328bdc20010db8000000000000000000000100", "fe80::70c6:a5ff:fe08:8914", "ff02::12", Advert{
			Version: 3, Type: 1, VRID: 53, Priority: 120, Interval: 500 * time.Millisecond,
			Addrs: []netip.Addr{ip("2001:db8::100")}, Checksum: ChecksumPseudoHeader,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, _ := hex.DecodeString(tt.hex)
			got, err := Unmarshal(b, ip(tt.src), ip(tt.dst), CodecOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, cmp.Comparer(func(a, b netip.Addr) bool { return a == b })); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestOldUnicastChecksum(t *testing.T) {
	src, peer := netip.MustParseAddr("192.0.2.11"), netip.MustParseAddr("192.0.2.12")
	a := Advert{Version: 3, VRID: 9, Priority: 100, Interval: time.Second, Addrs: []netip.Addr{netip.MustParseAddr("192.0.2.50")}}
	// keepalived < 1.3.6 put 224.0.0.18 in the pseudo-header of unicast adverts.
	b, err := Marshal(a, src, GroupIPv4, CodecOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := Unmarshal(b, src, peer, CodecOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got.Checksum != ChecksumOldUnicast {
		t.Errorf("checksum form %v, want %v", got.Checksum, ChecksumOldUnicast)
	}
}

func TestMarshalErrors(t *testing.T) {
	v4, v6 := netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("2001:db8::1")
	good := Advert{Version: 2, VRID: 1, Priority: 100, Interval: time.Second, Addrs: []netip.Addr{v4}}
	tests := []struct {
		name     string
		mod      func(*Advert)
		src, dst netip.Addr
	}{
		{"version 4", func(a *Advert) { a.Version = 4 }, v4, GroupIPv4},
		{"v2 fractional interval", func(a *Advert) { a.Interval = 1500 * time.Millisecond }, v4, GroupIPv4},
		{"v2 interval 256s", func(a *Advert) { a.Interval = 256 * time.Second }, v4, GroupIPv4},
		{"v3 interval too long", func(a *Advert) { a.Version = 3; a.Interval = 41 * time.Second }, v4, GroupIPv4},
		{"v3 interval 5ms", func(a *Advert) { a.Version = 3; a.Interval = 5 * time.Millisecond }, v4, GroupIPv4},
		{"v3 with auth", func(a *Advert) { a.Version = 3; a.AuthType = AuthPass }, v4, GroupIPv4},
		{"mixed families", func(*Advert) {}, v4, GroupIPv6},
		{"v6 vip on v4", func(a *Advert) { a.Addrs = []netip.Addr{v6} }, v4, GroupIPv4},
		{"type 2", func(a *Advert) { a.Type = 2 }, v4, GroupIPv4},
		{"no source", func(*Advert) {}, netip.Addr{}, GroupIPv4},
		{"256 addresses", func(a *Advert) { a.Addrs = make([]netip.Addr, 256) }, v4, GroupIPv4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := good
			tt.mod(&a)
			if _, err := Marshal(a, tt.src, tt.dst, CodecOptions{}); err == nil {
				t.Fatal("Marshal succeeded, want error")
			}
		})
	}
}

func TestRoundTrip(t *testing.T) {
	ip := netip.MustParseAddr
	tests := []struct {
		name     string
		a        Advert
		src, dst netip.Addr
		opts     CodecOptions
		form     ChecksumForm
	}{
		{"v2 no vips", Advert{Version: 2, VRID: 1, Priority: 255, Interval: 255 * time.Second}, ip("192.0.2.1"), GroupIPv4, CodecOptions{}, ChecksumPlain},
		{"v3 pseudo", Advert{Version: 3, VRID: 200, Priority: 1, Interval: 40950 * time.Millisecond,
			Addrs: []netip.Addr{ip("198.51.100.1"), ip("198.51.100.2"), ip("198.51.100.3")}}, ip("192.0.2.1"), GroupIPv4, CodecOptions{}, ChecksumPseudoHeader},
		{"v3 as v2", Advert{Version: 3, VRID: 7, Priority: 0, Interval: 10 * time.Millisecond,
			Addrs: []netip.Addr{ip("198.51.100.1")}}, ip("192.0.2.1"), ip("192.0.2.2"), CodecOptions{V3ChecksumAsV2: true}, ChecksumPlain},
		{"v3 ipv6 two vips", Advert{Version: 3, VRID: 7, Priority: 100, Interval: time.Second,
			Addrs: []netip.Addr{ip("2001:db8::1"), ip("fe80::1")}}, ip("fe80::2"), GroupIPv6, CodecOptions{}, ChecksumPseudoHeader},
		{"v2 over ipv6", Advert{Version: 2, VRID: 7, Priority: 100, Interval: time.Second, AuthType: AuthPass, AuthData: [8]byte{1, 2, 3, 4, 5, 6, 7, 8},
			Addrs: []netip.Addr{ip("2001:db8::1")}}, ip("fe80::2"), GroupIPv6, CodecOptions{}, ChecksumPseudoHeader},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := Marshal(tt.a, tt.src, tt.dst, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Unmarshal(b, tt.src, tt.dst, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			want := tt.a
			want.Type, want.Checksum = TypeAdvertisement, tt.form
			if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b netip.Addr) bool { return a == b })); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func FuzzUnmarshal(f *testing.F) {
	for _, c := range loadPackets(f) {
		f.Add(c.b, c.src.Is4())
	}
	f.Fuzz(func(t *testing.T, b []byte, v4 bool) {
		src, dst := netip.MustParseAddr("192.0.2.1"), GroupIPv4
		if !v4 {
			src, dst = netip.MustParseAddr("fe80::1"), GroupIPv6
		}
		a, err := Unmarshal(b, src, dst, CodecOptions{})
		if err != nil {
			if ReasonOf(err) == DropNone {
				t.Fatalf("error without drop reason: %v", err)
			}
			return
		}
		// Whatever decodes must re-encode to the same message when its
		// fields are encodable.
		out, err := Marshal(a, src, dst, CodecOptions{V3ChecksumAsV2: a.Checksum == ChecksumPlain})
		if err != nil {
			return // e.g. a zero interval or v3 with non-zero reserved bits
		}
		back, err := Unmarshal(out, src, dst, CodecOptions{})
		if err != nil {
			t.Fatalf("re-decode: %v", err)
		}
		if back.VRID != a.VRID || back.Priority != a.Priority || len(back.Addrs) != len(a.Addrs) || back.Interval != a.Interval {
			t.Fatalf("round trip changed %+v into %+v", a, back)
		}
	})
}

func TestPeekVRID(t *testing.T) {
	if v, ok := PeekVRID([]byte{0x21, 51, 110, 2, 0, 1, 0xeb, 0xfe}); !ok || v != 51 {
		t.Errorf("PeekVRID = %d, %t; want 51, true", v, ok)
	}
	if _, ok := PeekVRID([]byte{0x21, 51}); ok {
		t.Error("PeekVRID accepted a 2-byte message")
	}
}
