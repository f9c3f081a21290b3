package vrrp_test

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"testing"
	"testing/synctest"
	"time"

	"github.com/goalived/goalived/vrrp"
)

const maxDelay = 50 * time.Millisecond // SetDelay base + jitter upper bound below

// TestRandomRunsConverge: after a chaotic phase (partitions, loss, delay,
// priority changes, faults) and a last change that heals everything, the
// router with the highest effective priority is the only master within
// Master_Down_Interval + one advert interval (+ the link delay), and stays so.
func TestRandomRunsConverge(t *testing.T) {
	for seed := uint64(1); seed <= 40; seed++ {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) { randomRun(t, seed) })
		})
	}
}

func randomRun(t *testing.T, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 42))
	net := newNetwork(t, seed, vrrp.RealClock())
	n := 2 + rng.IntN(7)
	version := uint8(2 + seed%2)
	for _, p := range rng.Perm(254)[:n] {
		net.add(p+1, func(c *vrrp.Config) { c.Version = version })
	}
	net.seg.SetDelay(time.Duration(rng.IntN(20))*time.Millisecond, time.Duration(1+rng.IntN(30))*time.Millisecond)
	net.seg.SetLoss(rng.Float64() * 0.3)
	net.startAll()
	faulty := map[*router]bool{}
	for range 12 {
		time.Sleep(time.Duration(rng.IntN(4000)) * time.Millisecond)
		chaos(rng, net, faulty)
	}
	// The last change: everything heals, priorities become distinct.
	net.seg.Heal()
	net.seg.SetLoss(0)
	for r := range faulty {
		r.in.SetFault(false)
	}
	for i, p := range rng.Perm(254)[:n] {
		net.routers[i].prio = p + 1
		net.routers[i].in.SetPriority(p + 1)
	}
	want := net.expected(nil)
	time.Sleep(masterDown(want.prio) + time.Second + maxDelay)
	synctest.Wait()
	net.checkSingleMaster(want)
	converged := len(net.rec.transitions())
	time.Sleep(20 * time.Second)
	synctest.Wait()
	net.checkSingleMaster(want)
	sent, delivered, lost := net.seg.Counts()
	t.Logf("%d routers v%d, master %s prio %d, %d transitions, %d copies sent, %d delivered, %d lost",
		n, version, want.name, want.prio, converged, sent, delivered, lost)
	if extra := net.rec.transitions()[converged:]; len(extra) > 0 {
		t.Errorf("transitions after convergence: %+v", extra)
	}
}

func chaos(rng *rand.Rand, net *network, faulty map[*router]bool) {
	r := net.routers[rng.IntN(len(net.routers))]
	switch rng.IntN(5) {
	case 0:
		var side []netip.Addr
		for _, x := range net.routers {
			if rng.IntN(2) == 0 {
				side = append(side, x.addr)
			}
		}
		net.seg.Partition(side)
	case 1:
		net.seg.Heal()
	case 2:
		r.prio = 1 + rng.IntN(254)
		r.in.SetPriority(r.prio)
	case 3:
		faulty[r] = !faulty[r]
		r.in.SetFault(faulty[r])
	case 4:
		net.seg.SetLoss(rng.Float64() * 0.5)
	}
}

// TestFastPreemptNoDualMaster: B (150) and C (200) join while A (100) is
// master. With FastPreempt both would preempt after their skew, but C's
// advert reaches B before B's longer skew ends, so B never becomes master
// and A and C overlap only for the link delay.
func TestFastPreemptNoDualMaster(t *testing.T) {
	for seed := uint64(1); seed <= 10; seed++ {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				rng := rand.New(rand.NewPCG(seed, 7))
				net := newNetwork(t, seed, vrrp.RealClock())
				fast := func(c *vrrp.Config) { c.FastPreempt = true }
				a, b, c := net.add(100, fast), net.add(150, fast), net.add(200, fast)
				net.seg.SetDelay(time.Duration(rng.IntN(20))*time.Millisecond, 30*time.Millisecond)
				if err := a.in.Start(); err != nil {
					t.Fatal(err)
				}
				time.Sleep(5*time.Second + time.Duration(rng.IntN(1000))*time.Millisecond)
				synctest.Wait()
				net.checkSingleMaster(a)
				joined := time.Now()
				b.in.Start()
				c.in.Start()
				time.Sleep(10 * time.Second)
				synctest.Wait()
				net.checkSingleMaster(c)
				var took time.Time
				for _, tr := range net.rec.transitions() {
					if tr.Instance == b.name && tr.To == vrrp.StateMaster {
						t.Errorf("%s became master at %v", b.name, tr.Time.Sub(joined))
					}
					if tr.Instance == c.name && tr.To == vrrp.StateMaster {
						took = tr.Time
					}
				}
				// C preempts one skew after A's next advert, not after the
				// master down interval.
				if d := took.Sub(joined); d > time.Second+maxDelay+56*time.Second/256 {
					t.Errorf("%s took over %v after joining", c.name, d)
				}
				if d := maxOverlap(net.rec.transitions(), time.Now()); d > maxDelay {
					t.Errorf("two masters for %v, want at most the link delay %v", d, maxDelay)
				}
			})
		})
	}
}
