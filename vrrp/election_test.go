package vrrp_test

import (
	"math/rand/v2"
	"net/netip"
	"testing"
	"testing/synctest"
	"time"

	"github.com/goalived/goalived/vrrp"
)

// Inside a synctest bubble the real clock is virtual: time.Sleep returns
// as soon as every goroutine is blocked, and no real seconds pass.

func TestElectionSizes(t *testing.T) {
	for n := 2; n <= 8; n++ {
		t.Run(string(rune('0'+n))+" routers", func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				net := newNetwork(t, uint64(n), vrrp.RealClock())
				rng := rand.New(rand.NewPCG(uint64(n), 1))
				for _, p := range rng.Perm(n) {
					net.add(50+10*p, nil)
				}
				net.seg.SetDelay(time.Millisecond, 5*time.Millisecond)
				net.startAll()
				time.Sleep(masterDown(50) + time.Second)
				synctest.Wait()
				net.checkSingleMaster(net.expected(nil))
			})
		})
	}
}

func TestElectionTieBreakOnHigherAddress(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		net := newNetwork(t, 1, vrrp.RealClock())
		for range 4 {
			net.add(100, nil)
		}
		// A wire delay, as on a real one: all four timers fire at the same
		// instant, before any of their adverts can arrive. Without it a
		// backup may hear the first new master's advert before handling its
		// own timer, and stay backup (also correct, but not this test).
		net.seg.SetDelay(time.Millisecond, time.Millisecond)
		net.startAll()
		time.Sleep(masterDown(100) + time.Second)
		synctest.Wait()
		// All time out together; masters resolve by the higher address.
		net.checkSingleMaster(net.routers[3])
	})
}

func TestPriorityZeroHandsOverWithinSkew(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		net := newNetwork(t, 2, vrrp.RealClock())
		a := net.add(100, nil)
		b := net.add(50, nil)
		net.add(20, nil)
		net.startAll()
		time.Sleep(10 * time.Second)
		synctest.Wait()
		net.checkSingleMaster(a)
		stop := time.Now()
		a.in.Close() // sends priority 0
		time.Sleep(2 * time.Second)
		synctest.Wait()
		var took time.Time
		for _, tr := range net.rec.transitions() {
			if tr.Instance == b.name && tr.To == vrrp.StateMaster {
				took = tr.Time
			}
		}
		skew := time.Duration(256-50) * time.Second / 256 // 0.8047 s, observed 0.807 s with keepalived
		if took.IsZero() || took.Sub(stop) > skew {
			t.Fatalf("%s took over %v after the priority 0 advert, want within skew %v", b.name, took.Sub(stop), skew)
		}
		if ms := net.masters(); len(ms) != 1 || ms[0] != b {
			t.Fatalf("masters %v, want %s", names(ms), b.name)
		}
	})
}

func TestPartitionHealReannounces(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		net := newNetwork(t, 3, vrrp.RealClock())
		a := net.add(200, nil)
		b := net.add(150, nil)
		c := net.add(100, nil)
		net.startAll()
		time.Sleep(10 * time.Second)
		synctest.Wait()
		net.checkSingleMaster(a)
		net.seg.Partition([]netip.Addr{a.addr})
		time.Sleep(masterDown(150) + time.Second)
		synctest.Wait()
		if b.in.State() != vrrp.StateMaster || c.in.State() != vrrp.StateBackup || a.in.State() != vrrp.StateMaster {
			t.Fatalf("during partition:\n%s", net.describe())
		}
		_, before := a.host.state()
		healed := time.Now()
		net.seg.Heal()
		time.Sleep(time.Second + 10*time.Millisecond)
		synctest.Wait()
		net.checkSingleMaster(a)
		if _, after := a.host.state(); after <= before {
			t.Errorf("surviving master announced %d rounds before the heal and %d after, want more", before, after)
		}
		if d := maxOverlap(net.rec.transitions(), time.Now()); d > masterDown(150)+2*time.Second {
			t.Errorf("dual master for %v", d)
		}
		_ = healed
	})
}
