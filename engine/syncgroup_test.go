package engine

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNextGroupState(t *testing.T) {
	type step struct {
		member, to string
		want       string
		changed    bool
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"start, master, stop: one notify per group transition", []step{
			{"a", "INIT", "", false},
			{"a", "BACKUP", "BACKUP", true},
			{"b", "BACKUP", "BACKUP", false},
			{"a", "MASTER", "MASTER", true},
			{"b", "MASTER", "MASTER", false},
			{"a", "STOP", "STOP", true},
			{"b", "STOP", "STOP", false},
		}},
		{"fault is sticky until no member is in fault", []step{
			{"a", "BACKUP", "BACKUP", true},
			{"b", "BACKUP", "BACKUP", false},
			{"a", "FAULT", "FAULT", true},
			{"b", "FAULT", "FAULT", false},
			{"a", "BACKUP", "FAULT", false},
			{"b", "BACKUP", "BACKUP", true},
		}},
		{"stop ends a fault", []step{
			{"a", "FAULT", "FAULT", true},
			{"b", "FAULT", "FAULT", false},
			{"a", "STOP", "STOP", true},
			{"b", "STOP", "STOP", false},
		}},
	}
	for _, tc := range tests {
		cur, states := "", map[string]string{}
		for i, s := range tc.steps {
			next, changed := nextGroupState(cur, states, s.member, s.to)
			type got struct {
				State   string
				Changed bool
			}
			if diff := cmp.Diff(got{s.want, s.changed}, got{next, changed}); diff != "" {
				t.Errorf("%s step %d (-want +got):\n%s", tc.name, i, diff)
			}
			cur = next
		}
	}
}
