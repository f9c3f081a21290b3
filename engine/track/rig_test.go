package track_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"testing/synctest"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/goleak"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/engine/kalog"
	"github.com/goalived/goalived/engine/track"
	"github.com/goalived/goalived/engine/track/tracktest"
	"github.com/goalived/goalived/parser"
	"github.com/goalived/goalived/script"
)

var sprintf = fmt.Sprintf

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// load builds the model of a keepalived.conf with every host lookup
// answered yes, so that weights, defaults and the sync group rules are
// those of the parser.
func load(t *testing.T, conf string) *config.Config {
	t.Helper()
	yes := func(string) bool { return true }
	cfg, diags := parser.LoadBytes("keepalived.conf", []byte(conf), parser.Options{
		ConfigID: "testhost", Hostname: "testhost",
		InterfaceExists: yes, LookupUser: yes, LookupGroup: yes, ScriptUsable: yes,
	})
	if cfg == nil || diags.HasFatal() {
		t.Fatalf("load: %v", diags)
	}
	return cfg
}

// instance is one VRRPv3 instance on eth0 with priority prio; extra goes
// inside.
func instance(name string, vrid, prio int, extra string) string {
	return sprintf(`vrrp_instance %s {
    state BACKUP
    interface eth0
    virtual_router_id %d
    priority %d
    advert_int 1
    virtual_ipaddress {
        192.0.2.%d
    }
%s
}
`, name, vrid, prio, vrid, extra)
}

// rig is a Tracker over fakes.
type rig struct {
	t      *testing.T
	cfg    *config.Config
	sys    *tracktest.System
	host   *tracktest.Host
	groups *track.Groups
	tr     *track.Tracker
	insts  map[string]*tracktest.Instance
	list   []track.Instance
	logs   *logBuffer
}

// newRig prepares a Tracker for conf on a host whose eth0 is up; prep may
// change the fakes before Start.
func newRig(t *testing.T, conf string) *rig {
	t.Helper()
	r := &rig{t: t, cfg: load(t, conf), sys: tracktest.NewSystem(), host: tracktest.NewHost(), groups: &track.Groups{},
		insts: map[string]*tracktest.Instance{}, logs: &logBuffer{}}
	r.sys.Links.SetLink("eth0", true)
	for _, pin := range r.cfg.Instances {
		in := tracktest.NewInstance(pin)
		r.insts[pin.Name] = in
		r.list = append(r.list, in)
	}
	return r
}

func (r *rig) options(carried map[string]script.Condition, reload bool) track.Options {
	return track.Options{Host: r.host, OS: r.sys.OS(), Logger: slog.New(slog.NewTextHandler(r.logs, &slog.HandlerOptions{Level: kalog.LevelExtraDetail})), Groups: r.groups,
		Reload: reload, Carried: carried}
}

// start starts the Tracker; it is closed at the end of the test.
func (r *rig) start() *rig {
	r.t.Helper()
	r.tr = track.New(r.cfg, r.options(nil, false))
	r.t.Cleanup(r.tr.Close)
	if err := r.tr.Start(r.list); err != nil {
		r.t.Fatal(err)
	}
	return r
}

// got is what tracking gave one instance.
type got struct {
	Prio  int
	Fault bool
}

// state returns every instance's priority and fault once the Tracker has
// handled everything pending.
func (r *rig) state() map[string]got {
	synctest.Wait()
	out := map[string]got{}
	for name, in := range r.insts {
		out[name] = got{in.Priority(), in.Fault()}
	}
	return out
}

func (r *rig) want(step string, want map[string]got) {
	r.t.Helper()
	if diff := cmp.Diff(want, r.state()); diff != "" {
		r.t.Errorf("%s (-want +got):\n%s", step, diff)
	}
}

// reload replaces the Tracker by one for conf as the engine's reload
// does: the conditions carried, the old one closed, the instances kept by
// name (with their new configuration) or added.
func (r *rig) reload(conf string) {
	r.t.Helper()
	cfg := load(r.t, conf)
	carried := r.tr.Carry(cfg)
	r.tr.Close()
	r.cfg, r.list = cfg, nil
	for _, pin := range cfg.Instances {
		in, ok := r.insts[pin.Name]
		if ok {
			in.Reconfigure(pin)
		} else {
			in = tracktest.NewInstance(pin)
			r.insts[pin.Name] = in
		}
		r.list = append(r.list, in)
	}
	r.tr = track.New(cfg, r.options(carried, true))
	r.t.Cleanup(r.tr.Close)
	if err := r.tr.Start(r.list); err != nil {
		r.t.Fatal(err)
	}
}

// logBuffer collects the Tracker's log lines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// logged reports whether the log has a line with all of parts.
func (r *rig) logged(parts ...string) bool {
	for _, line := range strings.Split(r.logs.String(), "\n") {
		all := true
		for _, p := range parts {
			all = all && strings.Contains(line, p)
		}
		if all {
			return true
		}
	}
	return false
}

// messages are the logged messages that contain sub, in order (nil for
// none).
func (r *rig) messages(sub string) []string {
	var out []string
	for _, line := range strings.Split(r.logs.String(), "\n") {
		_, rest, ok := strings.Cut(line, ` msg="`)
		if !ok {
			continue
		}
		msg, _, _ := strings.Cut(rest, `" `)
		if strings.Contains(msg, sub) {
			out = append(out, msg)
		}
	}
	return out
}
