package netiftest_test

import (
	"errors"
	"net/netip"
	"testing"

	"github.com/goalived/goalived/netif"
	"github.com/goalived/goalived/netif/netiftest"
	"github.com/google/go-cmp/cmp"
)

func TestAddrs(t *testing.T) {
	var a netiftest.Addrs
	v1 := netif.Addr{Prefix: netip.MustParsePrefix("192.0.2.100/32"), Dev: "eth0"}
	v2 := netif.Addr{Prefix: netip.MustParsePrefix("2001:db8::100/128"), Dev: "eth0"}
	for i := 0; i < 2; i++ {
		if err := a.Ensure([]netif.Addr{v1, v2}); err != nil {
			t.Fatal(err)
		}
	}
	a.Drop(v1)
	if ok, _ := a.Present(v1); ok {
		t.Error("v1 present after Drop")
	}
	if err := a.Ensure([]netif.Addr{v1, v2}); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	a.Fail(v2.Prefix.Addr(), boom)
	if err := a.Remove([]netif.Addr{v1, v2}); !errors.Is(err, boom) {
		t.Errorf("Remove with failing v2: %v", err)
	}
	a.Fail(v2.Prefix.Addr(), nil)
	if err := a.Remove([]netif.Addr{v1, v2, v2}); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"add 192.0.2.100/32 dev eth0", "add 2001:db8::100/128 dev eth0",
		"add 192.0.2.100/32 dev eth0", "del 192.0.2.100/32 dev eth0", "del 2001:db8::100/128 dev eth0",
	}
	if diff := cmp.Diff(want, a.Log()); diff != "" {
		t.Errorf("log (-want +got):\n%s", diff)
	}
}

func TestAnnouncer(t *testing.T) {
	var a netiftest.Announcer
	ips := []netip.Addr{netip.MustParseAddr("192.0.2.100")}
	if err := a.Announce("eth0", ips, 5); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	a.Fail(boom)
	if err := a.Announce("eth1", ips, 1); !errors.Is(err, boom) {
		t.Errorf("Announce after Fail: %v", err)
	}
	want := []netiftest.Announcement{{"eth0", ips, 5}, {"eth1", ips, 1}}
	if diff := cmp.Diff(want, a.Calls(), cmp.Comparer(func(x, y netip.Addr) bool { return x == y })); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}
