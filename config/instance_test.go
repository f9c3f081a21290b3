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

// TestFamilyText: a family prints and encodes as its name, as it did when
// it was a string, and decodes back (the hot-upgrade handover's keys).
func TestFamilyText(t *testing.T) {
	tests := []struct {
		family Family
		want   string
	}{
		{IPv4, "inet"},
		{IPv6, "inet6"},
		{0, ""},
	}
	for _, tc := range tests {
		js, err := json.Marshal(struct{ F Family }{tc.family})
		if err != nil {
			t.Fatal(err)
		}
		var back struct{ F Family }
		if err := json.Unmarshal(js, &back); err != nil {
			t.Fatalf("decode %s: %v", js, err)
		}
		got := []string{fmt.Sprint(tc.family), string(js), back.F.String()}
		want := []string{tc.want, fmt.Sprintf(`{"F":%q}`, tc.want), tc.want}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("family %d (-want +got):\n%s", tc.family, diff)
		}
	}
	var f Family
	if err := f.UnmarshalText([]byte("inet7")); err == nil {
		t.Errorf("inet7 decoded as %v, want an error", f)
	}
}
