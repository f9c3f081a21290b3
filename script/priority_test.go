package script

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestEvaluate(t *testing.T) {
	script := func(w int, rev bool, c Condition) Tracker {
		return Tracker{Kind: TrackScript, Name: "chk", Weight: w, Reverse: rev, Cond: c}
	}
	file := func(w int, rev bool, v int64) Tracker {
		return Tracker{Kind: TrackFile, Name: "f", Weight: w, Reverse: rev, Cond: Up, Value: v}
	}
	tests := []struct {
		name     string
		base     int
		trackers []Tracker
		want     Evaluation
	}{
		// keepalived's weight rules, case by case.
		{"W>0 up", 100, []Tracker{script(10, false, Up)}, Evaluation{Total: 110, Effective: 110}},
		{"W>0 down", 100, []Tracker{script(10, false, Down)}, Evaluation{Total: 100, Effective: 100}},
		{"W<0 up", 100, []Tracker{script(-50, false, Up)}, Evaluation{Total: 100, Effective: 100}},
		{"W<0 down (seed)", 100, []Tracker{script(-50, false, Down)}, Evaluation{Total: 50, Effective: 50}},
		{"W>0 reverse up", 100, []Tracker{script(10, true, Up)}, Evaluation{Total: 90, Effective: 90}},
		{"W>0 reverse down", 100, []Tracker{script(10, true, Down)}, Evaluation{Total: 100, Effective: 100}},
		{"W<0 reverse up", 100, []Tracker{script(-10, true, Up)}, Evaluation{Total: 100, Effective: 100}},
		{"W<0 reverse down", 100, []Tracker{script(-10, true, Down)}, Evaluation{Total: 110, Effective: 110}},
		{"W=0 up", 100, []Tracker{script(0, false, Up)}, Evaluation{Total: 100, Effective: 100}},
		{"W=0 down faults", 100, []Tracker{script(0, false, Down)}, Evaluation{Total: 100, Effective: 100, Fault: []string{"script chk"}}},
		{"W=0 reverse up faults", 100, []Tracker{script(0, true, Up)}, Evaluation{Total: 100, Effective: 100, Fault: []string{"script chk"}}},
		{"W=0 reverse down", 100, []Tracker{script(0, true, Down)}, Evaluation{Total: 100, Effective: 100}},
		// Before the first result.
		{"unknown weighted contributes nothing", 100, []Tracker{script(10, false, Unknown), script(-10, false, Unknown)}, Evaluation{Total: 100, Effective: 100}},
		{"unknown unweighted is pending", 100, []Tracker{script(0, false, Unknown)}, Evaluation{Total: 100, Effective: 100, Pending: []string{"script chk"}}},
		// Clamping.
		{"observed: 101+300 clamps to 254", 101, []Tracker{script(300, false, Up)}, Evaluation{Total: 401, Effective: 254}},
		{"never lifted to 255", 250, []Tracker{script(5, false, Up)}, Evaluation{Total: 255, Effective: 254}},
		{"floor 1", 20, []Tracker{script(-50, false, Down)}, Evaluation{Total: -30, Effective: 1}},
		{"sum of several kinds", 100, []Tracker{
			script(10, false, Up),
			{Kind: TrackInterface, Name: "eth1", Weight: -20, Cond: Down},
			{Kind: TrackProcess, Name: "haproxy", Weight: 5, Cond: Up},
		}, Evaluation{Total: 95, Effective: 95}},
		{"unweighted interface down faults", 100, []Tracker{{Kind: TrackInterface, Name: "eth0", Cond: Down}}, Evaluation{Total: 100, Effective: 100, Fault: []string{"interface eth0"}}},
		// Address owner: frozen, weighted trackers ignored, unweighted still fault.
		{"owner ignores weights", 255, []Tracker{script(-50, false, Down), file(1, false, -300)}, Evaluation{Total: 255, Effective: 255}},
		{"owner unweighted fault", 255, []Tracker{script(0, false, Down)}, Evaluation{Total: 255, Effective: 255, Fault: []string{"script chk"}}},
		// track_file dynamic weight.
		{"file adds value", 100, []Tracker{file(1, false, 7)}, Evaluation{Total: 107, Effective: 107}},
		{"file value times weight", 100, []Tracker{file(3, false, -5)}, Evaluation{Total: 85, Effective: 85}},
		{"file reverse", 100, []Tracker{file(2, true, 5)}, Evaluation{Total: 90, Effective: 90}},
		{"file clamps to 253", 100, []Tracker{file(10, false, 1000)}, Evaluation{Total: 353, Effective: 254}},
		{"file -253 is no fault", 254, []Tracker{file(1, false, -253)}, Evaluation{Total: 1, Effective: 1}},
		{"file -254 faults", 100, []Tracker{file(1, false, -254)}, Evaluation{Total: -154, Effective: 1, Fault: []string{"file f"}}},
		{"file huge value saturates", 100, []Tracker{file(254, true, 1<<62)}, Evaluation{Total: -154, Effective: 1, Fault: []string{"file f"}}},
		{"file W=0 zero ok", 100, []Tracker{file(0, false, 0)}, Evaluation{Total: 100, Effective: 100}},
		{"file W=0 nonzero faults", 100, []Tracker{file(0, false, 3)}, Evaluation{Total: 100, Effective: 100, Fault: []string{"file f"}}},
		{"file W=0 reverse zero faults", 100, []Tracker{file(0, true, 0)}, Evaluation{Total: 100, Effective: 100, Fault: []string{"file f"}}},
		{"file W=0 reverse nonzero ok", 100, []Tracker{file(0, true, 9)}, Evaluation{Total: 100, Effective: 100}},
		{"file unknown contributes nothing", 100, []Tracker{{Kind: TrackFile, Name: "f", Weight: 1, Value: 50}}, Evaluation{Total: 100, Effective: 100}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Evaluate(tc.base, tc.trackers)
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("Evaluate(%d, ...) mismatch (-want +got):\n%s", tc.base, d)
			}
			if got.InFault() != (len(tc.want.Fault) > 0) {
				t.Errorf("InFault() = %v", got.InFault())
			}
		})
	}
}

// FuzzEvaluate checks Evaluate's invariants on arbitrary trackers.
func FuzzEvaluate(f *testing.F) {
	f.Add(100, 10, false, uint8(1), int64(0), uint8(0))
	f.Add(255, -50, true, uint8(2), int64(-300), uint8(4))
	f.Fuzz(func(t *testing.T, base, weight int, reverse bool, cond uint8, value int64, kind uint8) {
		base = 1 + (base%255+255)%255 // 1..255
		tr := Tracker{Kind: TrackerKind(kind % 5), Weight: weight % 1000, Reverse: reverse, Cond: Condition(cond % 3), Value: value}
		ev := Evaluate(base, []Tracker{tr, tr})
		switch {
		case base == OwnerPriority && ev.Effective != OwnerPriority:
			t.Fatalf("owner effective %d", ev.Effective)
		case base != OwnerPriority && (ev.Effective < MinTracked || ev.Effective > MaxTracked):
			t.Fatalf("effective %d out of range", ev.Effective)
		case ev.InFault() && tr.Weight != 0 && (tr.Kind != TrackFile || base == OwnerPriority):
			t.Fatalf("weighted %v tracker faulted: %+v", tr.Kind, ev)
		}
	})
}

// TestEvaluateObservedTrackFile replays a keepalived 2.2.7 run with seven
// instances of priority 100, one track_file each (log lines quoted).
func TestEvaluateObservedTrackFile(t *testing.T) {
	tests := []struct {
		name      string
		weight    int
		reverse   bool
		value     int64
		effective int
		fault     bool
	}{
		{"(VI_1) Changing effective priority from 100 to 110", 2, false, 5, 110, false},
		{"(VI_2) entry weight -3 overrides: 100 to 70", -3, false, 10, 70, false},
		{"(VI_3) tracked file f3 has status -260: FAULT", 2, false, -130, 1, true},
		{"(VI_4) weight 0 reverse, value 0: FAULT", 0, true, 0, 100, true},
		{"(VI_5) weight 1 reverse, 20: 100 to 80", 1, true, 20, 80, false},
		{"(VI_6) 300: 100 to 254", 1, false, 300, 254, false},
		{"(VI_7) weight -5, value 0: unchanged", -5, false, 0, 100, false},
	}
	for _, tc := range tests {
		ev := Evaluate(100, []Tracker{{Kind: TrackFile, Name: "f", Weight: tc.weight, Reverse: tc.reverse, Cond: Up, Value: tc.value}})
		if ev.Effective != tc.effective || ev.InFault() != tc.fault {
			t.Errorf("%s: effective %d fault %v", tc.name, ev.Effective, ev.InFault())
		}
	}
}

// TestEvaluateObservedScriptWeights replays a keepalived 2.2.7 run: base
// 100, one tracked script (/bin/true = up, /bin/false = down) per
// instance with the entry's weight and reverse flag.
func TestEvaluateObservedScriptWeights(t *testing.T) {
	tests := []struct {
		weight    int
		reverse   bool
		cond      Condition
		effective int
		fault     bool
	}{
		{10, false, Up, 110, false},   // VI_1 100 to 110
		{10, false, Down, 100, false}, // VI_2 unchanged
		{-10, false, Up, 100, false},  // VI_3 unchanged
		{-10, false, Down, 90, false}, // VI_4 100 to 90
		{10, true, Up, 90, false},     // VI_5 100 to 90
		{10, true, Down, 100, false},  // VI_6 unchanged
		{-10, true, Up, 100, false},   // VI_7 unchanged
		{-10, true, Down, 110, false}, // VI_8 100 to 110
		{0, true, Up, 100, true},      // VI_9 never left FAULT
		{0, false, Down, 100, true},   // VI_10 never left FAULT
		{0, true, Down, 100, false},   // VI_11 became MASTER
	}
	for i, tc := range tests {
		ev := Evaluate(100, []Tracker{{Kind: TrackScript, Name: "s", Weight: tc.weight, Reverse: tc.reverse, Cond: tc.cond}})
		if ev.Effective != tc.effective || ev.InFault() != tc.fault {
			t.Errorf("VI_%d (weight %d reverse %v %v): effective %d fault %v", i+1, tc.weight, tc.reverse, tc.cond, ev.Effective, ev.InFault())
		}
	}
}
