package engine

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/goalived/goalived/netif"
	"github.com/goalived/goalived/netif/nstest"
	"github.com/goalived/goalived/vrrp"
)

// TestIntegrationVIPInstallRetried: an install that fails (here: the
// device does not exist yet) is retried while the instance stays master,
// and never after it released its addresses.
func TestIntegrationVIPInstallRetried(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		release  bool // Own(false) before the device appears
		wantAddr bool
	}{
		{name: "retried until it works", wantAddr: true},
		{name: "not retried after release", release: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lab := nstest.New(t, nstest.Hosts(1))
			addrs, err := netif.OpenAddrs(lab.NetNS(0))
			if err != nil {
				t.Fatal(err)
			}
			restored := make(chan struct{}, 1)
			v := &vipOwner{routing: addrs, clock: vrrp.RealClock(), retry: 20 * time.Millisecond, restored: func() { restored <- struct{}{} },
				set: ownedSet{addrs: []netif.Addr{{Prefix: netip.MustParsePrefix("192.0.2.200/32"), Dev: "vr0"}}}}
			if err := v.Own(true); err == nil {
				t.Fatal("installing on a missing device succeeded")
			}
			if tc.release {
				if err := v.Own(false); err == nil {
					t.Log("release of a missing device reported no error")
				}
			}
			lab.Exec(0, "ip", "link", "add", "vr0", "type", "veth", "peer", "name", "vr1")
			lab.Exec(0, "ip", "link", "set", "vr0", "up")
			select {
			case <-restored:
				if !tc.wantAddr {
					t.Fatal("installed after the release")
				}
			case <-time.After(10 * 20 * time.Millisecond):
				if tc.wantAddr {
					t.Fatal("not installed 10 retry periods after the device appeared")
				}
			}
			out := lab.Exec(0, "ip", "-4", "addr", "show", "dev", "vr0")
			if has := strings.Contains(out, "192.0.2.200/32"); has != tc.wantAddr {
				t.Errorf("address on vr0: %t, want %t:\n%s", has, tc.wantAddr, out)
			}
		})
	}
}
