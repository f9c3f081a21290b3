package vrrp_test

import (
	"errors"
	"net/netip"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/goalived/goalived/vrrp"
	"github.com/goalived/goalived/vrrp/vrrptest"
)

type sent struct {
	at   time.Duration
	dst  netip.Addr
	prio uint8
}

// logSender records adverts with the fake time they were sent at.
type logSender struct {
	clock *vrrptest.FakeClock
	start time.Time
	mu    sync.Mutex
	log   []sent
	err   error
}

func (s *logSender) Send(dst netip.Addr, msg []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = append(s.log, sent{s.clock.Now().Sub(s.start), dst, msg[2]})
	return s.err
}

func (s *logSender) sent() []sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]sent(nil), s.log...)
}

// TestInstanceFakeClock drives one instance with the fake clock: the
// settle hook lets the instance goroutine run after every timer.
func TestInstanceFakeClock(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Date(2026, 11, 25, 13, 0, 0, 0, time.UTC)
		clock := vrrptest.NewFakeClock(start)
		clock.Settle = synctest.Wait
		snd := &logSender{clock: clock, start: start}
		h, rec := &host{}, &recorder{}
		peers := []vrrp.Peer{{Addr: netip.MustParseAddr("192.0.2.12")}, {Addr: netip.MustParseAddr("192.0.2.13")}}
		in, err := vrrp.NewInstance(vrrp.Config{Name: "VI_1", VRID: 51, Version: 3, Priority: 110, Interval: time.Second,
			Addrs: vips, Source: netip.MustParseAddr("192.0.2.11"), Unicast: true, Peers: peers,
			GARP: vrrp.GARPConfig{MasterRepeat: 2, MasterDelay: 5 * time.Second}},
			vrrp.Outputs{Sender: snd, VIPs: h, Announcer: h, Reporter: rec}, vrrp.WithClock(clock))
		if err != nil {
			t.Fatal(err)
		}
		if err := in.Start(); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		mdi := 3*time.Second + 146*time.Second/256 // 3.5703125 s
		clock.Advance(mdi - time.Nanosecond)
		synctest.Wait()
		if in.State() != vrrp.StateBackup || len(snd.sent()) != 0 {
			t.Fatalf("before the down timer: state %v, sent %v", in.State(), snd.sent())
		}
		clock.Advance(time.Nanosecond)
		synctest.Wait()
		if in.State() != vrrp.StateMaster {
			t.Fatalf("state %v after the down timer, want MASTER", in.State())
		}
		clock.Advance(5 * time.Second)
		synctest.Wait()
		if owned, rounds := h.state(); !owned || rounds != 4 {
			t.Errorf("vips owned %t, %d garp rounds; want owned, 2+2 rounds", owned, rounds)
		}
		in.Close()
		in.Close() // idempotent
		if err := in.Start(); !errors.Is(err, vrrp.ErrClosed) {
			t.Errorf("Start after Close: %v, want ErrClosed", err)
		}
		var want []sent
		for i := range 6 { // becoming master, then one per second, per peer in order
			at := mdi + time.Duration(i)*time.Second
			want = append(want, sent{at, peers[0].Addr, 110}, sent{at, peers[1].Addr, 110})
		}
		end := mdi + 5*time.Second
		want = append(want, sent{end, peers[0].Addr, 0}, sent{end, peers[1].Addr, 0})
		if diff := cmp.Diff(want, snd.sent(), cmp.AllowUnexported(sent{}), cmp.Comparer(func(a, b netip.Addr) bool { return a == b })); diff != "" {
			t.Errorf("adverts (-want +got):\n%s", diff)
		}
		if owned, _ := h.state(); owned {
			t.Error("vips still owned after Close")
		}
		var states []vrrp.State
		for _, tr := range rec.transitions() {
			states = append(states, tr.To)
		}
		if diff := cmp.Diff([]vrrp.State{vrrp.StateBackup, vrrp.StateMaster, vrrp.StateStopped}, states); diff != "" {
			t.Errorf("transitions (-want +got):\n%s", diff)
		}
		if st := in.Stats(); st.AdvertSent != 7 || st.PriZeroSent != 1 || st.BecameMaster != 1 {
			t.Errorf("stats %+v", st)
		}
	})
}

// blockingVIPs never returns until released: adverts must keep flowing.
type blockingVIPs struct{ release chan struct{} }

func (b blockingVIPs) Own(bool) error { <-b.release; return nil }

func TestSlowVIPsDoNotDelayAdverts(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		realSnd := &countSender{}
		vipsOut := blockingVIPs{release: make(chan struct{})}
		in, err := vrrp.NewInstance(vrrp.Config{Name: "VI_1", VRID: 1, Version: 2, Priority: 255, WantMaster: true,
			Addrs: vips, Source: netip.MustParseAddr("192.0.2.11"), GARP: vrrp.DefaultGARP()},
			vrrp.Outputs{Sender: realSnd, VIPs: vipsOut, Reporter: &recorder{}})
		if err != nil {
			t.Fatal(err)
		}
		in.Start()
		time.Sleep(10*time.Second + time.Millisecond)
		synctest.Wait()
		if n := realSnd.count(); n != 11 {
			t.Errorf("%d adverts in 10 s with VIPs blocked, want 11", n)
		}
		close(vipsOut.release)
		in.Close()
	})
}

type countSender struct {
	mu sync.Mutex
	n  int
}

func (s *countSender) Send(netip.Addr, []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n++
	return nil
}

func (s *countSender) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}

func TestNewInstanceRejectsBadConfig(t *testing.T) {
	_, err := vrrp.NewInstance(vrrp.Config{Name: "VI_1", VRID: 0, Version: 2, Priority: 100,
		Source: netip.MustParseAddr("192.0.2.1")}, vrrp.Outputs{})
	if err == nil {
		t.Fatal("NewInstance accepted vrid 0")
	}
}

func TestInstanceReloadAndKeepVIPs(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		snd, h := &prioSender{}, &host{}
		cfg := vrrp.Config{Name: "VI_1", VRID: 1, Version: 2, Priority: 255, WantMaster: true,
			Addrs: vips, Source: netip.MustParseAddr("192.0.2.11"), GARP: vrrp.GARPConfig{MasterRepeat: 1}}
		in, err := vrrp.NewInstance(cfg, vrrp.Outputs{Sender: snd, VIPs: h, Announcer: h})
		if err != nil {
			t.Fatal(err)
		}
		in.Start()
		time.Sleep(1500 * time.Millisecond)
		synctest.Wait()
		if _, rounds := h.state(); rounds != 1 {
			t.Fatalf("%d garp rounds after becoming master, want 1", rounds)
		}
		cfg.Addrs = append(vips[:1:1], netip.MustParseAddr("198.51.100.11"))
		if err := in.Reload(cfg); err != nil {
			t.Fatal(err)
		}
		bad := cfg
		bad.Version = 4
		if err := in.Reload(bad); err == nil {
			t.Error("Reload accepted version 4")
		}
		synctest.Wait()
		if _, rounds := h.state(); rounds != 2 || in.State() != vrrp.StateMaster {
			t.Errorf("after reload adding a vip: %d rounds in %v, want 2 in MASTER", rounds, in.State())
		}
		in.CloseKeepVIPs()
		if owned, _ := h.state(); !owned {
			t.Error("CloseKeepVIPs released the vips")
		}
		if diff := cmp.Diff([]uint8{255, 255, 255}, snd.prios()); diff != "" {
			t.Errorf("advert priorities (-want +got):\n%s", diff)
		}
	})
}

type prioSender struct {
	mu sync.Mutex
	p  []uint8
}

func (s *prioSender) Send(_ netip.Addr, msg []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.p = append(s.p, msg[2])
	return nil
}

func (s *prioSender) prios() []uint8 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]uint8(nil), s.p...)
}

// TestInstanceReportsLateTimer: a stall (here, the fake clock jumping past
// the deadline before the instance runs) is measured and reported.
func TestInstanceReportsLateTimer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clock := vrrptest.NewFakeClock(time.Date(2026, 11, 25, 13, 0, 0, 0, time.UTC))
		rec := &recorder{}
		in, err := vrrp.NewInstance(vrrp.Config{Name: "VI_1", VRID: 1, Version: 2, Priority: 100,
			Addrs: vips, Source: netip.MustParseAddr("192.0.2.11"), GARP: vrrp.DefaultGARP()},
			vrrp.Outputs{Reporter: rec}, vrrp.WithClock(clock))
		if err != nil {
			t.Fatal(err)
		}
		in.Start()
		synctest.Wait()
		clock.Jump(mdi100 + 700*time.Millisecond) // the down timer is handled 700 ms late
		synctest.Wait()
		in.Close()
		if got := in.MaxLateness(); got != 700*time.Millisecond {
			t.Errorf("max lateness %v, want 700ms", got)
		}
		var late []time.Duration
		rec.mu.Lock()
		for _, r := range rec.reports {
			if r.Kind == vrrp.ReportTimerLate {
				late = append(late, r.Late)
			}
		}
		rec.mu.Unlock()
		if diff := cmp.Diff([]time.Duration{700 * time.Millisecond}, late); diff != "" {
			t.Errorf("late reports (-want +got):\n%s", diff)
		}
	})
}

const mdi100 = 3*time.Second + 156*time.Second/256

func TestInstanceControlBeforeStart(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := &recorder{}
		in, err := vrrp.NewInstance(vrrp.Config{Name: "VI_1", VRID: 1, Version: 2, Priority: 100,
			Addrs: vips, Source: netip.MustParseAddr("192.0.2.11")}, vrrp.Outputs{Reporter: rec})
		if err != nil {
			t.Fatal(err)
		}
		for p := range 100 { // more than any channel buffer: must not block
			in.SetPriority(100 + p)
		}
		in.SetFault(true)
		if in.Priority() != 199 || in.State() != vrrp.StateInit {
			t.Fatalf("before start: priority %d state %v", in.Priority(), in.State())
		}
		in.Start()
		synctest.Wait()
		if in.State() != vrrp.StateFault {
			t.Errorf("state %v after starting with a fault, want FAULT", in.State())
		}
		in.SetFault(false)
		synctest.Wait()
		if in.State() != vrrp.StateBackup {
			t.Errorf("state %v after clearing the fault, want BACKUP", in.State())
		}
		in.Close()
	})
}

// orderLog records the calls of all outputs in one sequence.
type orderLog struct {
	mu  sync.Mutex
	log []string
}

func (o *orderLog) add(s string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.log = append(o.log, s)
	return nil
}

type (
	orderSender    struct{ *orderLog }
	orderVIPs      struct{ *orderLog }
	orderAnnouncer struct{ *orderLog }
	orderReporter  struct{ *orderLog }
)

func (o orderSender) Send(_ netip.Addr, msg []byte) error {
	return o.add("advert " + map[bool]string{true: "prio 0", false: "prio 255"}[msg[2] == 0])
}
func (o orderVIPs) Own(own bool) error {
	return o.add(map[bool]string{true: "add vips", false: "remove vips"}[own])
}
func (o orderAnnouncer) Announce(int) error { return o.add("garp") }
func (o orderReporter) Report(r vrrp.Report) {
	if r.Kind == vrrp.ReportTransition {
		o.add("notify " + r.To.String())
	}
}

// TestInstanceOutputOrder: becoming master sends the advert first, then
// adds the VIPs, then announces them, then notifies; stopping resigns
// before removing the VIPs.
func TestInstanceOutputOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		o := &orderLog{}
		in, err := vrrp.NewInstance(vrrp.Config{Name: "VI_1", VRID: 1, Version: 2, Priority: 255, WantMaster: true,
			Addrs: vips, Source: netip.MustParseAddr("192.0.2.11"), GARP: vrrp.GARPConfig{MasterRepeat: 1}},
			vrrp.Outputs{Sender: orderSender{o}, VIPs: orderVIPs{o}, Announcer: orderAnnouncer{o}, Reporter: orderReporter{o}})
		if err != nil {
			t.Fatal(err)
		}
		in.Start()
		synctest.Wait()
		in.Close()
		want := []string{"advert prio 255", "add vips", "garp", "notify MASTER", "advert prio 0", "remove vips", "notify STOP"}
		if diff := cmp.Diff(want, o.log); diff != "" {
			t.Errorf("output order (-want +got):\n%s", diff)
		}
	})
}
