package script

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRiseFall runs result sequences (S success, F failure) and checks the
// condition after each result (U up, D down) and where a change was
// reported (*), following keepalived's vrrp_script_child_thread.
func TestRiseFall(t *testing.T) {
	tests := []struct {
		name        string
		rise, fall  int
		seq         string
		wantCond    string
		wantChanges string
	}{
		{"observed: rise 2 first success counts at once", 2, 2, "S", "U", "*"},
		{"first failure counts at once", 2, 2, "F", "D", "*"},
		{"rise 2 fall 2 cycle", 2, 2, "SFFSS", "UUDDU", "*.*.*"},
		{"down needs rise successes", 2, 2, "FSS", "DDU", "*.*"},
		{"seed: rise 5 fall 2, first success", 5, 2, "SFSFF", "UUUUD", "*...*"},
		{"a failure restarts the rise count", 5, 2, "FSSSSFSSSSS", "DDDDDDDDDDU", "*.........*"},
		{"a success while up refills to max", 1, 3, "SFFSFFF", "UUUUUUD", "*.....*"},
		{"rise 1 fall 1 flips every time", 1, 1, "SFSF", "UDUD", "****"},
		{"failures while down stay down", 2, 1, "FFF", "DDD", "*.."},
		{"successes while up stay up", 1, 1, "SSS", "UUU", "*.."},
		{"fall 3 needs three in a row", 1, 3, "SFFSFFF", "UUUUUUD", "*.....*"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rf, err := NewRiseFall(tc.rise, tc.fall)
			if err != nil {
				t.Fatal(err)
			}
			if c := rf.Condition(); c != Unknown {
				t.Fatalf("initial condition %v, want unknown", c)
			}
			var conds, changes []byte
			for _, r := range tc.seq {
				changed, c := rf.Observe(r == 'S')
				conds = append(conds, map[Condition]byte{Up: 'U', Down: 'D', Unknown: '?'}[c])
				changes = append(changes, map[bool]byte{true: '*', false: '.'}[changed])
				if c != rf.Condition() {
					t.Fatalf("Observe returned %v but Condition() is %v", c, rf.Condition())
				}
			}
			got := []string{string(conds), string(changes)}
			if d := cmp.Diff([]string{tc.wantCond, tc.wantChanges}, got); d != "" {
				t.Errorf("sequence %s (-want +got):\n%s", tc.seq, d)
			}
		})
	}
}

func TestNewRiseFallRejects(t *testing.T) {
	for _, rf := range [][2]int{{0, 1}, {1, 0}, {-1, 5}, {1 << 30, 1}} {
		if _, err := NewRiseFall(rf[0], rf[1]); err == nil {
			t.Errorf("NewRiseFall(%d, %d) succeeded", rf[0], rf[1])
		}
	}
}

func TestNewRiseFallFrom(t *testing.T) {
	tests := []struct {
		prev        Condition
		seq         string
		wantCond    string
		wantChanges string
	}{
		{Up, "FFF", "UUD", "..*"},   // rise 2 fall 3: fall failures needed, no init rule
		{Down, "SSF", "DUU", ".*."}, // rise successes needed, then fall again
		{Unknown, "F", "D", "*"},    // fresh start
		{Up, "S", "U", "."},         // already up: no change reported
	}
	for _, tc := range tests {
		rf, err := NewRiseFallFrom(2, 3, tc.prev)
		if err != nil {
			t.Fatal(err)
		}
		if rf.Condition() != tc.prev {
			t.Errorf("initial %v, want %v", rf.Condition(), tc.prev)
		}
		var conds, changes []byte
		for _, r := range tc.seq {
			changed, c := rf.Observe(r == 'S')
			conds = append(conds, map[Condition]byte{Up: 'U', Down: 'D', Unknown: '?'}[c])
			changes = append(changes, map[bool]byte{true: '*', false: '.'}[changed])
		}
		if got := string(conds) + " " + string(changes); got != tc.wantCond+" "+tc.wantChanges {
			t.Errorf("from %v, %s: got %s, want %s %s", tc.prev, tc.seq, got, tc.wantCond, tc.wantChanges)
		}
	}
	if _, err := NewRiseFallFrom(0, 1, Up); err == nil {
		t.Error("rise 0 accepted")
	}
}
