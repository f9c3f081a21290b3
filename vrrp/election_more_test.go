package vrrp_test

import (
	"net/netip"
	"testing"
	"testing/synctest"
	"time"

	"github.com/goalived/goalived/vrrp"
)

// TestV3BackupAdoptsMasterInterval: the backup (advert_int 1 s) follows the
// master's 200 ms interval, so it notices a crashed master after
// 3*0.2 s + skew, not after 3.6 s.
func TestV3BackupAdoptsMasterInterval(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		net := newNetwork(t, 5, vrrp.RealClock())
		a := net.add(200, func(c *vrrp.Config) { c.Version = 3; c.Interval = 200 * time.Millisecond })
		b := net.add(100, func(c *vrrp.Config) { c.Version = 3 })
		net.startAll()
		time.Sleep(5 * time.Second)
		synctest.Wait()
		net.checkSingleMaster(a)
		crash := time.Now()
		a.in.CloseKeepVIPs() // no priority 0 advert: like a crash
		time.Sleep(3 * time.Second)
		synctest.Wait()
		var took time.Duration
		for _, tr := range net.rec.transitions() {
			if tr.Instance == b.name && tr.To == vrrp.StateMaster {
				took = tr.Time.Sub(crash)
			}
		}
		limit := 600*time.Millisecond + 156*200*time.Millisecond/256
		if took <= 0 || took > limit {
			t.Errorf("backup took over %v after the crash, want within %v", took, limit)
		}
	})
}

// TestVIPListMismatchStillElectsOne: unlike keepalived 2.2.7 (persistent
// dual master) adverts with another VIP list are accepted
// and reported.
func TestVIPListMismatchStillElectsOne(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		net := newNetwork(t, 6, vrrp.RealClock())
		a := net.add(150, func(c *vrrp.Config) { c.Addrs = append(vips[:1:1], netip.MustParseAddr("198.51.100.11")) })
		b := net.add(100, nil)
		net.startAll()
		time.Sleep(10 * time.Second)
		synctest.Wait()
		net.checkSingleMaster(a)
		if st := b.in.Stats(); st.AddrListErr == 0 || st.AdvertReceived == 0 {
			t.Errorf("backup stats %+v: want address list errors counted and adverts accepted", st)
		}
		mismatches := 0
		net.rec.mu.Lock()
		for _, r := range net.rec.reports {
			if r.Kind == vrrp.ReportAddrMismatch && r.Instance == b.name && r.Peer == a.addr {
				mismatches++
			}
		}
		net.rec.mu.Unlock()
		if mismatches == 0 {
			t.Error("no address list mismatch reported")
		}
	})
}

// TestUnicastElection: two unicast routers elect over the segment; a third
// host multicasting a better advert is ignored (wrong destination mode).
func TestUnicastElection(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		net := newNetwork(t, 7, vrrp.RealClock())
		ip := func(i byte) netip.Addr { return netip.AddrFrom4([4]byte{192, 0, 2, 10 + i}) }
		uni := func(peer netip.Addr) func(*vrrp.Config) {
			return func(c *vrrp.Config) { c.Unicast = true; c.Peers = []vrrp.Peer{{Addr: peer}} }
		}
		a := net.add(100, uni(ip(1)))
		b := net.add(120, uni(ip(0)))
		net.add(250, nil) // multicast router for the same VRID
		net.startAll()
		time.Sleep(10 * time.Second)
		synctest.Wait()
		if a.in.State() != vrrp.StateBackup || b.in.State() != vrrp.StateMaster {
			t.Fatalf("unicast pair:\n%s", net.describe())
		}
		if d := a.in.Stats().Drops[vrrp.DropDestination]; d == 0 {
			t.Error("multicast adverts were not dropped by the unicast instance")
		}
	})
}
