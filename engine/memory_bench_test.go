package engine_test

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/goalived/goalived/engine"
	"github.com/goalived/goalived/netif/netiftest"
	"github.com/goalived/goalived/vrrp"
	"github.com/goalived/goalived/vrrp/vrrptest"
)

// BenchmarkIdleInstanceMemory reports the heap that 1000 started backup
// instances keep (B/instance): their parsed configuration, the engine's
// bookkeeping, the state machines and their timers, as the resources
// benchmark's fleet (4 interfaces x 250 VRIDs, one VIP, PASS
// authentication) has them. The daemon's own share (status file, logs)
// and the runtime's are not in it.
func BenchmarkIdleInstanceMemory(b *testing.B) {
	const n = 1000
	conf := fleetConf(n)
	for b.Loop() {
		before := liveHeap()
		seg := vrrptest.NewSegment(vrrp.RealClock(), 1)
		h := netiftest.New(nil)
		for i := range 4 {
			h.AddLink(fmt.Sprintf("eth%d", i), seg, fmt.Sprintf("192.0.2.%d/24", 11+i))
		}
		eng := engine.New(load(b, conf), h.Engine(), engine.Options{})
		if err := eng.Start(); err != nil {
			b.Fatal(err)
		}
		after := liveHeap()
		b.ReportMetric(float64(int64(after)-int64(before))/n, "B/instance")
		eng.Close()
		seg.Close()
	}
}

// liveHeap is the heap in use after a full collection.
func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// fleetConf is n VRRPv2 backup instances over eth0..eth3, as the
// resources benchmark writes them.
func fleetConf(n int) string {
	var c strings.Builder
	c.WriteString("global_defs {\n    router_id gl_bench\n}\n")
	for i := range n {
		fmt.Fprintf(&c, `vrrp_instance VI_%d {
    state BACKUP
    interface eth%d
    virtual_router_id %d
    priority 100
    version 2
    advert_int 1
    authentication {
        auth_type PASS
        auth_pass 11111
    }
    virtual_ipaddress {
        198.51.100.%d/32
    }
}
`, i+1, i%4, i/4+1, i%250+1)
	}
	return c.String()
}
