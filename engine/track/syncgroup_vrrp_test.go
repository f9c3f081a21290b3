package track_test

import (
	"net/netip"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/goalived/goalived/engine/track"
	"github.com/goalived/goalived/engine/track/tracktest"
	"github.com/goalived/goalived/script"
	"github.com/goalived/goalived/vrrp"
	"github.com/goalived/goalived/vrrp/vrrptest"
)

// A router runs the members of a sync group on real vrrp state machines,
// one segment per member, with a Tracker over fakes: the engine's wiring
// in miniature (the reporter calls MemberTransition around the member's
// own notify, Groups is every member's Gate).
type router struct {
	r   *rig
	vis map[string]*vrrp.Instance
}

// vipHost is a member's VIPs and announcements, in memory.
type vipHost struct {
	mu    sync.Mutex
	owned bool
}

func (h *vipHost) Own(own bool) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.owned = own
	return nil
}

func (h *vipHost) Announce(int) error { return nil }

// groupReporter is the engine's reporter for what the FIFO shows.
type groupReporter struct {
	host   *tracktest.Host
	groups *track.Groups
}

func (g groupReporter) Report(rep vrrp.Report) {
	if rep.Kind != vrrp.ReportTransition {
		return
	}
	g.groups.MemberTransition(rep.Instance, rep.To, true)
	if rep.To != vrrp.StateInit {
		g.host.Record(script.Transition{Name: rep.Instance, State: rep.To.String(), Priority: int(rep.Priority)})
	}
	g.groups.MemberTransition(rep.Instance, rep.To, false)
}

func newRouter(t *testing.T, conf string, addr netip.Addr, links map[string]*vrrptest.Segment) *router {
	t.Helper()
	r := newRig(t, conf)
	rt := &router{r: r, vis: map[string]*vrrp.Instance{}}
	r.list = nil
	for _, pin := range r.cfg.Instances {
		// The other router may send before this one's instance exists.
		var deliver atomic.Pointer[vrrp.Instance]
		port := links[pin.Name].Attach(addr, func(p vrrp.Packet) {
			if vi := deliver.Load(); vi != nil {
				vi.Deliver(p)
			}
		})
		cfg := vrrp.Config{Name: pin.Name, VRID: uint8(pin.VRID), Version: 3, Priority: uint8(pin.Priority), Interval: pin.AdvertInt,
			Source: addr, GARP: vrrp.DefaultGARP(), Addrs: []netip.Addr{netip.AddrFrom4([4]byte{198, 51, 100, byte(pin.VRID)})}}
		vi, err := vrrp.NewInstance(cfg, vrrp.Outputs{Sender: port, VIPs: &vipHost{}, Announcer: &vipHost{},
			Reporter: groupReporter{r.host, r.groups}, Gate: r.groups})
		if err != nil {
			t.Fatal(err)
		}
		deliver.Store(vi)
		t.Cleanup(func() { vi.Close() })
		rt.vis[pin.Name] = vi
		in := tracktest.NewVRRPInstance(pin, vi)
		r.insts[pin.Name] = in
		r.list = append(r.list, in)
	}
	r.start()
	for _, vi := range rt.vis {
		if err := vi.Start(); err != nil {
			t.Fatal(err)
		}
	}
	return rt
}

func (rt *router) states() map[string]vrrp.State {
	out := map[string]vrrp.State{}
	for name, vi := range rt.vis {
		out[name] = vi.State()
	}
	return out
}

// TestSyncGroupOnSegment: two routers with the same two-member group, as
// TestIntegrationSyncGroup runs them in namespaces. A's weight-0 file
// tracked by VI_1 alone faults A's whole group, B takes both members; the
// group notifies once per group transition, its initial state before its
// members', later ones after them.
func TestSyncGroupOnSegment(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		group := "vrrp_sync_group G {\n    group {\n        VI_1\n        VI_2\n    }\n}\n"
		links := map[string]*vrrptest.Segment{"VI_1": vrrptest.NewSegment(vrrp.RealClock(), 1), "VI_2": vrrptest.NewSegment(vrrp.RealClock(), 2)}
		defer links["VI_1"].Close()
		defer links["VI_2"].Close()
		confA := "track_file fail {\n    file /run/fail\n    weight 0\n}\n" + group +
			instance("VI_1", 1, 200, "    track_file {\n        fail\n    }") + instance("VI_2", 2, 200, "")
		confB := group + instance("VI_1", 1, 100, "") + instance("VI_2", 2, 100, "")
		a := newRouter(t, confA, netip.MustParseAddr("192.0.2.1"), links)
		b := newRouter(t, confB, netip.MustParseAddr("192.0.2.2"), links)
		master := map[string]vrrp.State{"VI_1": vrrp.StateMaster, "VI_2": vrrp.StateMaster}
		backup := map[string]vrrp.State{"VI_1": vrrp.StateBackup, "VI_2": vrrp.StateBackup}
		fault := map[string]vrrp.State{"VI_1": vrrp.StateFault, "VI_2": vrrp.StateFault}
		check := func(step string, wantA, wantB map[string]vrrp.State) {
			t.Helper()
			time.Sleep(10 * time.Second)
			synctest.Wait()
			if diff := cmp.Diff(wantA, a.states()); diff != "" {
				t.Errorf("%s: router A (-want +got):\n%s", step, diff)
			}
			if diff := cmp.Diff(wantB, b.states()); diff != "" {
				t.Errorf("%s: router B (-want +got):\n%s", step, diff)
			}
		}
		check("start", master, backup)
		a.r.sys.Files.Write("/run/fail", "1")
		check("A's VI_1 faulted", fault, master)
		a.r.sys.Files.Write("/run/fail", "0")
		check("recovered: A preempts", master, backup)

		groupLines := func(lines []string) []string {
			return slices.DeleteFunc(slices.Clone(lines), func(l string) bool { return !strings.HasPrefix(l, "GROUP") })
		}
		linesA := a.r.host.Lines()
		want := []string{`GROUP "G" BACKUP 0`, `GROUP "G" MASTER 0`, `GROUP "G" FAULT 0`, `GROUP "G" BACKUP 0`, `GROUP "G" MASTER 0`}
		if diff := cmp.Diff(want, groupLines(linesA)); diff != "" {
			t.Errorf("router A group lines (-want +got):\n%s", diff)
		}
		if linesA[0] != `GROUP "G" BACKUP 0` {
			t.Errorf("router A's first line %q, want the group's initial BACKUP before its members'", linesA[0])
		}
		g := slices.Index(linesA, `GROUP "G" FAULT 0`)
		for _, m := range []string{`INSTANCE "VI_1" FAULT 200`, `INSTANCE "VI_2" FAULT 200`} {
			if i := slices.Index(linesA, m); i < 0 || i > g {
				t.Errorf("router A: %q at %d, want before the group's FAULT at %d:\n%s", m, i, g, strings.Join(linesA, "\n"))
			}
		}
		want = []string{`GROUP "G" BACKUP 0`, `GROUP "G" MASTER 0`, `GROUP "G" BACKUP 0`}
		if diff := cmp.Diff(want, groupLines(b.r.host.Lines())); diff != "" {
			t.Errorf("router B group lines (-want +got):\n%s", diff)
		}
	})
}
