package netif

import (
	"bytes"
	"errors"
	"net"
	"net/netip"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mdlayher/ndp"
)

type sent struct {
	At     time.Duration // since the start of the bubble
	Ifname string
	IP     string
}

type fakeSender struct {
	start time.Time
	fail  error
	// failFirst, if set, decides per send (counted from 0) whether it
	// fails with fail; nil fails every send when fail is set.
	failFirst func(n int, ip netip.Addr) bool
	sends     int
	// down, if set, says whether the link is down now (running).
	down   func() bool
	polled int // running calls
	mu     sync.Mutex
	log    []sent
	closed bool
}

func (f *fakeSender) prepare(string, bool) error { return nil }

func (f *fakeSender) send(ifname string, ip netip.Addr) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := f.sends
	f.sends++
	if f.fail != nil && (f.failFirst == nil || f.failFirst(n, ip)) {
		return f.fail
	}
	f.log = append(f.log, sent{time.Since(f.start), ifname, ip.String()})
	return nil
}

func (f *fakeSender) running(string) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.polled++
	return f.down == nil || !f.down(), nil
}

func (f *fakeSender) close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed = true
	return nil
}

func TestAnnouncePacing(t *testing.T) {
	ms := time.Millisecond
	a4, b4, a6 := netip.MustParseAddr("192.0.2.100"), netip.MustParseAddr("192.0.2.101"), netip.MustParseAddr("2001:db8::100")
	for _, tc := range []struct {
		name   string
		cfg    AnnouncerConfig
		ifname string
		addrs  []netip.Addr
		rounds int
		want   []sent
	}{
		{"no pacing, keepalived order", AnnouncerConfig{}, "eth0", []netip.Addr{a4, b4}, 2, []sent{
			{0, "eth0", "192.0.2.100"}, {0, "eth0", "192.0.2.101"}, {0, "eth0", "192.0.2.100"}, {0, "eth0", "192.0.2.101"}}},
		{"garp interval", AnnouncerConfig{Default: Pacing{GARP: 100 * ms}}, "eth0", []netip.Addr{a4, b4}, 2, []sent{
			{0, "eth0", "192.0.2.100"}, {100 * ms, "eth0", "192.0.2.101"}, {200 * ms, "eth0", "192.0.2.100"}, {300 * ms, "eth0", "192.0.2.101"}}},
		{"per interface", AnnouncerConfig{Default: Pacing{GARP: 100 * ms}, PerInterface: map[string]Pacing{"eth1": {GARP: 30 * ms}}},
			"eth1", []netip.Addr{a4, b4}, 1, []sent{{0, "eth1", "192.0.2.100"}, {30 * ms, "eth1", "192.0.2.101"}}},
		{"families paced apart", AnnouncerConfig{Default: Pacing{GARP: 100 * ms, NA: 10 * ms}}, "eth0", []netip.Addr{a4, a6}, 2, []sent{
			{0, "eth0", "192.0.2.100"}, {0, "eth0", "2001:db8::100"}, {100 * ms, "eth0", "192.0.2.100"}, {100 * ms, "eth0", "2001:db8::100"}}},
		{"zero rounds", AnnouncerConfig{}, "eth0", []netip.Addr{a4}, 0, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := &fakeSender{start: time.Now()}
				a := newAnnouncer(tc.cfg, f)
				if err := a.Announce(tc.ifname, tc.addrs, tc.rounds); err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tc.want, f.log); diff != "" {
					t.Errorf("sends (-want +got):\n%s", diff)
				}
			})
		})
	}
}

// TestAnnounceSharedPacing: two instances announcing on one interface at
// once share its pacing.
func TestAnnounceSharedPacing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fakeSender{start: time.Now()}
		a := newAnnouncer(AnnouncerConfig{Default: Pacing{GARP: 50 * time.Millisecond}}, f)
		var wg sync.WaitGroup
		for _, ip := range []string{"192.0.2.100", "192.0.2.200"} {
			wg.Go(func() {
				if err := a.Announce("eth0", []netip.Addr{netip.MustParseAddr(ip)}, 2); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		var at []time.Duration
		for _, s := range f.log {
			at = append(at, s.At)
		}
		want := []time.Duration{0, 50 * time.Millisecond, 100 * time.Millisecond, 150 * time.Millisecond}
		if diff := cmp.Diff(want, at); diff != "" {
			t.Errorf("send times (-want +got):\n%s", diff)
		}
	})
}

func TestAnnounceClose(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fakeSender{start: time.Now()}
		a := newAnnouncer(AnnouncerConfig{Default: Pacing{GARP: time.Hour}}, f)
		errc := make(chan error, 1)
		go func() { errc <- a.Announce("eth0", []netip.Addr{netip.MustParseAddr("192.0.2.100")}, 3) }()
		synctest.Wait() // the first packet is out, the second waits an hour
		if err := a.Close(); err != nil {
			t.Fatal(err)
		}
		if err := <-errc; !errors.Is(err, net.ErrClosed) {
			t.Errorf("Announce after Close: %v, want net.ErrClosed", err)
		}
		if len(f.log) != 1 || !f.closed {
			t.Errorf("sent %d packets, sender closed %v; want 1, true", len(f.log), f.closed)
		}
		if err := a.Close(); err != nil {
			t.Errorf("second Close: %v", err)
		}
	})
}

func TestAnnounceErrors(t *testing.T) {
	f := &fakeSender{start: time.Now()}
	a := newAnnouncer(AnnouncerConfig{}, f)
	for _, bad := range []netip.Addr{{}, netip.MustParseAddr("224.0.0.18"), netip.MustParseAddr("::")} {
		if err := a.Announce("eth0", []netip.Addr{netip.MustParseAddr("192.0.2.1"), bad}, 1); err == nil {
			t.Errorf("Announce with %v: no error", bad)
		}
	}
	if len(f.log) != 0 {
		t.Errorf("sent %v before rejecting a bad address", f.log)
	}
	f.fail = errors.New("boom")
	err := a.Announce("eth0", []netip.Addr{netip.MustParseAddr("192.0.2.1")}, 3)
	if !errors.Is(err, f.fail) || f.sends != 3 {
		t.Errorf("failing sender: %v after %d sends, want boom after 3 (a failure does not end the burst)", err, f.sends)
	}
}

func TestGARPFrame(t *testing.T) {
	// The frame keepalived 2.2.7 sent (reference 4.3.7).
	want := []byte{
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x6e, 0x3a, 0x33, 0x60, 0x75, 0x8a, 0x08, 0x06, 0x00, 0x01,
		0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x6e, 0x3a, 0x33, 0x60, 0x75, 0x8a, 0xc0, 0x00, 0x02, 0x64,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xc0, 0x00, 0x02, 0x64,
	}
	mac := net.HardwareAddr{0x6e, 0x3a, 0x33, 0x60, 0x75, 0x8a}
	got, err := garpFrame(mac, netip.MustParseAddr("192.0.2.100"))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) < len(want) || !bytes.Equal(got[:len(want)], want) {
		t.Errorf("frame\n got % x\nwant % x", got, want)
	}
	if _, err := garpFrame(mac, netip.MustParseAddr("2001:db8::1")); err == nil {
		t.Error("garp for an ipv6 address: no error")
	}
}

func TestUnsolicitedNA(t *testing.T) {
	mac := net.HardwareAddr{0x02, 0, 0x5e, 0x47, 0x4c, 1}
	ip := netip.MustParseAddr("2001:db8::100")
	for _, tc := range []struct {
		router bool
		flags  byte
	}{{false, 0x20}, {true, 0xa0}} {
		b, err := ndp.MarshalMessage(unsolicitedNA(mac, ip, tc.router))
		if err != nil {
			t.Fatal(err)
		}
		want := append([]byte{136, 0, 0, 0, tc.flags, 0, 0, 0}, ip.AsSlice()...)
		want = append(append(want, 2, 1), mac...) // target link-layer address option
		if !bytes.Equal(b, want) {
			t.Errorf("router %v: NA\n got % x\nwant % x", tc.router, b, want)
		}
	}
}
