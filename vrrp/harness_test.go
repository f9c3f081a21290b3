package vrrp_test

import (
	"fmt"
	"net/netip"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/goalived/goalived/vrrp"
	"github.com/goalived/goalived/vrrp/vrrptest"
)

var vips = []netip.Addr{netip.MustParseAddr("198.51.100.10")}

// recorder collects reports of all routers of a test network.
type recorder struct {
	mu      sync.Mutex
	reports []vrrp.Report
}

func (r *recorder) Report(rep vrrp.Report) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reports = append(r.reports, rep)
}

func (r *recorder) transitions() []vrrp.Report {
	r.mu.Lock()
	defer r.mu.Unlock()
	var ts []vrrp.Report
	for _, rep := range r.reports {
		if rep.Kind == vrrp.ReportTransition {
			ts = append(ts, rep)
		}
	}
	return ts
}

// host is the fake VIPs and Announcer of one router.
type host struct {
	mu        sync.Mutex
	owned     bool
	announced int
}

func (h *host) Own(own bool) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.owned = own
	return nil
}

func (h *host) Announce(rounds int) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.announced += rounds
	return nil
}

func (h *host) state() (bool, int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.owned, h.announced
}

type router struct {
	name string
	addr netip.Addr
	in   *vrrp.Instance
	host *host
	port *vrrptest.Port
	prio int // effective priority as last set
}

type network struct {
	t       *testing.T
	seg     *vrrptest.Segment
	rec     *recorder
	routers []*router
}

func newNetwork(t *testing.T, seed uint64, clock vrrp.Clock) *network {
	n := &network{t: t, seg: vrrptest.NewSegment(clock, seed), rec: &recorder{}}
	t.Cleanup(func() {
		for _, r := range n.routers {
			r.in.Close()
		}
		n.seg.Close()
	})
	return n
}

// add creates router i (address 192.0.2.(10+i)) with priority prio.
func (n *network) add(prio int, mod func(*vrrp.Config), opts ...vrrp.Option) *router {
	i := len(n.routers)
	r := &router{name: fmt.Sprintf("R%d", i), addr: netip.AddrFrom4([4]byte{192, 0, 2, byte(10 + i)}), host: &host{}, prio: prio}
	cfg := vrrp.Config{Name: r.name, VRID: 51, Version: 2, Priority: uint8(prio), Interval: time.Second,
		Addrs: vips, Source: r.addr, GARP: vrrp.DefaultGARP()}
	if mod != nil {
		mod(&cfg)
	}
	var deliver func(vrrp.Packet)
	r.port = n.seg.Attach(r.addr, func(p vrrp.Packet) { deliver(p) })
	in, err := vrrp.NewInstance(cfg, vrrp.Outputs{Sender: r.port, VIPs: r.host, Announcer: r.host, Reporter: n.rec}, opts...)
	if err != nil {
		n.t.Fatal(err)
	}
	r.in = in
	deliver = in.Deliver
	n.routers = append(n.routers, r)
	return r
}

func (n *network) startAll() {
	for _, r := range n.routers {
		if err := r.in.Start(); err != nil {
			n.t.Fatal(err)
		}
	}
}

func (n *network) masters() []*router {
	var ms []*router
	for _, r := range n.routers {
		if r.in.State() == vrrp.StateMaster {
			ms = append(ms, r)
		}
	}
	return ms
}

// expected is the router that must win: highest effective priority, then
// highest address, among those not in fault.
func (n *network) expected(faulty map[*router]bool) *router {
	var best *router
	for _, r := range n.routers {
		if faulty[r] {
			continue
		}
		if best == nil || r.prio > best.prio || r.prio == best.prio && r.addr.Compare(best.addr) > 0 {
			best = r
		}
	}
	return best
}

// checkSingleMaster: exactly want is master and only it owns the VIPs.
func (n *network) checkSingleMaster(want *router) {
	n.t.Helper()
	ms := n.masters()
	if len(ms) != 1 || ms[0] != want {
		n.t.Fatalf("masters %v, want only %s (prio %d)\n%s", names(ms), want.name, want.prio, n.describe())
	}
	for _, r := range n.routers {
		if owned, _ := r.host.state(); owned != (r == want) {
			n.t.Errorf("%s owns vips: %t, want %t", r.name, owned, r == want)
		}
	}
}

func (n *network) describe() string {
	s := ""
	for _, r := range n.routers {
		s += fmt.Sprintf("  %s %v prio %d state %v\n", r.name, r.addr, r.prio, r.in.State())
	}
	return s
}

func names(rs []*router) []string {
	var s []string
	for _, r := range rs {
		s = append(s, r.name)
	}
	return s
}

// maxOverlap returns the longest time two or more routers were master at
// once, from the transition reports, up to end.
func maxOverlap(ts []vrrp.Report, end time.Time) time.Duration {
	sort.SliceStable(ts, func(i, j int) bool { return ts[i].Time.Before(ts[j].Time) })
	masters := map[string]bool{}
	var since time.Time
	var worst time.Duration
	for _, t := range ts {
		before := len(masters)
		if t.To == vrrp.StateMaster {
			masters[t.Instance] = true
		} else {
			delete(masters, t.Instance)
		}
		switch {
		case before < 2 && len(masters) >= 2:
			since = t.Time
		case before >= 2 && len(masters) < 2:
			worst = max(worst, t.Time.Sub(since))
		}
	}
	if len(masters) >= 2 {
		worst = max(worst, end.Sub(since))
	}
	return worst
}

// masterDown is the v2 Master_Down_Interval for prio with 1 s adverts.
func masterDown(prio int) time.Duration {
	return 3*time.Second + time.Duration(256-prio)*time.Second/256
}
