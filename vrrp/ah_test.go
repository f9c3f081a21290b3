package vrrp

import (
	"bytes"
	"net/netip"
	"testing"
	"time"
)

// ahKey is keepalived's key for auth_pass s3cretpassword (truncated to 8).
var ahKey = [8]byte{'s', '3', 'c', 'r', 'e', 't', 'p', 'a'}

type ahCase struct {
	name    string
	unicast bool
	pkt     []byte // the whole IPv4 packet
}

func loadAH(t testing.TB) []ahCase {
	t.Helper()
	var cases []ahCase
	for _, r := range loadHexRecords(t, "testdata/ah.txt", 2) {
		cases = append(cases, ahCase{r.fields[0], r.fields[1] == "unicast", r.b})
	}
	if len(cases) == 0 {
		t.Fatal("no ah packets in testdata/ah.txt")
	}
	return cases
}

// ahPacket splits a captured packet as netif delivers it.
func ahPacket(b []byte) Packet {
	return Packet{
		Header: b[:20], Payload: b[20:], TTL: int(b[8]),
		Src: netip.AddrFrom4([4]byte(b[12:16])), Dst: netip.AddrFrom4([4]byte(b[16:20])),
	}
}

// kaSrc sent the captured packets; the receiving instance is at testSrc.
var kaSrc = netip.MustParseAddr("192.0.2.11")

func ahConfig(unicast bool) *Config {
	return checkConfig(func(c *Config) {
		c.AuthType, c.AuthPass, c.Source = AuthAH, ahKey, testSrc
		if unicast {
			c.Unicast, c.Peers = true, []Peer{{Addr: kaSrc}}
		}
	})
}

// TestAHKeepalivedGolden rebuilds keepalived's packets from their advert,
// sequence number and IP header, and verifies them as a receiver.
func TestAHKeepalivedGolden(t *testing.T) {
	for _, c := range loadAH(t) {
		t.Run(c.name, func(t *testing.T) {
			p := ahPacket(c.pkt)
			h, msg, err := ParseAH(p.Payload)
			if err != nil {
				t.Fatal(err)
			}
			if h.NextHeader != IPProtocol || h.SPI != 0xc000020b || p.Payload[1] != 4 {
				t.Errorf("ah header %+v, payload len %d", h, p.Payload[1])
			}
			a, err := Unmarshal(msg, p.Src, p.Dst, CodecOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if a.AuthType != AuthAH || a.AuthData != [8]byte{} || a.VRID != 51 || a.Priority != 150 {
				t.Errorf("vrrp part %+v", a)
			}

			payload, err := MarshalAH(a, h.Seq, p.Src, p.Dst)
			if err != nil {
				t.Fatal(err)
			}
			got := append(append([]byte(nil), c.pkt[:20]...), payload...)
			if err := SealAH(got, ahKey, c.unicast); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, c.pkt) {
				t.Errorf("rebuilt\n%x\nkeepalived\n%x", got, c.pkt)
			}

			ctr := ahCounter{seq: h.Seq - 1}
			if _, _, err := check(p, ahConfig(c.unicast), &ctr); err != nil {
				t.Errorf("check: %v", err)
			}
			if ctr.seq != h.Seq {
				t.Errorf("counter %d after sequence number %d", ctr.seq, h.Seq)
			}
		})
	}
}

// TestAHCheck: what a receiver accepts and which counter a rejection
// raises, in keepalived's order.
func TestAHCheck(t *testing.T) {
	golden := loadAH(t)[0].pkt  // multicast, sequence number 1
	unicast := loadAH(t)[2].pkt // unicast, sequence number 1
	edit := func(f func(b []byte)) Packet {
		b := append([]byte(nil), golden...)
		f(b)
		return ahPacket(b)
	}
	editUnicast := func(f func(b []byte)) Packet {
		b := append([]byte(nil), unicast...)
		f(b)
		return ahPacket(b)
	}
	resealed := func(f func(b []byte)) Packet {
		return edit(func(b []byte) {
			f(b)
			if err := SealAH(b, ahKey, false); err != nil {
				t.Fatal(err)
			}
		})
	}
	msg, err := Marshal(Advert{Version: 2, VRID: 51, Priority: 150, AuthType: AuthAH, Interval: time.Second, Addrs: testVIPs}, kaSrc, GroupIPv4, CodecOptions{})
	if err != nil {
		t.Fatal(err)
	}
	plain := Packet{Payload: msg, Src: kaSrc, Dst: GroupIPv4, TTL: 255}
	tests := []struct {
		name    string
		cfg     *Config
		pkt     Packet
		counter uint32
		want    DropReason
		after   uint32 // the counter afterwards
	}{
		{"good", ahConfig(false), ahPacket(golden), 0, DropNone, 1},
		{"tos is mutable", ahConfig(false), edit(func(b []byte) { b[1] = 0 }), 0, DropNone, 1},
		{"fragment field is mutable", ahConfig(false), edit(func(b []byte) { b[6] = 0x40 }), 0, DropNone, 1},
		{"checksum is mutable", ahConfig(false), edit(func(b []byte) { b[10] ^= 0xff }), 0, DropNone, 1},
		{"replayed", ahConfig(false), ahPacket(golden), 1, DropAuthFailure, 1},
		{"older", ahConfig(false), ahPacket(golden), 7, DropAuthFailure, 7},
		{"wrong key", checkConfig(func(c *Config) {
			c.AuthType, c.AuthPass, c.Source = AuthAH, [8]byte{'s', '3', 'c', 'r', 'e', 't'}, testSrc
		}), ahPacket(golden), 0, DropAuthFailure, 0},
		{"ttl checked before the icv", ahConfig(false), edit(func(b []byte) { b[8] = 254 }), 0, DropTTL, 0},
		{"unicast", ahConfig(true), editUnicast(func(b []byte) {}), 0, DropNone, 1},
		{"unicast ttl is mutable", ahConfig(true), editUnicast(func(b []byte) { b[8] = 64 }), 0, DropNone, 1},
		{"ttl left out of the icv on a multicast instance", ahConfig(false), editUnicast(func(b []byte) {
			b[16], b[19] = 224, 18
			if err := SealAH(b, ahKey, true); err != nil {
				t.Fatal(err)
			}
		}), 0, DropAuthFailure, 0},
		{"ip id is covered", ahConfig(false), edit(func(b []byte) { b[5] = 9 }), 0, DropAuthFailure, 0},
		{"priority is covered", ahConfig(false), edit(func(b []byte) { b[44+2] = 200 }), 0, DropAuthFailure, 0},
		{"spi not the source", ahConfig(false), resealed(func(b []byte) { b[27] = 12 }), 0, DropAuthFailure, 0},
		{"other next header", ahConfig(false), resealed(func(b []byte) { b[20] = 6 }), 0, DropAHNextHeader, 0},
		{"short ah", ahConfig(false), Packet{Header: golden[:20], Payload: golden[20:40], Src: kaSrc, Dst: GroupIPv4, TTL: 255}, 0, DropLength, 0},
		{"ah on a plain instance", checkConfig(func(c *Config) { c.Source = testSrc }), ahPacket(golden), 0, DropAuthTypeMismatch, 0},
		{"plain vrrp on an ah instance", ahConfig(false), plain, 0, DropAuthTypeMismatch, 0},
		{"vrrp auth type pass inside ah", ahConfig(false), resealed(func(b []byte) { b[44+4] = 1; b[44+6]++ }), 0, DropAuthTypeMismatch, 0},
		{"counter raised before the interval check", ahConfig(false), resealed(func(b []byte) { b[44+5] = 2; b[44+7]-- }), 0, DropInterval, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctr := ahCounter{seq: tt.counter}
			_, _, err := check(tt.pkt, tt.cfg, &ctr)
			if got := ReasonOf(err); got != tt.want {
				t.Errorf("drop %v (%v), want %v", got, err, tt.want)
			}
			if ctr.seq != tt.after {
				t.Errorf("counter %d, want %d", ctr.seq, tt.after)
			}
		})
	}
}

func TestAHCounter(t *testing.T) {
	c := ahCounter{}
	if got := []uint32{c.next(), c.next()}; got[0] != 1 || got[1] != 2 {
		t.Errorf("first numbers %v, want 1 2", got)
	}
	c = ahCounter{seq: ahSeqLast - 1}
	if n := c.next(); n != ahSeqLast || c.cycle {
		t.Errorf("at %d: %d cycle %t", ahSeqLast-1, n, c.cycle)
	}
	if n := c.next(); n != ahSeqLast || !c.cycle {
		t.Errorf("past the last number: %d cycle %t, want %d cycled", n, c.cycle, uint32(ahSeqLast))
	}
	c.becomeMaster()
	if c.seq != 0 || c.cycle {
		t.Errorf("becoming master after a cycle: %+v, want restarted", c)
	}
	c = ahCounter{seq: 5}
	c.becomeMaster()
	if c.seq != 5 {
		t.Errorf("becoming master without a cycle changed the counter to %d", c.seq)
	}
}

func TestMarshalAHRefuses(t *testing.T) {
	a := Advert{Version: 2, VRID: 1, Priority: 100, AuthType: AuthAH, Interval: time.Second}
	v3 := a
	v3.Version, v3.AuthType, v3.Interval = 3, AuthNone, time.Second
	pass := a
	pass.AuthType = AuthPass
	for name, c := range map[string]struct {
		a   Advert
		src netip.Addr
	}{"v3": {v3, testSelf}, "pass": {pass, testSelf}, "ipv6": {a, netip.MustParseAddr("2001:db8::1")}} {
		if _, err := MarshalAH(c.a, 1, c.src, GroupIPv4); err == nil {
			t.Errorf("%s: MarshalAH accepted it", name)
		}
	}
	if err := SealAH(make([]byte, 30), ahKey, false); err == nil {
		t.Error("SealAH accepted a packet without an ah header")
	}
}

// FuzzAH: any received AH packet is checked without panicking, and
// whatever passes the ICV was sealed with our key.
func FuzzAH(f *testing.F) {
	for _, c := range loadAH(f) {
		f.Add(c.pkt, c.unicast, uint32(0))
	}
	f.Fuzz(func(t *testing.T, b []byte, unicast bool, counter uint32) {
		if len(b) < 20 {
			return
		}
		b[0], b[9] = 0x45, ProtocolAH
		p := ahPacket(b)
		ctr := ahCounter{seq: counter}
		_, _, err := check(p, ahConfig(unicast), &ctr)
		if err == nil && ctr.seq <= counter {
			t.Errorf("accepted with counter %d -> %d", counter, ctr.seq)
		}
		if err == nil {
			sealed := append([]byte(nil), b...)
			if serr := SealAH(sealed, ahKey, unicast); serr != nil || !bytes.Equal(sealed, b) {
				t.Errorf("accepted a packet whose icv is not ours: %v", serr)
			}
		}
	})
}
