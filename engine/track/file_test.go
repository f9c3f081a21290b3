package track

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/script"
)

func TestParseTrackFile(t *testing.T) {
	type res struct {
		V  int64
		OK bool
	}
	tests := []struct {
		in   string
		want res
	}{
		{"", res{0, true}},
		{"0\n", res{0, true}},
		{"42\n", res{42, true}},
		{"  -17 trailing words", res{-17, true}},
		{"+5", res{5, true}},
		{"\t\n 7", res{7, true}},
		{"0x1f", res{31, true}},
		{"0X10", res{16, true}},
		{"0x", res{0, true}},  // strtol stops after the 0
		{"0xg", res{0, true}}, // same
		{"010", res{8, true}}, // octal, as strtol base 0
		{"09", res{0, true}},  // 9 is no octal digit
		{"abc", res{0, true}},
		{"12abc", res{12, true}},
		{"-", res{0, true}},
		{"2147483647", res{2147483647, true}},
		{"-2147483648", res{-2147483648, true}},
		{"2147483648", res{0, false}},
		{"-2147483649", res{0, false}},
		{"99999999999999999999999", res{0, false}},
	}
	for _, tc := range tests {
		v, ok := parseTrackFile([]byte(tc.in))
		if diff := cmp.Diff(tc.want, res{v, ok}); diff != "" {
			t.Errorf("parseTrackFile(%q) (-want +got):\n%s", tc.in, diff)
		}
	}
}

func FuzzParseTrackFile(f *testing.F) {
	for _, s := range []string{"", "1", "-0x7fffffff", "0777", " +12 ", "0x", "9999999999"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		v, ok := parseTrackFile(b)
		if !ok && v != 0 {
			t.Fatalf("rejected input gave value %d", v)
		}
		if v < -1<<31 || v > 1<<31-1 {
			t.Fatalf("value %d outside the C int range", v)
		}
	})
}

// TestFileTrackersFault: a file value whose contribution reaches -254
// faults the instance and leaves its priority where the last non-fault
// value put it (keepalived 2.2.7: MASTER_PRIORITY 60, then FAULT 60).
func TestFileTrackersFault(t *testing.T) {
	tr := &Tracker{good: map[string]int64{}}
	entry := config.Track{Name: "f", Weight: 2}
	type res struct {
		Effective int
		Fault     bool
	}
	steps := []struct {
		v    int64
		want res
	}{
		{0, res{100, false}},
		{10, res{120, false}},
		{-20, res{60, false}},
		{-127, res{60, true}},
		{-5000, res{60, true}},
		{-126, res{1, false}}, // -252: no fault, clamped
		{0, res{100, false}},
	}
	for i, s := range steps {
		ev := script.Evaluate(100, tr.fileTrackersLocked("VI_1", entry, s.v))
		if diff := cmp.Diff(s.want, res{ev.Effective, ev.InFault()}); diff != "" {
			t.Errorf("step %d value %d (-want +got):\n%s", i, s.v, diff)
		}
	}
	// Another instance with its own weight keeps its own last good value.
	ev := script.Evaluate(100, tr.fileTrackersLocked("VI_2", config.Track{Name: "f", Weight: 1}, -300))
	if ev.Effective != 100 || !ev.InFault() {
		t.Errorf("VI_2 first value -300: effective %d fault %v, want 100 true", ev.Effective, ev.InFault())
	}
}

func TestFileFault(t *testing.T) {
	tests := []struct {
		v       int64
		w       int
		reverse bool
		want    bool
	}{
		{-127, 2, false, true}, {-126, 2, false, false}, {127, 2, true, true}, {-127, 2, true, false},
		{-254, 1, false, true}, {-253, 1, false, false}, {5, 0, false, false},
		{-1 << 31, 254, false, true}, {1<<31 - 1, -254, false, true},
	}
	for _, tc := range tests {
		if got := fileFault(tc.v, tc.w, tc.reverse); got != tc.want {
			t.Errorf("fileFault(%d, %d, %v) = %v, want %v", tc.v, tc.w, tc.reverse, got, tc.want)
		}
	}
}
