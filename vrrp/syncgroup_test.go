package vrrp_test

import (
	"fmt"
	"net/netip"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/goalived/goalived/vrrp"
	"github.com/goalived/goalived/vrrp/vrrptest"
)

// A sync group test network: two routers X and Y, each running the
// members 1 (VRID 51 on link 0) and 2 (VRID 52 on link 1) of one group.
// Each link is its own segment, so a partition or an unplugged cable can
// hit one member's link only.
type sgNet struct {
	t       *testing.T
	links   [2]*vrrptest.Segment
	rec     *recorder
	routers [2]*sgRouter
}

type sgRouter struct {
	name  string
	addr  netip.Addr
	group *vrrp.SyncGroup
	ins   [2]*vrrp.Instance
	hosts [2]*host
	ports [2]*vrrptest.Port
}

// groupReporter records and lets the group follow its members.
type groupReporter struct {
	rec *recorder
	g   *vrrp.SyncGroup
}

func (r groupReporter) Report(rep vrrp.Report) {
	r.rec.Report(rep)
	r.g.Follow(rep)
}

func newSGNet(t *testing.T, prios [2][2]int) *sgNet {
	n := &sgNet{t: t, rec: &recorder{}}
	for i := range n.links {
		n.links[i] = vrrptest.NewSegment(vrrp.RealClock(), uint64(i+1))
	}
	for ri, name := range []string{"X", "Y"} {
		r := &sgRouter{name: name, addr: netip.AddrFrom4([4]byte{192, 0, 2, byte(10 + ri)}), group: vrrp.NewSyncGroup("G", false)}
		for m := range 2 {
			cfg := vrrp.Config{Name: fmt.Sprintf("%s%d", name, m+1), VRID: uint8(51 + m), Version: 2, Priority: uint8(prios[ri][m]),
				Interval: time.Second, Source: r.addr, GARP: vrrp.DefaultGARP(),
				Addrs: []netip.Addr{netip.AddrFrom4([4]byte{198, 51, 100, byte(10 + m)})}}
			r.hosts[m] = &host{}
			var in *vrrp.Instance
			r.ports[m] = n.links[m].Attach(r.addr, func(p vrrp.Packet) { in.Deliver(p) })
			var err error
			in, err = vrrp.NewInstance(cfg, vrrp.Outputs{Sender: r.ports[m], VIPs: r.hosts[m], Announcer: r.hosts[m],
				Reporter: groupReporter{n.rec, r.group}, Gate: r.group})
			if err != nil {
				t.Fatal(err)
			}
			r.ins[m] = in
			r.group.Join(in)
		}
		n.routers[ri] = r
	}
	t.Cleanup(func() {
		for _, r := range n.routers {
			for _, in := range r.ins {
				in.Close()
			}
		}
		for _, s := range n.links {
			s.Close()
		}
	})
	for _, r := range n.routers {
		for _, in := range r.ins {
			if err := in.Start(); err != nil {
				t.Fatal(err)
			}
		}
	}
	return n
}

func (n *sgNet) describe() string {
	s := ""
	for _, r := range n.routers {
		for m, in := range r.ins {
			owned, _ := r.hosts[m].state()
			s += fmt.Sprintf("  %s %v prio %d wants master %t owns vip %t\n", in.Name(), in.State(), in.Priority(), in.WantsMaster(), owned)
		}
	}
	return s
}

// holds checks that router ri is master of both members and owns both
// VIPs, and that the other router is in state other with no VIPs.
func (n *sgNet) holds(ri int, other vrrp.State) {
	n.t.Helper()
	for i, r := range n.routers {
		want := other
		if i == ri {
			want = vrrp.StateMaster
		}
		for m, in := range r.ins {
			owned, _ := r.hosts[m].state()
			if in.State() != want || owned != (i == ri) {
				n.t.Fatalf("want %s master of both members, the other %v:\n%s", n.routers[ri].name, other, n.describe())
			}
		}
	}
}

func (n *sgNet) wait(d time.Duration) {
	time.Sleep(d)
	synctest.Wait()
}

// transitionsOf returns the reasons of an instance's transitions to state.
func (n *sgNet) transitionsOf(name string, to vrrp.State) []vrrp.Reason {
	var out []vrrp.Reason
	for _, tr := range n.rec.transitions() {
		if tr.Instance == name && tr.To == to {
			out = append(out, tr.Reason)
		}
	}
	return out
}

func (n *sgNet) wantReports(name string) int {
	n.rec.mu.Lock()
	defer n.rec.mu.Unlock()
	c := 0
	for _, r := range n.rec.reports {
		if r.Instance == name && r.Kind == vrrp.ReportWantMaster {
			c++
		}
	}
	return c
}

func TestSyncGroupOnSegment(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := newSGNet(t, [2][2]int{{200, 200}, {100, 100}})
		x, y := n.routers[0], n.routers[1]
		n.wait(masterDown(100) + 2*time.Second)
		n.holds(0, vrrp.StateBackup)

		// Link 0 splits: Y1 no longer hears X1 and wants MASTER, but Y2
		// still hears X2, so the group holds Y1 back (no split brain).
		n.links[0].Partition([]netip.Addr{x.addr})
		n.wait(3 * masterDown(100))
		n.holds(0, vrrp.StateBackup)
		if !y.ins[0].WantsMaster() || n.wantReports("Y1") < 2 {
			t.Fatalf("Y1 wants master %t, %d want-master reports; want held at each down timer\n%s",
				y.ins[0].WantsMaster(), n.wantReports("Y1"), n.describe())
		}

		// Both links split: every member of Y wants MASTER, Y's group
		// goes MASTER as a whole.
		n.links[1].Partition([]netip.Addr{x.addr})
		n.wait(masterDown(100) + time.Second)
		for _, r := range n.routers {
			for _, in := range r.ins {
				if in.State() != vrrp.StateMaster {
					t.Fatalf("both partitioned: want every member master\n%s", n.describe())
				}
			}
		}

		// Link 0 heals: Y1 yields to X1 and takes Y2 to BACKUP with it,
		// although Y2 still cannot hear X2.
		n.links[0].Heal()
		n.wait(2 * time.Second)
		n.holds(0, vrrp.StateBackup)
		if got := n.transitionsOf("Y2", vrrp.StateBackup); !slices.Contains(got, vrrp.ReasonSyncGroup) {
			t.Errorf("Y2 went BACKUP for %v, want once for the sync group", got)
		}
		// And stays there: its wish is held while Y1 hears X1.
		n.wait(2 * masterDown(100))
		n.holds(0, vrrp.StateBackup)
		n.links[1].Heal()

		// X1's cable is pulled: its fault puts the whole group of X in
		// FAULT and Y takes both members over.
		x.ports[0].SetLink(false)
		x.group.SetFault("X1", true)
		n.wait(masterDown(100) + time.Second)
		n.holds(1, vrrp.StateFault)

		x.ports[0].SetLink(true)
		x.group.SetFault("X1", false)
		n.wait(masterDown(200) + 2*time.Second)
		n.holds(0, vrrp.StateBackup)
	})
}

// A member that alone would win stays BACKUP with its group: X1 (200)
// beats Y1 (110), but Y2 (150) beats X2 (100); Y's members want MASTER
// first, so Y holds both, and X1 is held back for good.
func TestSyncGroupPrefersBackup(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := newSGNet(t, [2][2]int{{200, 100}, {110, 150}})
		n.wait(4 * masterDown(100))
		n.holds(1, vrrp.StateBackup)
		if x1 := n.routers[0].ins[0]; !x1.WantsMaster() || n.wantReports("X1") < 2 {
			t.Errorf("X1 wants master %t with %d want-master reports, want held", x1.WantsMaster(), n.wantReports("X1"))
		}
		// X2 raised above Y2: now every member of X wants MASTER and X
		// takes both.
		n.routers[0].ins[1].SetPriority(200)
		n.wait(2 * masterDown(100))
		n.holds(0, vrrp.StateBackup)
	})
}

func TestSyncGroupOwnerWaitsForItsGroup(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g := vrrp.NewSyncGroup("G", false)
		mk := func(name string, prio uint8, wantMaster bool) *vrrp.Instance {
			in, err := vrrp.NewInstance(vrrp.Config{Name: name, VRID: prio, Version: 2, Priority: prio, WantMaster: wantMaster,
				Source: netip.MustParseAddr("192.0.2.10")}, vrrp.Outputs{Gate: g})
			if err != nil {
				t.Fatal(err)
			}
			g.Join(in)
			t.Cleanup(func() { in.Close() })
			return in
		}
		owner := mk("O", 255, true)
		mk("B", 100, false)
		if err := owner.Start(); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		if owner.State() != vrrp.StateBackup {
			t.Errorf("owner with a non-owner member started %v, want BACKUP", owner.State())
		}
		// B has not started, so it does not want MASTER.
		if g.MayBecomeMaster("O", vrrp.StateBackup) {
			t.Error("gate open although member B does not want MASTER")
		}
	})
}

func TestSyncGroupOwnersStartMaster(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g := vrrp.NewSyncGroup("G", false)
		var ins []*vrrp.Instance
		for i := range 2 {
			in, err := vrrp.NewInstance(vrrp.Config{Name: fmt.Sprint("O", i), VRID: uint8(51 + i), Version: 2, Priority: 255,
				WantMaster: true, Source: netip.MustParseAddr("192.0.2.10")}, vrrp.Outputs{Gate: g})
			if err != nil {
				t.Fatal(err)
			}
			g.Join(in)
			t.Cleanup(func() { in.Close() })
			ins = append(ins, in)
		}
		for _, in := range ins {
			if err := in.Start(); err != nil {
				t.Fatal(err)
			}
		}
		synctest.Wait()
		for _, in := range ins {
			if in.State() != vrrp.StateMaster {
				t.Errorf("%s: %v, want MASTER at start (every member an owner)", in.Name(), in.State())
			}
		}
	})
}

// Follow forces once per group change and never after a forced
// transition: a force that arrives after the group changed again must
// not bounce back (the members would force each other forever).
func TestSyncGroupFollowOncePerGroupChange(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g := vrrp.NewSyncGroup("G", false)
		var ins []*vrrp.Instance
		for i, name := range []string{"A", "B"} {
			in, err := vrrp.NewInstance(vrrp.Config{Name: name, VRID: uint8(51 + i), Version: 2, Priority: 100,
				Source: netip.MustParseAddr("192.0.2.10")}, vrrp.Outputs{Gate: g})
			if err != nil {
				t.Fatal(err)
			}
			g.Join(in)
			t.Cleanup(func() { in.Close() })
			if err := in.Start(); err != nil {
				t.Fatal(err)
			}
			ins = append(ins, in)
		}
		a, b := ins[0], ins[1]
		synctest.Wait()
		step := func(r vrrp.Report, wantA, wantB vrrp.State) {
			t.Helper()
			g.Follow(r)
			synctest.Wait()
			if a.State() != wantA || b.State() != wantB {
				t.Fatalf("after %s %v->%v (%v): A %v B %v, want %v %v", r.Instance, r.From, r.To, r.Reason,
					a.State(), b.State(), wantA, wantB)
			}
		}
		tr := func(name string, from, to vrrp.State, why vrrp.Reason) vrrp.Report {
			return vrrp.Report{Kind: vrrp.ReportTransition, Instance: name, From: from, To: to, Reason: why}
		}
		// A (say) became master: B is forced along; A's own state is the
		// test's, it stays BACKUP here.
		step(tr("A", vrrp.StateBackup, vrrp.StateMaster, vrrp.ReasonMasterDown), vrrp.StateBackup, vrrp.StateMaster)
		// B's forced transition is not followed: A stays BACKUP.
		step(tr("B", vrrp.StateBackup, vrrp.StateMaster, vrrp.ReasonSyncGroup), vrrp.StateBackup, vrrp.StateMaster)
		// A second MASTER while the group is MASTER forces nothing.
		b.ForceBackup()
		synctest.Wait()
		step(tr("A", vrrp.StateBackup, vrrp.StateMaster, vrrp.ReasonMasterDown), vrrp.StateBackup, vrrp.StateBackup)
		// Leaving MASTER for BACKUP takes the others to BACKUP, once.
		b.ForceMaster()
		synctest.Wait()
		step(tr("A", vrrp.StateMaster, vrrp.StateBackup, vrrp.ReasonHigherPriority), vrrp.StateBackup, vrrp.StateBackup)
		// The race that bounced forces: A went MASTER and back to BACKUP
		// before B's forced MASTER was reported; that stale report must
		// not take the group (and A) to MASTER again.
		b.ForceBackup()
		synctest.Wait()
		step(tr("A", vrrp.StateBackup, vrrp.StateMaster, vrrp.ReasonMasterDown), vrrp.StateBackup, vrrp.StateMaster)
		step(tr("A", vrrp.StateMaster, vrrp.StateBackup, vrrp.ReasonHigherPriority), vrrp.StateBackup, vrrp.StateBackup)
		step(tr("B", vrrp.StateBackup, vrrp.StateMaster, vrrp.ReasonSyncGroup), vrrp.StateBackup, vrrp.StateBackup)
		step(tr("B", vrrp.StateMaster, vrrp.StateBackup, vrrp.ReasonSyncGroup), vrrp.StateBackup, vrrp.StateBackup)
		// Both of A's reports before B handles its forces: the stale
		// ForceMaster is refused by the gate (the group is BACKUP again
		// and A does not want MASTER), so B is never master meanwhile.
		became := b.Stats().BecameMaster
		g.Follow(tr("A", vrrp.StateBackup, vrrp.StateMaster, vrrp.ReasonMasterDown))
		g.Follow(tr("A", vrrp.StateMaster, vrrp.StateBackup, vrrp.ReasonHigherPriority))
		synctest.Wait()
		if b.State() != vrrp.StateBackup || b.Stats().BecameMaster != became {
			t.Errorf("B %v, became master %d times more; want BACKUP throughout", b.State(), b.Stats().BecameMaster-became)
		}
		// Other report kinds are ignored.
		step(vrrp.Report{Kind: vrrp.ReportWantMaster, Instance: "A"}, vrrp.StateBackup, vrrp.StateBackup)
	})
}
