package engine

import (
	"net/netip"
	"testing"

	"github.com/goalived/goalived/netif"
)

// TestAnnouncerSkipsWhenNoLongerMaster: a burst queued while master is
// dropped once the instance has yielded. The netif announcer is nil here,
// so reaching it would panic.
func TestAnnouncerSkipsWhenNoLongerMaster(t *testing.T) {
	vips := &vipOwner{set: ownedSet{addrs: []netif.Addr{{Prefix: netip.MustParsePrefix("192.0.2.1/32"), Dev: "eth0"}}}}
	x := &announcer{vips: vips, master: func() bool { return false }}
	if err := x.Announce(5); err != nil {
		t.Fatal(err)
	}
}
