package parser

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/goalived/goalived/config"
)

// fleetConfig is the configuration cmd/goalived-bench's resource scenario
// gives its master (fleet.go): n instances spread over eth0..eth3, VRIDs
// from 1 on each interface, priority 150, VRRPv2 with advert_int 1 and
// PASS authentication, one /32 address each.
func fleetConfig(n int) []byte {
	var b strings.Builder
	b.WriteString("global_defs {\n    router_id gl_bench\n}\n")
	for i := range n {
		k := i % 405
		vip := fmt.Sprintf("198.51.100.%d", k+1)
		if k >= 250 {
			vip = fmt.Sprintf("192.0.2.%d", 100+k-250)
		}
		fmt.Fprintf(&b, "\nvrrp_instance VI_%d {\n    state MASTER\n    interface eth%d\n    virtual_router_id %d\n"+
			"    priority 150\n    version 2\n    advert_int 1\n"+
			"    authentication {\n        auth_type PASS\n        auth_pass 11111\n    }\n"+
			"    virtual_ipaddress {\n        %s/32\n    }\n}\n",
			i+1, i%4, i/4+1, vip)
	}
	return []byte(b.String())
}

// retainedBytes loads src and returns how many heap bytes the model keeps
// alive once the load is over: the live heap after a collection, with the
// model held, less the live heap before the load.
func retainedBytes(tb testing.TB, name string, src []byte) (uint64, *config.Config) {
	tb.Helper()
	opts := testOptions()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	cfg, diags := LoadBytes(name, src, opts)
	if diags.HasFatal() {
		tb.Fatalf("diagnostics:\n%s", diags)
	}
	// The daemon keeps the model, not the diagnostics (whose keywords
	// are slices of the text): from here on diags is dead.
	runtime.GC()
	runtime.ReadMemStats(&after)
	// src is alive before and after: only the model makes a difference.
	runtime.KeepAlive(src)
	runtime.KeepAlive(cfg)
	if after.HeapAlloc < before.HeapAlloc {
		return 0, cfg
	}
	return after.HeapAlloc - before.HeapAlloc, cfg
}

// BenchmarkLoadRetained loads the benchmark's 1000-instance master
// configuration and reports the heap its model keeps alive per instance:
// the daemon holds the model for its whole life.
func BenchmarkLoadRetained(b *testing.B) {
	const n = 1000
	src := fleetConfig(n)
	opts := testOptions()
	for b.Loop() {
		if cfg, _ := LoadBytes("fleet.conf", src, opts); len(cfg.Instances) != n {
			b.Fatalf("%d instances", len(cfg.Instances))
		}
	}
	best := ^uint64(0)
	for range 3 {
		got, cfg := retainedBytes(b, "fleet.conf", src)
		if len(cfg.Instances) != n {
			b.Fatalf("%d instances", len(cfg.Instances))
		}
		best = min(best, got)
	}
	b.ReportMetric(float64(best)/n, "B/instance")
}

// TestLoadKeepsNoText loads each sample configuration with megabytes of
// comments after it: a string of the model that still pointed into the
// file's text would keep them all alive.
func TestLoadKeepsNoText(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(configsDir, "*.conf"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no configs in %s: %v", configsDir, err)
	}
	padding := strings.Repeat("# "+strings.Repeat("x", 998)+"\n", 4096)
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			src = append(src, "\n"+padding...)
			got, cfg := retainedBytes(t, path, src)
			if len(cfg.Instances) == 0 {
				t.Fatal("no instances loaded")
			}
			if got > uint64(len(padding))/4 {
				t.Errorf("the model keeps %d bytes alive: the text (%d bytes) is still referenced", got, len(src))
			}
		})
	}
}
