package engine_test

import (
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/goalived/goalived/engine"
	"github.com/goalived/goalived/script"
	"github.com/goalived/goalived/vrrp/vrrptest"
)

// notified records what Options.OnNotify sees, by instance or group.
type notified struct {
	mu  sync.Mutex
	got map[string][]string
}

func (n *notified) add(t script.Transition) {
	n.mu.Lock()
	defer n.mu.Unlock()
	key := t.Type() + " " + t.Name
	n.got[key] = append(n.got[key], t.State)
}

func (n *notified) states() map[string][]string {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := map[string][]string{}
	for k, v := range n.got {
		out[k] = append([]string(nil), v...)
	}
	return out
}

// TestOnNotify: Options.OnNotify sees the state changes as they are
// notified: each instance's, the sync group's once its members are all
// in a state, a removed instance's as keepalived notifies it (FAULT; none
// for one already in FAULT) and the STOPs of a stop.
func TestOnNotify(t *testing.T) {
	onSegment(t, func(t *testing.T, seg *vrrptest.Segment) {
		a := newNode(t, seg, "192.0.2.1/24")
		a.host.AddLink("eth1", nil, "198.51.100.1/24")
		rec := &notified{got: map[string][]string{}}
		extra := instance("VI_3", 53, 150, "192.0.2.130/32") +
			instance("VI_4", 54, 150, "192.0.2.140/32", "track_interface {\n    eth2\n  }")
		a.start(syncConf(150)+extra, engine.Options{OnNotify: rec.add})
		wait(5 * time.Second)
		a.reload(syncConf(150))
		wait(time.Second)
		a.eng.Close()
		synctest.Wait()
		want := map[string][]string{
			"GROUP G1":      {"BACKUP", "MASTER", "STOP"},
			"INSTANCE VI_1": {"BACKUP", "MASTER", "STOP"},
			"INSTANCE VI_2": {"BACKUP", "MASTER", "STOP"},
			"INSTANCE VI_3": {"BACKUP", "MASTER", "FAULT"},
			"INSTANCE VI_4": {"FAULT"},
		}
		if diff := cmp.Diff(want, rec.states()); diff != "" {
			t.Errorf("notified (-want +got):\n%s", diff)
		}
	})
}
