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

// recordingRouting counts the host's Add and Delete calls.
type recordingRouting struct{ adds, deletes int }

func (r *recordingRouting) Add(netif.Items) error         { r.adds++; return nil }
func (r *recordingRouting) Delete(netif.Items) error      { r.deletes++; return nil }
func (r *recordingRouting) RouteTable(string) (int, bool) { return 0, false }

// TestRestoreAfterRelease: a VIP deleted behind our back is put back
// while the instance owns its VIPs, and not once it released them (a
// link that went down took the address and faulted the instance: the
// restore and the release race, and a restore that came second left the
// VIP on a faulted router).
func TestRestoreAfterRelease(t *testing.T) {
	for _, owned := range []bool{true, false} {
		r := &recordingRouting{}
		vips := &vipOwner{routing: r, set: ownedSet{addrs: []netif.Addr{{Prefix: netip.MustParsePrefix("2001:db8::173/64"), Dev: "eth0"}}}}
		if err := vips.Own(true); err != nil {
			t.Fatal(err)
		}
		if !owned {
			if err := vips.Own(false); err != nil {
				t.Fatal(err)
			}
		}
		adds := r.adds
		restored, err := vips.restore()
		if err != nil {
			t.Fatal(err)
		}
		if restored != owned || (r.adds > adds) != owned {
			t.Errorf("owned %v: restore reported %v and added %d time(s), want %v", owned, restored, r.adds-adds, owned)
		}
		if _, still := vips.freeze(); still != owned {
			t.Errorf("owned %v: after the restore the owner believes it owns its VIPs: %v", owned, still)
		}
	}
}
