package engine_test

import (
	"sync"
	"testing"
	"time"

	"github.com/goalived/goalived/engine"
	"github.com/goalived/goalived/vrrp/vrrptest"
)

// TestStatusFollowsTrackedPriority: the status file, rewritten from
// Statuses on every OnChange, shows the effective priority a tracker
// gave the instance once the instance has taken it. (OnChange used to
// come from the tracker before the instance had applied the priority,
// and the file kept the old eff_prio until the next transition.)
func TestStatusFollowsTrackedPriority(t *testing.T) {
	onSegment(t, func(t *testing.T, seg *vrrptest.Segment) {
		a := newNode(t, seg, "192.0.2.1/24")
		a.host.AddLink("eth1", nil, "198.51.100.1/24")
		kicks := make(chan struct{}, 1)
		var mu sync.Mutex
		var written []int // eff_prio of each rewrite of the file
		done := make(chan struct{})
		go func() { // the daemon's status writer
			defer close(done)
			for range kicks {
				p := a.status("VI_1").Priority
				mu.Lock()
				written = append(written, p)
				mu.Unlock()
			}
		}()
		a.start(instance("VI_1", 51, 150, "192.0.2.100/32", "track_interface {\n    eth1 weight -50\n  }"),
			engine.Options{OnChange: func() {
				select {
				case kicks <- struct{}{}:
				default:
				}
			}})
		wait(5 * time.Second)
		for _, tc := range []struct {
			up   bool
			want int
		}{{false, 100}, {true, 150}, {false, 100}} {
			a.host.SetLink("eth1", tc.up)
			wait(time.Second)
			mu.Lock()
			last := -1
			if len(written) > 0 {
				last = written[len(written)-1]
			}
			mu.Unlock()
			if last != tc.want {
				t.Errorf("eth1 up %t: the status file's last eff_prio %d, want %d (rewrites %v)", tc.up, last, tc.want, written)
			}
		}
		close(kicks)
		<-done
	})
}
