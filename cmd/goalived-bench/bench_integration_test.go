package main

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestIntegrationBench runs one crash and one graceful VRRPv3 trial per
// daemon (keepalived when installed) and checks that every trial
// succeeded and that each time lies between the RFC bound (a backup
// cannot take over before its timer) and the bound plus a margin for
// start-up-free processing on a loaded machine.
func TestIntegrationBench(t *testing.T) {
	if os.Geteuid() != 0 {
		if os.Getenv("GOALIVED_REQUIRE_ROOT") == "1" {
			t.Fatal("GOALIVED_REQUIRE_ROOT=1 but not running as root: the benchmark cannot run")
		}
		t.Skip("skipping: the benchmark needs root to create network namespaces")
	}
	bin := filepath.Join(t.TempDir(), "goalived")
	if out, err := exec.Command("go", "build", "-o", bin, "../goalived").CombinedOutput(); err != nil {
		t.Fatalf("build goalived: %v\n%s", err, out)
	}
	c := config{
		daemons:   []daemon{{Name: "goalived", Bin: bin}},
		scenarios: []scenario{crash, graceful},
		protos:    []protocol{v3},
		reps:      1,
	}
	if ka, err := findBin("", "keepalived", "/usr/sbin/keepalived"); err == nil {
		c.daemons = append(c.daemons, daemon{Name: "keepalived", Bin: ka})
	} else if os.Getenv("GOALIVED_REQUIRE_ROOT") == "1" {
		t.Fatalf("keepalived 2.2.7 is needed in CI: %v", err)
	}
	res, err := runBench(context.Background(), c, testWriter{t})
	if err != nil {
		t.Fatal(err)
	}
	const margin = 250 * time.Millisecond // a loaded 2-core CI machine
	for _, k := range res.rows {
		for _, d := range c.daemons {
			if n := res.errors[k][d.Name]; n > 0 {
				t.Errorf("%s %v %s: %d failed trials", k.Scenario, k.Metric, d.Name, n)
			}
			for _, v := range res.samples[k][d.Name] {
				if lo, hi := k.bound()-5*time.Millisecond, k.bound()+margin; v < lo || v > hi {
					t.Errorf("%s %v %s: %v, want within [%v, %v]", k.Scenario, k.Metric, d.Name, v, lo, hi)
				}
			}
		}
	}
	if len(res.rows) != 3 {
		t.Errorf("%d table rows, want 3 (crash advert, crash GARP, graceful advert)", len(res.rows))
	}
	writeReport(io.Discard, c, res)
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
