package vrrp

import (
	"net/netip"
	"runtime"
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
			if sa, ok := a.(*SendAdvert); ok {
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

// countSender counts adverts and keeps nothing, as a raw socket does.
type countSender struct{ n int }

func (s *countSender) Send(netip.Addr, []byte) error { s.n++; return nil }

// benchClock is a clock whose timers the benchmark fires by hand, on its
// own goroutine as the timerfd clock does, without the fake clock's
// bookkeeping: what is measured is the instance's work per advert.
type benchClock struct {
	now time.Time
	t   *benchTimer
}

type benchTimer struct {
	f     func()
	when  time.Time
	armed bool
	c     *benchClock
}

func (c *benchClock) Now() time.Time                    { return c.now }
func (c *benchClock) NewTimer(time.Duration) ClockTimer { panic("not used") }
func (t *benchTimer) C() <-chan time.Time               { return nil }
func (t *benchTimer) Stop() bool                        { was := t.armed; t.armed = false; return was }
func (t *benchTimer) Reset(d time.Duration) bool {
	was := t.armed
	t.when, t.armed = t.c.now.Add(d), true
	return was
}
func (c *benchClock) AfterFunc(d time.Duration, f func()) ClockTimer {
	c.t = &benchTimer{f: f, when: c.now.Add(d), armed: true, c: c}
	return c.t
}

// fire moves the clock to the timer's deadline and calls its function.
func (c *benchClock) fire(b *testing.B) {
	if c.t == nil || !c.t.armed {
		b.Fatal("no timer armed")
	}
	c.now, c.t.armed = c.t.when, false
	c.t.f()
}

// BenchmarkInstanceAdvert is a running master's advert timer: the
// instance's runtime (executor, timer, encoding into its buffer) around
// the machine step, up to the Sender.
func BenchmarkInstanceAdvert(b *testing.B) {
	clock := &benchClock{now: t0}
	snd := &countSender{}
	in, err := NewInstance(machineConfig(nil), Outputs{Sender: snd}, WithClock(clock))
	if err != nil {
		b.Fatal(err)
	}
	startAndSettle(b, in)
	clock.fire(b) // master-down: MASTER
	if in.State() != StateMaster {
		b.Fatalf("state %v, want MASTER", in.State())
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		clock.fire(b)
	}
	b.StopTimer()
	if snd.n < b.N {
		b.Fatalf("%d adverts sent for %d timers", snd.n, b.N)
	}
}

// BenchmarkInstanceDeliver is a backup hearing its master: Deliver on an
// idle instance (stepped on the caller's goroutine), the checks, the
// step and the master-down timer moved.
func BenchmarkInstanceDeliver(b *testing.B) {
	clock := &benchClock{now: t0}
	in, err := NewInstance(machineConfig(nil), Outputs{}, WithClock(clock))
	if err != nil {
		b.Fatal(err)
	}
	startAndSettle(b, in)
	p := peerPacket(func(a *Advert) { a.Priority, a.AuthType, a.AuthData = 150, AuthNone, [8]byte{} }, GroupIPv4, 255)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		clock.now = clock.now.Add(time.Second)
		in.Deliver(p)
	}
	b.StopTimer()
	if st := in.Stats(); st.AdvertReceived == 0 || in.State() != StateBackup {
		b.Fatalf("state %v, stats %+v: the adverts were not accepted", in.State(), st)
	}
}

// startAndSettle starts in and waits until its Start step has run.
func startAndSettle(b testing.TB, in *Instance) {
	if err := in.Start(); err != nil {
		b.Fatal(err)
	}
	for in.State() == StateInit {
		runtime.Gosched()
	}
	for !in.run.enter() {
		runtime.Gosched()
	}
	in.run.leave()
}
