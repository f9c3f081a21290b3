package netif_test

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

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

// watch starts a Watcher closed at the end of the test.
func watch(t *testing.T, addrs *netif.Addrs) *netif.Watcher {
	t.Helper()
	w, err := addrs.Watch()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}

func TestIntegrationWatch(t *testing.T) {
	lab := nstest.New(t, nstest.Hosts(1))
	addrs := openAddrs(t, lab, 0)
	w := watch(t, addrs)
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

// IPv6 addresses come with their prefix; a subscription whose receive
// buffer overflows (events nobody reads) ends with WatchFailed, not with
// a silent gap.
func TestIntegrationWatchIPv6AndOverrun(t *testing.T) {
	lab := nstest.New(t, nstest.Hosts(1))
	addrs := openAddrs(t, lab, 0)
	w := watch(t, addrs)
	vip6 := netip.MustParsePrefix("2001:db8:0:7::5/64")
	lab.Exec(0, "ip", "addr", "add", vip6.String(), "dev", "eth0", "nodad")
	waitEvent(t, w, "IPv6 addr-added", func(e netif.Event) bool { return e.Kind == netif.AddrAdded && e.Addr == vip6 })
	w.Close()

	// The smallest buffer the kernel allows (it doubles and floors the
	// value) holds a few dozen messages; 500 addresses overflow it while
	// the 64 events of the channel are not read.
	if err := addrs.SetBufs(netif.NetlinkBufs{Monitor: 1, MonitorForce: true}); err != nil {
		t.Fatal(err)
	}
	w = watch(t, addrs)
	var batch strings.Builder
	for i := range 500 {
		fmt.Fprintf(&batch, "addr add 198.51.100.%d/32 dev eth0\n", i%250+1)
		if i == 249 {
			batch.WriteString("addr flush dev eth0 to 198.51.100.0/24\n")
		}
	}
	file := filepath.Join(t.TempDir(), "batch")
	if err := os.WriteFile(file, []byte(batch.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	lab.Exec(0, "ip", "-batch", file)
	timeout := time.After(10 * time.Second)
	for n := 0; ; n++ {
		select {
		case ev, open := <-w.Events():
			if !open {
				t.Fatalf("events closed after %d without WatchFailed", n)
			}
			if ev.Kind == netif.WatchFailed {
				if !errors.Is(ev.Err, unix.ENOBUFS) {
					t.Errorf("WatchFailed: %v, want ENOBUFS", ev.Err)
				}
				return
			}
		case <-timeout:
			t.Fatalf("no WatchFailed within 10 s after %d events from 750 changes into a small buffer", n)
		}
	}
}
