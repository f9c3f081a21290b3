package netif_test

import (
	"net/netip"
	"testing"
	"time"

	"github.com/goalived/goalived/netif"
	"github.com/goalived/goalived/netif/nstest"
)

// waitEvent returns the first event satisfying ok, failing after 5 s.
func waitEvent(t *testing.T, w *netif.Watcher, what string, ok func(netif.Event) bool) netif.Event {
	t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case ev, open := <-w.Events():
			if !open {
				t.Fatalf("waiting for %s: events closed", what)
			}
			if ev.Kind == netif.WatchFailed {
				t.Fatalf("waiting for %s: %v", what, ev.Err)
			}
			if ok(ev) {
				return ev
			}
		case <-timeout:
			t.Fatalf("no %s event within 5s", what)
		}
	}
}

func TestIntegrationWatch(t *testing.T) {
	lab := nstest.New(t, nstest.Hosts(1))
	addrs := openAddrs(t, lab, 0)
	w, err := addrs.Watch()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	vip := netip.MustParsePrefix("192.0.2.150/32")
	idx := lab.Host(0).Index

	lab.Exec(0, "ip", "addr", "add", vip.String(), "dev", "eth0")
	ev := waitEvent(t, w, "addr-added", func(e netif.Event) bool { return e.Kind == netif.AddrAdded && e.Addr == vip })
	if ev.IfIndex != idx || ev.Ifname != "eth0" {
		t.Errorf("addr-added on %d %q, want %d eth0", ev.IfIndex, ev.Ifname, idx)
	}
	// A VIP deleted from outside, as keepalived's netlink handler sees it.
	lab.Exec(0, "ip", "addr", "del", vip.String(), "dev", "eth0")
	waitEvent(t, w, "addr-removed", func(e netif.Event) bool { return e.Kind == netif.AddrRemoved && e.Addr == vip })

	lab.Exec(0, "ip", "link", "set", "eth0", "down")
	waitEvent(t, w, "link down", func(e netif.Event) bool {
		return e.Kind == netif.LinkChanged && e.IfIndex == idx && !e.Up && !e.Running
	})
	lab.Exec(0, "ip", "link", "set", "eth0", "up")
	waitEvent(t, w, "link up", func(e netif.Event) bool {
		return e.Kind == netif.LinkChanged && e.Ifname == "eth0" && e.Up && e.Running
	})
	lab.Exec(0, "ip", "link", "add", "gltmp0", "type", "veth", "peer", "name", "gltmp1")
	lab.Exec(0, "ip", "link", "del", "gltmp0")
	waitEvent(t, w, "link deleted", func(e netif.Event) bool { return e.Kind == netif.LinkDeleted && e.Ifname == "gltmp0" })

	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	w.Close() // idempotent
	for range w.Events() {
	}
}
