package vrrp

import (
	"testing"
	"time"
)

// The per-advert costs that scale with the number of instances: a
// master's advert timer (step and encode) and a backup's received advert
// (decode, check, step). Run with -benchmem; allocations are the figure to
// watch, since the garbage collector's work grows with them.

func BenchmarkMasterAdvert(b *testing.B) {
	m, err := NewMachine(machineConfig(nil))
	if err != nil {
		b.Fatal(err)
	}
	now := t0
	m.Step(now, Start{})
	now = now.Add(mdi100)
	m.Step(now, Timer{}) // MASTER
	cfg := m.Config()
	dst := cfg.destinations()[0]
	b.ReportAllocs()
	for b.Loop() {
		now = now.Add(time.Second)
		r := m.Step(now, Timer{})
		for _, a := range r.Actions {
			if sa, ok := a.(SendAdvert); ok {
				if _, err := Marshal(sa.Advert, cfg.Source, dst, cfg.codec()); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
}

func BenchmarkBackupReceive(b *testing.B) {
	m, err := NewMachine(machineConfig(nil))
	if err != nil {
		b.Fatal(err)
	}
	now := t0
	m.Step(now, Start{})
	p := peerPacket(func(a *Advert) { a.Priority, a.AuthType, a.AuthData = 150, AuthNone, [8]byte{} }, GroupIPv4, 255)
	b.ReportAllocs()
	for b.Loop() {
		now = now.Add(time.Second)
		r := m.Step(now, PacketReceived{Packet: p})
		if r.Reason != ReasonAdvertAccepted {
			b.Fatalf("reason %v, drop %v", r.Reason, r.Drop)
		}
	}
}
