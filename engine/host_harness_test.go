package engine_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/engine"
	"github.com/goalived/goalived/netif/netiftest"
	"github.com/goalived/goalived/parser"
	"github.com/goalived/goalived/vrrp"
	"github.com/goalived/goalived/vrrp/vrrptest"
)

// The in-process tests run whole engines on netiftest hosts joined by a
// vrrptest.Segment, inside a testing/synctest bubble: time only moves
// when every goroutine waits, so a scenario of minutes takes
// milliseconds and its timing is exact. What the kernel, keepalived and
// real processes do is proven by the TestIntegration* tests; these prove
// the engine's own logic, without root.

// inBubble runs f in a synctest bubble and checks that nothing it
// started outlives it.
func inBubble(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	synctest.Test(t, f)
}

// onSegment runs f in a bubble with a segment, closed when f returns.
func onSegment(t *testing.T, f func(t *testing.T, seg *vrrptest.Segment)) {
	t.Helper()
	inBubble(t, func(t *testing.T) {
		seg := vrrptest.NewSegment(vrrp.RealClock(), 1)
		defer seg.Close()
		f(t, seg)
	})
}

// node is one router: a host with eth0 on the segment, and its engine.
type node struct {
	t    *testing.T
	host *netiftest.Host
	eng  *engine.Engine
	log  *syncBuffer
}

// newNode makes a host whose eth0 on seg has the given addresses.
func newNode(t *testing.T, seg *vrrptest.Segment, addrs ...string) *node {
	t.Helper()
	h := netiftest.New(nil)
	h.AddLink("eth0", seg, addrs...)
	return &node{t: t, host: h, log: &syncBuffer{}}
}

// start loads conf and starts an engine on the node; the engine is
// closed when the test ends.
func (n *node) start(conf string, opts engine.Options) {
	n.t.Helper()
	if err := n.tryStart(conf, opts); err != nil {
		n.t.Fatalf("start: %v\nlog:\n%s", err, n.log)
	}
}

func (n *node) tryStart(conf string, opts engine.Options) error {
	n.t.Helper()
	opts.Logger = slog.New(slog.NewTextHandler(n.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	n.eng = engine.New(load(n.t, conf), n.host.Engine(), opts)
	n.t.Cleanup(func() { n.eng.Close() })
	return n.eng.Start()
}

// reload loads conf and reloads the node's engine with it.
func (n *node) reload(conf string) engine.ReloadResult {
	n.t.Helper()
	res, err := n.eng.Reload(load(n.t, conf))
	if err != nil {
		n.t.Fatalf("reload: %v\nlog:\n%s", err, n.log)
	}
	synctest.Wait()
	return res
}

// load parses a configuration as the daemon would, on a host where every
// interface, user and script exists.
func load(t testing.TB, conf string) *config.Config {
	t.Helper()
	cfg, diags := parser.LoadBytes("keepalived.conf", []byte(conf), parser.Options{
		Hostname: "node", InterfaceExists: func(string) bool { return true },
		LookupUser: func(string) bool { return true }, LookupGroup: func(string) bool { return true },
		ScriptUsable: func(string) bool { return true },
	})
	if diags.HasFatal() || cfg == nil {
		t.Fatalf("configuration refused:\n%s\n%s", diags, conf)
	}
	return cfg
}

// state is the state of the node's instance name.
func (n *node) state(name string) vrrp.State {
	n.t.Helper()
	for _, st := range n.eng.Statuses() {
		if st.Name == name {
			return st.State
		}
	}
	n.t.Fatalf("no instance %s", name)
	return 0
}

// status is the status of the node's instance name.
func (n *node) status(name string) engine.Status {
	n.t.Helper()
	for _, st := range n.eng.Statuses() {
		if st.Name == name {
			return st
		}
	}
	n.t.Fatalf("no instance %s", name)
	return engine.Status{}
}

// wantState fails unless the node's instances are in the given states
// ("VI_1", vrrp.StateMaster, ...).
func (n *node) wantState(pairs ...any) {
	n.t.Helper()
	for i := 0; i+1 < len(pairs); i += 2 {
		name := pairs[i].(string)
		if got, want := n.state(name), pairs[i+1].(vrrp.State); got != want {
			n.t.Fatalf("%s is %v, want %v\nlog:\n%s", name, got, want, n.log)
		}
	}
}

// wantAddr fails unless prefix is (or is not) on the node's eth0.
func (n *node) wantAddr(prefix string, present bool) {
	n.t.Helper()
	if got := n.host.HasAddr("eth0", prefix); got != present {
		n.t.Fatalf("%s on eth0: %v, want %v\n%s\nlog:\n%s", prefix, got, present, n.host.IPAddr(), n.log)
	}
}

// holds fails unless owner has vip on eth0 and none of the others has.
func holds(vip string, owner *node, others ...*node) {
	owner.t.Helper()
	owner.wantAddr(vip, true)
	for _, o := range others {
		o.wantAddr(vip, false)
	}
}

// wait lets d of bubble time pass and the goroutines settle.
func wait(d time.Duration) {
	time.Sleep(d)
	synctest.Wait()
}

// syncBuffer is a log sink safe for the engine's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// instance is a vrrp_instance block; extra lines go inside it.
func instance(name string, vrid, prio int, vip string, extra ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "vrrp_instance %s {\n  interface eth0\n  virtual_router_id %d\n  priority %d\n  advert_int 1\n", name, vrid, prio)
	for _, e := range extra {
		b.WriteString("  " + e + "\n")
	}
	if vip != "" {
		fmt.Fprintf(&b, "  virtual_ipaddress {\n    %s\n  }\n", vip)
	}
	b.WriteString("}\n")
	return b.String()
}

// notifyAll is a generic notify script line.
const notifyAll = "notify /bin/notify.sh"
