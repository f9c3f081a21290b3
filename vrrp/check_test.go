package vrrp

import (
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var (
	testSrc  = netip.MustParseAddr("192.0.2.12")
	testSelf = netip.MustParseAddr("192.0.2.11")
	testVIPs = []netip.Addr{netip.MustParseAddr("192.0.2.100"), netip.MustParseAddr("192.0.2.101")}
)

func checkConfig(mod func(*Config)) *Config {
	c := Config{Name: "VI_1", VRID: 51, Version: 2, Priority: 100, Interval: time.Second,
		AuthType: AuthPass, AuthPass: [8]byte{'s', '3', 'c', 'r', 'e', 't'},
		Addrs: testVIPs, Source: testSelf, GARP: DefaultGARP()}
	if mod != nil {
		mod(&c)
	}
	n, err := c.normalize()
	if err != nil {
		panic(err)
	}
	return &n
}

// peerPacket encodes an advert like a keepalived 2.2.7 peer sends it.
func peerPacket(mod func(*Advert), dst netip.Addr, ttl int) Packet {
	a := Advert{Version: 2, VRID: 51, Priority: 50, AuthType: AuthPass,
		AuthData: [8]byte{'s', '3', 'c', 'r', 'e', 't'}, Interval: time.Second, Addrs: testVIPs}
	if mod != nil {
		mod(&a)
	}
	if a.Version == 3 {
		a.AuthType, a.AuthData = AuthNone, [8]byte{}
	}
	b, err := Marshal(a, testSrc, dst, CodecOptions{})
	if err != nil {
		panic(err)
	}
	return Packet{Payload: b, Src: testSrc, Dst: dst, TTL: ttl}
}

func TestCheck(t *testing.T) {
	v3 := func(c *Config) { c.Version = 3; c.AuthType = AuthNone; c.AuthPass = [8]byte{} }
	unicast := func(c *Config) { c.Unicast = true; c.Peers = []Peer{{Addr: testSrc}} }
	corrupt := func(i int, p Packet) Packet {
		p.Payload = append([]byte(nil), p.Payload...)
		p.Payload[i] ^= 0xff
		return p
	}
	tests := []struct {
		name string
		cfg  *Config
		pkt  Packet
		want DropReason
		verd Verdict
	}{
		{"good v2 pass", checkConfig(nil), peerPacket(nil, GroupIPv4, 255), DropNone, Verdict{}},
		{"ttl 254 multicast", checkConfig(nil), peerPacket(nil, GroupIPv4, 254), DropTTL, Verdict{}},
		{"ttl checked before checksum", checkConfig(nil), corrupt(6, peerPacket(nil, GroupIPv4, 1)), DropTTL, Verdict{}},
		{"short", checkConfig(nil), Packet{Payload: []byte{0x21, 51, 1}, Src: testSrc, Dst: GroupIPv4, TTL: 255}, DropLength, Verdict{}},
		{"count beyond data", checkConfig(nil), corrupt(3, peerPacket(nil, GroupIPv4, 255)), DropLength, Verdict{}},
		{"other vrid", checkConfig(nil), peerPacket(func(a *Advert) { a.VRID = 52 }, GroupIPv4, 255), DropVRID, Verdict{}},
		{"v3 advert on v2 instance", checkConfig(nil), peerPacket(func(a *Advert) { a.Version = 3 }, GroupIPv4, 255), DropVersion, Verdict{}},
		{"auth type 3", checkConfig(nil), peerPacket(func(a *Advert) { a.AuthType = 3 }, GroupIPv4, 255), DropAuthInvalidType, Verdict{}},
		{"auth none vs pass", checkConfig(nil), peerPacket(func(a *Advert) { a.AuthType = AuthNone }, GroupIPv4, 255), DropAuthTypeMismatch, Verdict{}},
		{"wrong password last byte", checkConfig(nil), peerPacket(func(a *Advert) { a.AuthData[7] = 'x' }, GroupIPv4, 255), DropAuthFailure, Verdict{}},
		{"ah instance, plain vrrp", checkConfig(func(c *Config) { c.AuthType = AuthAH }), peerPacket(func(a *Advert) { a.AuthType = AuthAH }, GroupIPv4, 255), DropAuthTypeMismatch, Verdict{}},
		{"v2 interval mismatch", checkConfig(nil), peerPacket(func(a *Advert) { a.Interval = 2 * time.Second }, GroupIPv4, 255), DropInterval, Verdict{}},
		{"auth checked before interval", checkConfig(nil), peerPacket(func(a *Advert) { a.Interval = 2 * time.Second; a.AuthData[0] = 0 }, GroupIPv4, 255), DropAuthFailure, Verdict{}},
		{"version nibble 13", checkConfig(nil), corrupt(0, peerPacket(nil, GroupIPv4, 255)), DropVersion, Verdict{}},
		{"bad checksum", checkConfig(nil), corrupt(7, peerPacket(nil, GroupIPv4, 255)), DropChecksum, Verdict{}},
		{"v3 interval mismatch noted", checkConfig(v3), peerPacket(func(a *Advert) { a.Version = 3; a.Interval = 500 * time.Millisecond }, GroupIPv4, 255), DropNone, Verdict{IntervalMismatch: true}},
		{"vip list mismatch accepted", checkConfig(nil), peerPacket(func(a *Advert) { a.Addrs = testVIPs[:1] }, GroupIPv4, 255), DropNone, Verdict{AddrMismatch: true}},
		{"vip order mismatch accepted", checkConfig(nil), peerPacket(func(a *Advert) { a.Addrs = []netip.Addr{testVIPs[1], testVIPs[0]} }, GroupIPv4, 255), DropNone, Verdict{AddrMismatch: true}},
		{"unicast advert on multicast instance", checkConfig(nil), peerPacket(nil, testSelf, 255), DropDestination, Verdict{}},
		{"multicast advert on unicast instance", checkConfig(unicast), peerPacket(nil, GroupIPv4, 255), DropDestination, Verdict{}},
		{"unicast any ttl", checkConfig(unicast), peerPacket(nil, testSelf, 3), DropNone, Verdict{}},
		{"unicast unknown source unchecked", checkConfig(func(c *Config) { unicast(c); c.Peers[0].Addr = netip.MustParseAddr("192.0.2.13") }), peerPacket(nil, testSelf, 255), DropNone, Verdict{}},
		{"unicast unknown source checked", checkConfig(func(c *Config) {
			unicast(c)
			c.Peers[0].Addr = netip.MustParseAddr("192.0.2.13")
			c.CheckUnicastSrc = true
		}), peerPacket(nil, testSelf, 255), DropSource, Verdict{}},
		{"unicast peer ttl range", checkConfig(func(c *Config) { unicast(c); c.Peers[0].MinTTL = 250 }), peerPacket(nil, testSelf, 64), DropTTL, Verdict{}},
		{"own advert looped back", checkConfig(nil), Packet{Payload: peerPacket(nil, GroupIPv4, 255).Payload, Src: testSelf, Dst: GroupIPv4, TTL: 255}, DropLoop, Verdict{}},
		{"ipv6 advert on ipv4 instance", checkConfig(nil), Packet{Payload: []byte{0x31}, Src: netip.MustParseAddr("fe80::1"), Dst: GroupIPv6, TTL: 255}, DropFamily, Verdict{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, v, err := check(tt.pkt, tt.cfg, &ahCounter{})
			if got := ReasonOf(err); got != tt.want {
				t.Fatalf("Check reason %v (%v), want %v", got, err, tt.want)
			}
			if err == nil && ReasonOf(err) != DropNone {
				t.Fatal("unreachable")
			}
			// The checksum form has its own tests (checksum_compat_test.go).
			v.Checksum = 0
			if diff := cmp.Diff(tt.verd, v); err == nil && diff != "" {
				t.Errorf("verdict (-want +got):\n%s", diff)
			}
		})
	}
}

func TestStatsCountDrop(t *testing.T) {
	var c counters
	for _, r := range []DropReason{DropLength, DropTTL, DropType, DropInterval, DropAuthInvalidType,
		DropAuthUnsupported, DropAuthTypeMismatch, DropAuthFailure, DropChecksum, DropChecksum} {
		c.countDrop(r)
	}
	s := c.stats()
	want := Stats{PacketLenErr: 1, TTLErr: 1, InvalidType: 1, AdvertIntervalErr: 1, InvalidAuthType: 2,
		AuthTypeMismatch: 1, AuthFailure: 1}
	want.Drops = s.Drops
	if diff := cmp.Diff(want, s); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if s.Drops[DropChecksum] != 2 {
		t.Errorf("checksum drops %d, want 2", s.Drops[DropChecksum])
	}
	if got := countersOf(s); got != c {
		t.Errorf("countersOf(stats()) = %+v, want %+v", got, c)
	}
}

func TestDropReasonStrings(t *testing.T) {
	seen := map[string]bool{}
	for r := DropNone; r < numDropReasons; r++ {
		s := r.String()
		if s == "" || seen[s] {
			t.Errorf("reason %d has empty or duplicate name %q", r, s)
		}
		seen[s] = true
	}
}

func TestCheckBadType(t *testing.T) {
	p := peerPacket(nil, GroupIPv4, 255)
	p.Payload[0] = 0x22 // checksum now also wrong: type is checked first
	if _, _, err := check(p, checkConfig(nil), &ahCounter{}); ReasonOf(err) != DropType {
		t.Fatalf("Check: %v, want %v", err, DropType)
	}
}

// TestAddrsEqual: the addresses of a message compared in place with the
// configured ones, as slices.Equal compared the decoded ones.
func TestAddrsEqual(t *testing.T) {
	a4, b4 := netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("192.0.2.2")
	a6 := netip.MustParseAddr("2001:db8::1")
	msg := func(as ...netip.Addr) []byte {
		var b []byte
		for _, a := range as {
			b = append(b, a.AsSlice()...)
		}
		return b
	}
	for _, tc := range []struct {
		name  string
		b     []byte
		asz   int
		count int
		want  []netip.Addr
		equal bool
	}{
		{"same ipv4", msg(a4, b4), 4, 2, []netip.Addr{a4, b4}, true},
		{"other order", msg(b4, a4), 4, 2, []netip.Addr{a4, b4}, false},
		{"fewer", msg(a4), 4, 1, []netip.Addr{a4, b4}, false},
		{"none", nil, 4, 0, nil, true},
		{"same ipv6", msg(a6), 16, 1, []netip.Addr{a6}, true},
		{"ipv6 with zone", msg(a6), 16, 1, []netip.Addr{a6.WithZone("eth0")}, false},
		{"ipv4-mapped configured", msg(a4), 4, 1, []netip.Addr{netip.AddrFrom16(a4.As16())}, false},
	} {
		if got := addrsEqual(tc.b, tc.asz, tc.count, tc.want); got != tc.equal {
			t.Errorf("%s: addrsEqual = %t, want %t", tc.name, got, tc.equal)
		}
	}
}
