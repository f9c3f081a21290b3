package netif

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestAnnounceSurvivesErrors: a send error does not end a burst. The
// sender fails the first sends with ENETDOWN (a link that just came
// back) or for one address permanently; every packet is still attempted
// in keepalived's order, transient ones are retried, and Stats counts it.
func TestAnnounceSurvivesErrors(t *testing.T) {
	ms := time.Millisecond
	a4, b4 := netip.MustParseAddr("192.0.2.100"), netip.MustParseAddr("192.0.2.101")
	for _, tc := range []struct {
		name      string
		fail      error
		failFirst func(n int, ip netip.Addr) bool
		want      []sent
		wantStats AnnounceStats
		wantErr   string // substring; "" = nil
	}{
		{
			name: "enetdown for the first two sends: retried, full burst",
			fail: syscall.ENETDOWN, failFirst: func(n int, _ netip.Addr) bool { return n < 2 },
			want: []sent{
				{60 * ms, "eth0", "192.0.2.100"}, {60 * ms, "eth0", "192.0.2.101"},
				{60 * ms, "eth0", "192.0.2.100"}, {60 * ms, "eth0", "192.0.2.101"},
			},
			wantStats: AnnounceStats{Ifname: "eth0", Sent: 4, Retried: 2},
		},
		{
			name: "enobufs once in the middle",
			fail: syscall.ENOBUFS, failFirst: func(n int, _ netip.Addr) bool { return n == 2 },
			want: []sent{
				{0, "eth0", "192.0.2.100"}, {0, "eth0", "192.0.2.101"},
				{10 * ms, "eth0", "192.0.2.100"}, {10 * ms, "eth0", "192.0.2.101"},
			},
			wantStats: AnnounceStats{Ifname: "eth0", Sent: 4, Retried: 1},
		},
		{
			name: "permanent error on one address: the other still sent, no retry",
			fail: syscall.EINVAL, failFirst: func(_ int, ip netip.Addr) bool { return ip == a4 },
			want:      []sent{{0, "eth0", "192.0.2.101"}, {0, "eth0", "192.0.2.101"}},
			wantStats: AnnounceStats{Ifname: "eth0", Sent: 2, Failed: 2},
			wantErr:   "2 of 4 announcements on eth0 failed, last: announce 192.0.2.100 on eth0: invalid argument",
		},
		{
			name: "link stays down: budget spent, then one try per packet",
			fail: syscall.ENETDOWN,
			// 10+50+200+500 ms for the first packet, 10+50+200+500 for
			// the second, then 10+50+200 for the third and the
			// budget of 2 s is spent: the fourth packet gets one try.
			want:      nil,
			wantStats: AnnounceStats{Ifname: "eth0", Failed: 4, Retried: 11},
			wantErr:   "4 of 4 announcements on eth0 failed",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := &fakeSender{start: time.Now(), fail: tc.fail, failFirst: tc.failFirst}
				a := newAnnouncer(AnnouncerConfig{}, f)
				err := a.Announce("eth0", []netip.Addr{a4, b4}, 2)
				if got := fmt.Sprint(err); tc.wantErr == "" && err != nil || tc.wantErr != "" && !strings.Contains(got, tc.wantErr) {
					t.Errorf("Announce: %v, want %q", err, tc.wantErr)
				}
				if diff := cmp.Diff(tc.want, f.log); diff != "" {
					t.Errorf("sends (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff([]AnnounceStats{tc.wantStats}, a.Stats()); diff != "" {
					t.Errorf("stats (-want +got):\n%s", diff)
				}
			})
		})
	}
}

// TestAnnounceTwoInstancesAfterFlap is the scenario: two
// instances become master while the link is still coming back. Both get
// their full burst.
func TestAnnounceTwoInstancesAfterFlap(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		up := time.Now().Add(30 * time.Millisecond)
		f := &fakeSender{start: time.Now(), fail: syscall.ENETDOWN,
			failFirst: func(int, netip.Addr) bool { return time.Now().Before(up) }}
		a := newAnnouncer(AnnouncerConfig{}, f)
		done := make(chan error, 2)
		for _, vip := range []string{"192.0.2.100", "192.0.2.200"} {
			go func() { done <- a.Announce("eth0", []netip.Addr{netip.MustParseAddr(vip)}, 5) }()
		}
		for range 2 {
			if err := <-done; err != nil {
				t.Error(err)
			}
		}
		count := map[string]int{}
		for _, s := range f.log {
			count[s.IP]++
		}
		if diff := cmp.Diff(map[string]int{"192.0.2.100": 5, "192.0.2.200": 5}, count); diff != "" {
			t.Errorf("packets per VIP (-want +got):\n%s", diff)
		}
	})
}

// TestAnnounceWaitsForRunningLink: after ENETDOWN a burst waits until
// the link runs again before it sends (a send that succeeds before the
// kernel activated the device's queue is dropped without an error), so
// every packet leaves after the link is back.
func TestAnnounceWaitsForRunningLink(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		// The send works from 20 ms, the device runs from 100 ms.
		f := &fakeSender{start: start, fail: syscall.ENETDOWN,
			failFirst: func(int, netip.Addr) bool { return time.Since(start) < 20*time.Millisecond },
			down:      func() bool { return time.Since(start) < 100*time.Millisecond }}
		a := newAnnouncer(AnnouncerConfig{}, f)
		if err := a.Announce("eth0", []netip.Addr{netip.MustParseAddr("192.0.2.100")}, 3); err != nil {
			t.Fatal(err)
		}
		if len(f.log) != 3 {
			t.Fatalf("%d packets sent, want 3", len(f.log))
		}
		for _, s := range f.log {
			if s.At < 100*time.Millisecond {
				t.Errorf("a packet left at %v, before the link ran again (100ms)", s.At)
			}
		}
		if f.polled == 0 {
			t.Error("the link's state was never read")
		}
	})
}

// TestAnnounceNoLinkLayer: an interface without a link-layer address
// (lo, tun) gets no packet and no error, as keepalived, and is counted.
func TestAnnounceNoLinkLayer(t *testing.T) {
	f := &fakeSender{start: time.Now(), fail: errNoLinkLayer}
	a := newAnnouncer(AnnouncerConfig{}, f)
	if err := a.Announce("lo", []netip.Addr{netip.MustParseAddr("192.0.2.255")}, 5); err != nil {
		t.Errorf("Announce on lo: %v, want nil", err)
	}
	if f.sends != 1 {
		t.Errorf("%d send attempts, want 1 (the burst stops once the interface is known to take none)", f.sends)
	}
	want := []AnnounceStats{{Ifname: "lo", Skipped: 1}}
	if diff := cmp.Diff(want, a.Stats()); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
}

func TestTransient(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{syscall.ENETDOWN, true},
		{fmt.Errorf("send gratuitous arp: %w", syscall.ENOBUFS), true},
		{syscall.EINVAL, false},
		{errors.New("no such network interface"), false},
	} {
		if got := transient(tc.err); got != tc.want {
			t.Errorf("transient(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}
