package vrrp

import (
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestMarshalChecksumForm: the checksum Marshal writes for each option,
// as Unmarshal at the receiver identifies it. The old unicast form only
// exists for VRRPv3 over IPv4; towards the multicast group it is the RFC
// form.
func TestMarshalChecksumForm(t *testing.T) {
	src4, peer4 := netip.MustParseAddr("192.0.2.11"), netip.MustParseAddr("192.0.2.12")
	src6, peer6 := netip.MustParseAddr("2001:db8::11"), netip.MustParseAddr("2001:db8::12")
	tests := []struct {
		name     string
		version  uint8
		src, dst netip.Addr
		opts     CodecOptions
		want     ChecksumForm
	}{
		{"v3 unicast", 3, src4, peer4, CodecOptions{}, ChecksumPseudoHeader},
		{"v3 unicast old", 3, src4, peer4, CodecOptions{OldUnicast: true}, ChecksumOldUnicast},
		{"v3 multicast old is the RFC form", 3, src4, GroupIPv4, CodecOptions{OldUnicast: true}, ChecksumPseudoHeader},
		{"v3 as v2 wins over old", 3, src4, peer4, CodecOptions{OldUnicast: true, V3ChecksumAsV2: true}, ChecksumPlain},
		{"v2 has no pseudo-header", 2, src4, peer4, CodecOptions{OldUnicast: true}, ChecksumPlain},
		{"ipv6 unicast old keeps the kernel's form", 3, src6, peer6, CodecOptions{OldUnicast: true}, ChecksumPseudoHeader},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vip := netip.MustParseAddr("192.0.2.50")
			if tt.src.Is6() {
				vip = netip.MustParseAddr("2001:db8::50")
			}
			a := Advert{Version: tt.version, VRID: 9, Priority: 100, Interval: time.Second, Addrs: []netip.Addr{vip}}
			b, err := Marshal(a, tt.src, tt.dst, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Unmarshal(b, tt.src, tt.dst, CodecOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if got.Checksum != tt.want {
				t.Errorf("checksum form %v, want %v", got.Checksum, tt.want)
			}
		})
	}
}

// TestMachineOldUnicastChecksum follows keepalived 2.2.7's
// vrrp_check_packet: only a unicast instance in the default mode switches
// to the old checksum, on the first advert that carries it (even one a
// later check drops), and keeps it.
func TestMachineOldUnicastChecksum(t *testing.T) {
	v3 := func(mode UnicastChecksum, unicast bool) Config {
		return machineConfig(func(c *Config) {
			c.Version, c.Interval, c.UnicastChecksum = 3, time.Second, mode
			if unicast {
				c.Unicast, c.Peers = true, []Peer{{Addr: testSrc}}
			}
		})
	}
	packet := func(form CodecOptions, dst netip.Addr, src netip.Addr) PacketReceived {
		a := Advert{Version: 3, VRID: 51, Priority: 50, Interval: time.Second, Addrs: testVIPs}
		b, err := Marshal(a, src, dst, form)
		if err != nil {
			t.Fatal(err)
		}
		return PacketReceived{Packet: Packet{Payload: b, Src: src, Dst: dst, TTL: TTL}}
	}
	old, rfc := CodecOptions{OldUnicast: true}, CodecOptions{}
	stranger := netip.MustParseAddr("192.0.2.77")
	tests := []struct {
		name     string
		cfg      Config
		pkt      PacketReceived
		detected bool
		want     UnicastChecksum
	}{
		{"default switches on an old advert", v3(UnicastChecksumAuto, true), packet(old, testSelf, testSrc), true, UnicastChecksumDetected},
		{"default keeps the RFC form on an RFC advert", v3(UnicastChecksumAuto, true), packet(rfc, testSelf, testSrc), false, UnicastChecksumAuto},
		{"never does not switch", v3(UnicastChecksumNever, true), packet(old, testSelf, testSrc), false, UnicastChecksumNever},
		{"configured old stays old", v3(UnicastChecksumOld, true), packet(rfc, testSelf, testSrc), false, UnicastChecksumOld},
		{"multicast instance does not switch", v3(UnicastChecksumAuto, false), packet(old, testSelf, testSrc), false, UnicastChecksumAuto},
		{"switch happens before the source check drops", func() Config {
			c := v3(UnicastChecksumAuto, true)
			c.CheckUnicastSrc = true
			return c
		}(), packet(old, testSelf, stranger), true, UnicastChecksumDetected},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := NewMachine(tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			m.Step(t0, Start{})
			r := m.Step(t0.Add(time.Second), tt.pkt)
			var got []Action
			for _, a := range r.Actions {
				if _, ok := a.(OldChecksumDetected); ok {
					got = append(got, a)
				}
			}
			var want []Action
			if tt.detected {
				want = []Action{OldChecksumDetected{From: tt.pkt.Packet.Src}}
			}
			if d := cmp.Diff(want, got, addrCmp); d != "" {
				t.Errorf("actions (-want +got):\n%s", d)
			}
			cfg := m.Config()
			if cfg.UnicastChecksum != tt.want {
				t.Errorf("mode %d, want %d", cfg.UnicastChecksum, tt.want)
			}
			if got, want := cfg.codec().OldUnicast, tt.want.old(); got != want {
				t.Errorf("sends old checksum %t, want %t", got, want)
			}
		})
	}
}

// TestReloadKeepsDetectedChecksum: a reload that leaves the instance in
// the default mode keeps the old checksum it learnt (the peer that sent
// it may be a silent backup by now); one that configures a mode takes it.
func TestReloadKeepsDetectedChecksum(t *testing.T) {
	cfg := func(mode UnicastChecksum) Config {
		return machineConfig(func(c *Config) {
			c.Version, c.UnicastChecksum = 3, mode
			c.Unicast, c.Peers = true, []Peer{{Addr: testSrc}}
		})
	}
	a := Advert{Version: 3, VRID: 51, Priority: 50, Interval: time.Second, Addrs: testVIPs}
	b, err := Marshal(a, testSrc, testSelf, CodecOptions{OldUnicast: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		reload, want UnicastChecksum
	}{
		{UnicastChecksumAuto, UnicastChecksumDetected},
		{UnicastChecksumNever, UnicastChecksumNever},
		{UnicastChecksumOld, UnicastChecksumOld},
	} {
		m, err := NewMachine(cfg(UnicastChecksumAuto))
		if err != nil {
			t.Fatal(err)
		}
		m.Step(t0, Start{})
		m.Step(t0, PacketReceived{Packet: Packet{Payload: b, Src: testSrc, Dst: testSelf, TTL: TTL}})
		m.Step(t0, mustReload(cfg(tt.reload)))
		if got := m.Config().UnicastChecksum; got != tt.want {
			t.Errorf("reload to mode %d: mode %d, want %d", tt.reload, got, tt.want)
		}
	}
}

// TestOldUnicastChecksumGroup: the old unicast checksum's pseudo-header
// destination is vrrp_mcast_group4, as keepalived takes it on send and
// receive; a receiver with another group does not recognise it.
func TestOldUnicastChecksumGroup(t *testing.T) {
	src, peer := netip.MustParseAddr("192.0.2.11"), netip.MustParseAddr("192.0.2.12")
	group := netip.MustParseAddr("224.0.0.99")
	a := Advert{Version: 3, VRID: 9, Priority: 100, Interval: time.Second, Addrs: []netip.Addr{netip.MustParseAddr("192.0.2.50")}}
	b, err := Marshal(a, src, peer, CodecOptions{OldUnicast: true, OldGroup: group})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		group netip.Addr
		ok    bool
	}{{group, true}, {netip.Addr{}, false}, {GroupIPv4, false}} {
		got, err := Unmarshal(b, src, peer, CodecOptions{OldGroup: tt.group})
		if ok := err == nil && got.Checksum == ChecksumOldUnicast; ok != tt.ok {
			t.Errorf("receiver group %v: old checksum recognised %t (err %v), want %t", tt.group, ok, err, tt.ok)
		}
	}
}
