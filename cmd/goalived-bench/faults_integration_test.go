package main

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/goalived/goalived/netif/nstest"
)

// TestIntegrationFaults runs part of the fault matrix once each, side by
// side, with goalived master on a and keepalived 2.2.7 backup on b at
// VRRPv3 advert_int 0.1: every fault must be made, measured and healed
// (the pair steady again, the client's pings answered), the backup must
// take over where the fault silences the master, the master must not
// move under the flood, and the daemon must
// hold no more file descriptors or goroutines afterwards and leave no
// zombie. Timing bounds are loose (a loaded 2-core machine); the
// benchmark reports the figures.
func TestIntegrationFaults(t *testing.T) {
	t.Parallel()
	nstest.RequireRoot(t)
	ka := nstest.Keepalived(t)
	bin, err := nstest.BuildGoalived(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []faultKind{faultStop, faultPartition, faultNotify, faultCheck, faultFlood} {
		t.Run(string(k), func(t *testing.T) {
			t.Parallel()
			c := config{
				daemons:   []daemon{{Name: "goalived", Bin: bin}, {Name: "keepalived", Bin: ka}},
				scenarios: []scenario{faults},
				protos:    []protocol{v3},
				faults: faultPlan{kinds: []faultKind{k}, subjects: []string{"goalived"}, reps: 1,
					stopFor: 5 * time.Second, hold: 2 * time.Second, floodN: 20000},
			}
			res, err := runBench(context.Background(), c, testWriter{t})
			if err != nil {
				t.Fatal(err)
			}
			runs := res.long.faults.runs
			if len(runs) != 1 || runs[0].Err != nil || len(runs[0].Reps) != 1 {
				t.Fatalf("want one run of one repetition, got %d run(s): %+v", len(runs), runs)
			}
			checkFaultRun(t, runs[0])
			writeReport(io.Discard, c, res)
		})
	}
}

func checkFaultRun(t *testing.T, r faultResult) {
	t.Helper()
	rep := r.Reps[0]
	// The flood may make keepalived's backup miss the master's adverts
	// too: whether b takes over then is not goalived's to answer for.
	if r.Fault != faultFlood && !rep.TookOver {
		t.Error("b never held the virtual address while the fault lasted")
	}
	if r.Fault == faultStop || r.Fault == faultPartition {
		// Once the master runs (or hears b) again, b hears its next
		// advert: one advert interval, plus the sampler's resolution.
		if limit := r.Proto.AdvertInt + rep.Period + 250*time.Millisecond; rep.BothAfter > limit {
			t.Errorf("virtual address on both hosts for %v after the heal, want at most %v", rep.BothAfter, limit)
		}
	}
	if r.Fault == faultFlood && (rep.TransA != 0 || rep.Adverts == 0) {
		t.Errorf("under the flood the master made %d transitions and the observer saw %d of its adverts; want none and some", rep.TransA, rep.Adverts)
	}
	if r.Fault == faultNotify && rep.NotifyDelay < 0 {
		t.Errorf("with the notify script hanging, a's notify_master did not run: %s", rep.Note)
	}
	b, a := r.Before, r.After
	if a.FDs != b.FDs || a.Zombies != 0 || a.Goroutines < 0 || a.Goroutines > b.Goroutines+2 {
		t.Errorf("the daemon before -> after: %v -> %v; want as many fds, no zombie, at most 2 more goroutines", b, a)
	}
	if r.Fault == faultCheck && len(a.Scripts) != 0 {
		t.Errorf("%d check script processes left running after the hang ended", len(a.Scripts))
	}
}
