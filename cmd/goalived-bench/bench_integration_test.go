package main

import (
	"context"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/goalived/goalived/netif/nstest"
)

// TestIntegrationBench runs one crash, one graceful and one check VRRPv3
// trial per daemon (keepalived when installed; the check also with
// goalived --fast-preempt) and checks that every trial succeeded and
// that each time lies in its window.
func TestIntegrationBench(t *testing.T) {
	nstest.RequireRoot(t)
	bin, err := nstest.BuildGoalived(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	c := config{
		daemons:   []daemon{{Name: "goalived", Bin: bin}, {Name: fastPreempt, Bin: bin, Args: []string{"--fast-preempt"}}},
		scenarios: []scenario{crash, graceful, check},
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
	for _, k := range res.rows {
		for _, d := range c.daemonsFor(k.Scenario) {
			if n := res.errors[k][d.Name]; n > 0 {
				t.Errorf("%s %v %s: %d failed trials", k.Scenario, k.Metric, d.Name, n)
			}
			if len(res.samples[k][d.Name])+res.errors[k][d.Name] != 1 {
				t.Errorf("%s %v %s: %d samples, want 1", k.Scenario, k.Metric, d.Name, len(res.samples[k][d.Name]))
			}
			for _, v := range res.samples[k][d.Name] {
				if lo, hi := window(k, d.Name); v < lo || v > hi {
					t.Errorf("%s %v %s: %v, want within [%v, %v]", k.Scenario, k.Metric, d.Name, v, lo, hi)
				}
			}
		}
	}
	if len(res.rows) != 5 {
		t.Errorf("%d table rows, want 5 (crash advert, crash GARP, graceful advert, check advert from the flag and from the lower advert)", len(res.rows))
	}
	writeReport(io.Discard, c, res)
	checkLongScenarios(t, c.daemonsFor(resources))
}

// window is where a trial's time must lie: from the earliest the
// protocol allows (less 5 ms of timestamp noise) to the latest (the
// RFC's bound, or --fast-preempt's) plus a margin for a loaded 2-core
// machine.
func window(k rowKey, daemon string) (lo, hi time.Duration) {
	const margin = 250 * time.Millisecond
	latest := k.bound()
	if daemon == fastPreempt {
		latest = k.fastBound()
	}
	earliest := latest
	if k.Scenario == check && k.Metric == firstAdvert {
		// The check's first failing run comes anywhere in the interval
		// after the flag, the master's next advert anywhere in the
		// advert interval after its priority dropped.
		earliest = latest - checkInterval - k.Proto.AdvertInt
	}
	hi = latest + margin
	if daemon == fastPreempt && k.Metric == lowerAdvert {
		// Halfway to the time without --fast-preempt: a backup that
		// waited for its down timer fails.
		hi = latest + (k.bound()-latest)/2
	}
	return earliest - 5*time.Millisecond, hi
}

// checkLongScenarios runs resources, reload, spurious and configtest at
// their smallest (3 instances, 2 s windows, one config-test run) and
// checks that every trial succeeded with plausible values.
func checkLongScenarios(t *testing.T, daemons []daemon) {
	c := config{
		daemons:   daemons,
		scenarios: []scenario{resources, reloadScenario, spurious, configtest},
		sizes:     []int{3}, spurN: []int{1}, ctSizes: []int{10}, reloadN: []int{3}, reloadWin: time.Second,
		ctRuns: 1, duration: 2 * time.Second, longReps: 1, burners: 1,
	}
	res, err := runBench(context.Background(), c, testWriter{t})
	if err != nil {
		t.Fatal(err)
	}
	wantProcs := map[string]int{"goalived": 1, "keepalived": 2} // keepalived -P: parent and VRRP child
	if len(res.long.res) != len(daemons) || len(res.long.spur) != len(daemons) || len(res.long.ct) != len(daemons) {
		t.Fatalf("samples: %d resources, %d spurious, %d configtest; want %d each",
			len(res.long.res), len(res.long.spur), len(res.long.ct), len(daemons))
	}
	for _, s := range res.long.res {
		med, mx := medianMax(s.RSSKiB)
		if s.Err != nil || len(s.RSSKiB) != 2 || med < 1024 || mx > 500*1024 || s.Procs != wantProcs[s.Daemon] || s.CPU < 0 {
			t.Errorf("resources %s: err %v, %d RSS samples (median %d KiB), %d processes, CPU %v s",
				s.Daemon, s.Err, len(s.RSSKiB), med, s.Procs, s.CPU)
		}
	}
	for _, s := range res.long.res {
		// Two seconds less the first and last interval: 0 to 2 adverts
		// of each of the 3 instances.
		if len(s.RSSB) != 2 || s.Sched.Adverts > 6 {
			t.Errorf("resources %s: %d RSS samples of b, %d adverts in the window", s.Daemon, len(s.RSSB), s.Sched.Adverts)
		}
	}
	down := v2Proto.masterDown(prioMaster)
	if len(res.long.reload) != len(daemons) {
		t.Fatalf("%d reload samples, want %d", len(res.long.reload), len(daemons))
	}
	for _, s := range res.long.reload {
		for _, r := range []reloadResult{s.Unchanged, s.Changed} {
			if s.Err != nil || s.Startup < down || s.Startup > down+20*time.Second || r.Wall <= 0 || r.Trans != 0 || r.VIPs != 0 {
				t.Errorf("reload %s: err %v, start-up %v (Master_Down_Interval %v), reload %s", s.Daemon, s.Err, s.Startup, down, r)
			}
		}
	}
	for _, s := range res.long.spur {
		if s.Err != nil || s.Samples < 20 {
			t.Errorf("spurious %s: err %v, %d address samples in 2 s", s.Daemon, s.Err, s.Samples)
		}
	}
	for _, s := range res.long.ct {
		if s.Err != nil || len(s.Codes) != 1 || s.Codes[0] != 0 {
			t.Errorf("configtest %s: err %v, exit statuses %v, want [0]", s.Daemon, s.Err, s.Codes)
		}
	}
	writeReport(io.Discard, c, res)
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
