package engine_test

import (
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/goalived/goalived/engine"
	"github.com/goalived/goalived/vrrp"
	"github.com/goalived/goalived/vrrp/vrrptest"
)

// advertTimes records, by VRID, when the adverts of priority above 0
// reach an observer on the segment.
type advertTimes struct {
	mu sync.Mutex
	at map[byte][]time.Time
}

func observeAdverts(seg *vrrptest.Segment) *advertTimes {
	o := &advertTimes{at: map[byte][]time.Time{}}
	seg.Attach(netip.MustParseAddr("192.0.2.99"), func(p vrrp.Packet) {
		if len(p.Payload) < 3 || p.Payload[2] == 0 {
			return
		}
		o.mu.Lock()
		o.at[p.Payload[1]] = append(o.at[p.Payload[1]], time.Now())
		o.mu.Unlock()
	})
	return o
}

// TestAdvertsSpread: 32 instances that become master together advertise
// in one burst (keepalived's schedule, the default), or with
// SpreadAdverts in several smaller ones, each still exactly one interval
// after its last.
func TestAdvertsSpread(t *testing.T) {
	for _, spread := range []bool{false, true} {
		t.Run(fmt.Sprintf("SpreadAdverts=%v", spread), func(t *testing.T) {
			onSegment(t, func(t *testing.T, seg *vrrptest.Segment) {
				obs := observeAdverts(seg)
				a := newNode(t, seg, "192.0.2.1/24")
				var conf strings.Builder
				for i := 1; i <= 32; i++ {
					conf.WriteString(instance(fmt.Sprintf("VI_%d", i), i, 100, fmt.Sprintf("198.51.100.%d/32", i)))
				}
				a.start(conf.String(), engine.Options{SpreadAdverts: spread})
				wait(6 * time.Second) // all master, the second advert sent
				from := time.Now()
				wait(10 * time.Second)
				obs.mu.Lock()
				defer obs.mu.Unlock()
				phases := map[time.Duration]bool{}
				for vrid := byte(1); vrid <= 32; vrid++ {
					var in []time.Time
					for _, at := range obs.at[vrid] {
						if !at.Before(from) {
							in = append(in, at)
						}
					}
					if len(in) < 9 {
						t.Fatalf("VRID %d: %d adverts in 10 s, want 10", vrid, len(in))
					}
					for i := 1; i < len(in); i++ {
						if d := in[i].Sub(in[i-1]); d != time.Second {
							t.Errorf("VRID %d: advert %v after the one before, want 1s", vrid, d)
						}
					}
					phases[time.Duration(in[0].UnixNano())%time.Second/time.Millisecond] = true
				}
				switch {
				case !spread && len(phases) != 1:
					t.Errorf("keepalived's schedule: the adverts in %d bursts, want one", len(phases))
				case spread && len(phases) < 4:
					t.Errorf("spread: the adverts in %d bursts, want up to eight and at least four", len(phases))
				}
			})
		})
	}
}
