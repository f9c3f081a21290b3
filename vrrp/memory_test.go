package vrrp_test

import (
	"fmt"
	"net/netip"
	"runtime"
	"testing"
	"time"

	"github.com/goalived/goalived/vrrp"
	"github.com/goalived/goalived/vrrp/vrrptest"
)

// BenchmarkIdleInstanceMemory reports the live heap one idle instance
// holds (B/instance): 1000 VRRPv2 instances with one VIP each, made as
// the engine makes them (every output set, a Gate included), started on
// a fake clock, then left as backups with their master-down timers armed
// or taken to MASTER and left a few adverts later with their advert
// timers armed. It counts
// everything NewInstance and the first steps allocate and keep, the fake
// clock's timer for each instance included; the configurations' names
// and addresses, which the engine's model owns, are made beforehand.
func BenchmarkIdleInstanceMemory(b *testing.B) {
	for _, master := range []bool{false, true} {
		name := "backup"
		if master {
			name = "master"
		}
		b.Run(name, func(b *testing.B) {
			var per float64
			for b.Loop() {
				per = idleInstanceBytes(b, 1000, master)
			}
			b.ReportMetric(per, "B/instance")
		})
	}
}

// nopOutputs does nothing for every output; its Gate always lets go.
type nopOutputs struct{}

func (nopOutputs) Send(netip.Addr, []byte) error           { return nil }
func (nopOutputs) Own(bool) error                          { return nil }
func (nopOutputs) Announce(int) error                      { return nil }
func (nopOutputs) Report(vrrp.Report)                      {}
func (nopOutputs) MayBecomeMaster(string, vrrp.State) bool { return true }

// idleInstanceBytes makes n instances, lets them settle as backups (or
// masters) and returns the heap they hold each.
func idleInstanceBytes(b *testing.B, n int, master bool) float64 {
	start := time.Date(2026, 11, 25, 13, 0, 0, 0, time.UTC)
	cfgs := make([]vrrp.Config, n)
	for i := range cfgs {
		cfgs[i] = vrrp.Config{Name: fmt.Sprintf("VI_%d", i), VRID: uint8(i%255 + 1), Version: 2, Priority: 100,
			Interval: time.Second, Addrs: []netip.Addr{netip.AddrFrom4([4]byte{192, 0, 2, byte(i%250 + 1)})},
			Source: netip.MustParseAddr("198.51.100.1"), AuthType: vrrp.AuthPass,
			AuthPass: [8]byte{'s', 'e', 'c', 'r', 'e', 't'}, GARP: vrrp.DefaultGARP()}
	}
	out := nopOutputs{}
	outs := vrrp.Outputs{Sender: out, VIPs: out, Announcer: out, Reporter: out, Gate: out}
	goroutines := runtime.NumGoroutine()
	before := liveHeap()

	clock := vrrptest.NewFakeClock(start)
	ins := make([]*vrrp.Instance, n)
	for i := range ins {
		in, err := vrrp.NewInstance(cfgs[i], outs, vrrp.WithClock(clock))
		if err != nil {
			b.Fatal(err)
		}
		if err := in.Start(); err != nil {
			b.Fatal(err)
		}
		ins[i] = in
	}
	want := vrrp.StateBackup
	if master {
		waitState(b, ins, want)
		// Past the master-down interval, the second GARP burst and a few
		// adverts: a master in its steady state.
		clock.Advance(10 * time.Second)
		want = vrrp.StateMaster
	}
	waitState(b, ins, want)
	for runtime.NumGoroutine() > goroutines { // the executors' runners end
		runtime.Gosched()
	}
	after := liveHeap()
	runtime.KeepAlive(ins)
	runtime.KeepAlive(cfgs) // else freed before after: counted against the instances

	b.StopTimer()
	for _, in := range ins {
		if err := in.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.StartTimer()
	return float64(int64(after)-int64(before)) / float64(n)
}

func waitState(b *testing.B, ins []*vrrp.Instance, want vrrp.State) {
	for _, in := range ins {
		for deadline := time.Now().Add(10 * time.Second); in.State() != want; runtime.Gosched() {
			if time.Now().After(deadline) {
				b.Fatalf("%s: state %v, want %v", in.Name(), in.State(), want)
			}
		}
	}
}

// liveHeap is the heap still reachable after a full collection.
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}
