package netif_test

import (
	"net/netip"
	"testing"

	"github.com/goalived/goalived/netif"
	"github.com/goalived/goalived/netif/nstest"
)

// TestIntegrationAnnounceRecreated: an interface deleted and made again
// under its name (a VMAC deleted from outside) gets its announcements at
// once, IPv4 and IPv6. Go resolves an IPv6 zone name through a cache it
// refreshes once a minute: an NA socket bound by name went to the old
// index and every send failed.
func TestIntegrationAnnounceRecreated(t *testing.T) {
	t.Parallel()
	lab := nstest.New(t, nstest.Hosts(1))
	vips := []netip.Addr{netip.MustParseAddr("192.0.2.100"), netip.MustParseAddr("2001:db8::100")}
	an := netif.NewAnnouncer(netif.AnnouncerConfig{})
	t.Cleanup(func() { an.Close() })
	addVMAC := func() {
		lab.Exec(0, "ip", "link", "add", "vm1", "link", "eth0", "type", "macvlan", "mode", "private")
		lab.Exec(0, "ip", "link", "set", "vm1", "up")
		lab.Exec(0, "ip", "addr", "add", "192.0.2.100/32", "dev", "vm1")
		lab.Exec(0, "ip", "addr", "add", "2001:db8::100/128", "dev", "vm1", "nodad")
	}
	announce := func(when string) {
		lab.Do(0, func() {
			if err := an.Announce("vm1", vips, 2); err != nil {
				t.Errorf("%s: %v", when, err)
			}
		})
	}
	addVMAC()
	announce("first")
	lab.Exec(0, "ip", "link", "del", "vm1")
	addVMAC()
	announce("after the interface was made again")
	for _, s := range an.Stats() {
		if s.Failed != 0 {
			t.Errorf("%+v: failed sends", s)
		}
	}
}
