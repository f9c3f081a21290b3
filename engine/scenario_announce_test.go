package engine_test

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/goalived/goalived/engine"
	"github.com/goalived/goalived/netif"
	"github.com/goalived/goalived/vrrp"
	"github.com/goalived/goalived/vrrp/vrrptest"
)

// TestAnnounceEveryDevice: a burst whose first device fails (its link is
// down) still reaches the other devices, as keepalived 2.2.7 sends them
// all; the failure is logged and counted in AnnounceStats. The eth1 VIP
// has no_track: otherwise eth1 down keeps the instance in FAULT, as
// keepalived 2.2.7 tracks a VIP's interface.
func TestAnnounceEveryDevice(t *testing.T) {
	onSegment(t, func(t *testing.T, seg *vrrptest.Segment) {
		a := newNode(t, seg, "192.0.2.1/24")
		a.host.AddLink("eth1", nil, "198.51.100.1/24")
		a.host.SetLink("eth1", false)
		a.start(instance("VI_1", 51, 150, "198.51.100.100/32 dev eth1 no_track\n 192.0.2.100/32", "garp_master_repeat 2"), engine.Options{})
		wait(5 * time.Second)
		a.wantState("VI_1", vrrp.StateMaster)
		var eth0 int
		for _, an := range a.host.Announcements() {
			if an.Ifname == "eth0" && an.Addr == netip.MustParseAddr("192.0.2.100") {
				eth0++
			}
		}
		if eth0 != 2 {
			t.Errorf("eth0 got %d announcements, want the burst of 2", eth0)
		}
		want := []netif.AnnounceStats{{Ifname: "eth1", Failed: 2}, {Ifname: "eth0", Sent: 2}}
		if d := cmp.Diff(want, a.eng.AnnounceStats()); d != "" {
			t.Errorf("stats (-want +got):\n%s", d)
		}
		if !strings.Contains(a.log.String(), "announce on eth1") {
			t.Errorf("eth1's failure not logged:\n%s", a.log)
		}
	})
}
