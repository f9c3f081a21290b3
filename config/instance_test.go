package config

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestStateText: a state prints and encodes as its keyword, as it did
// when it was a string.
func TestStateText(t *testing.T) {
	tests := []struct {
		state State
		want  string
	}{
		{StateMaster, "MASTER"},
		{StateBackup, "BACKUP"},
		{0, ""},
	}
	for _, tc := range tests {
		js, err := json.Marshal(struct{ S State }{tc.state})
		if err != nil {
			t.Fatal(err)
		}
		got := []string{fmt.Sprint(tc.state), string(js)}
		want := []string{tc.want, fmt.Sprintf(`{"S":%q}`, tc.want)}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("state %d (-want +got):\n%s", tc.state, diff)
		}
	}
}
