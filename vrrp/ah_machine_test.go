package vrrp

import (
	"encoding/binary"
	"net/netip"
	"testing"
	"time"
)

// ahPeerPacket is the AH advert a keepalived peer at src with our key
// sends with sequence number seq, as netif delivers it.
func ahPeerPacket(t *testing.T, src netip.Addr, prio uint8, seq uint32) Packet {
	t.Helper()
	a := Advert{Version: 2, VRID: 51, Priority: prio, AuthType: AuthAH, Interval: time.Second, Addrs: testVIPs}
	payload, err := MarshalAH(a, seq, src, GroupIPv4)
	if err != nil {
		t.Fatal(err)
	}
	pkt := make([]byte, 20+len(payload))
	pkt[0], pkt[1], pkt[8], pkt[9] = 0x45, 0xc0, 255, ProtocolAH
	binary.BigEndian.PutUint16(pkt[2:], uint16(len(pkt)))
	binary.BigEndian.PutUint16(pkt[4:], uint16(seq))
	s, d := src.As4(), GroupIPv4.As4()
	copy(pkt[12:], s[:])
	copy(pkt[16:], d[:])
	copy(pkt[20:], payload)
	if err := SealAH(pkt, ahKey, false); err != nil {
		t.Fatal(err)
	}
	return Packet{Header: pkt[:20], Payload: pkt[20:], Src: src, Dst: GroupIPv4, TTL: 255}
}

func ahMachine(t *testing.T, prio uint8) *Machine {
	t.Helper()
	m, err := NewMachine(machineConfig(func(c *Config) { c.Priority, c.AuthType, c.AuthPass = prio, AuthAH, ahKey }))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// sentSeqs are the AH sequence numbers of the adverts r sends.
func sentSeqs(r Result) []uint32 {
	var s []uint32
	for _, a := range r.Actions {
		if sa, ok := a.(*SendAdvert); ok {
			s = append(s, sa.AHSeq)
		}
	}
	return s
}

// TestAHSequenceNumbers follows keepalived's one counter per instance
// through a master change: a master numbers its adverts 1, 2, 3...; a
// backup's counter follows the master's numbers, drops replays, and
// continues above them when it takes over; a master that hears a
// lower-priority advert goes one above its number.
func TestAHSequenceNumbers(t *testing.T) {
	m := ahMachine(t, 100)
	m.Step(t0, Start{})
	if r := m.Step(t0.Add(mdi100), Timer{}); r.State != StateMaster || !equalSeqs(sentSeqs(r), 1) {
		t.Fatalf("first master advert: state %v, numbers %v, want MASTER [1]", r.State, sentSeqs(r))
	}
	if r := m.Step(t0.Add(mdi100+time.Second), Timer{}); !equalSeqs(sentSeqs(r), 2) {
		t.Errorf("second advert numbers %v, want [2]", sentSeqs(r))
	}

	// A higher-priority master numbered 40: we yield and follow it.
	now := t0.Add(10 * time.Second)
	if r := m.Step(now, PacketReceived{Packet: ahPeerPacket(t, peerHi, 150, 40)}); r.State != StateBackup {
		t.Fatalf("higher priority advert: state %v (%v)", r.State, r.Drop)
	}
	for _, seq := range []uint32{40, 12} {
		if r := m.Step(now.Add(time.Second), PacketReceived{Packet: ahPeerPacket(t, peerHi, 150, seq)}); ReasonOf(r.Drop) != DropAuthFailure {
			t.Errorf("replayed number %d: drop %v, want auth failure", seq, r.Drop)
		}
	}
	if r := m.Step(now.Add(time.Second), PacketReceived{Packet: ahPeerPacket(t, peerHi, 150, 41)}); r.Drop != nil {
		t.Errorf("number 41: %v", r.Drop)
	}
	if got := m.Stats().AuthFailure; got != 2 {
		t.Errorf("auth failures %d, want 2", got)
	}

	// The master resigns (number 42); we continue above it.
	r := m.Step(now.Add(2*time.Second), PacketReceived{Packet: ahPeerPacket(t, peerHi, 0, 42)})
	r = m.Step(now.Add(2*time.Second+skew100), Timer{})
	if r.State != StateMaster || !equalSeqs(sentSeqs(r), 43) {
		t.Fatalf("after the priority-0 advert: state %v, numbers %v, want MASTER [43]", r.State, sentSeqs(r))
	}

	// A lower-priority router that also thinks it is master, numbered 90.
	r = m.Step(now.Add(3*time.Second), PacketReceived{Packet: ahPeerPacket(t, peerLo, 50, 90)})
	if r.State != StateMaster || !equalSeqs(sentSeqs(r), 92) {
		t.Errorf("lower priority advert numbered 90: state %v, numbers %v, want MASTER [92]", r.State, sentSeqs(r))
	}
}

func equalSeqs(got []uint32, want ...uint32) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i] != want[i] {
			return false
		}
	}
	return true
}
