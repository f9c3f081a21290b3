package track

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/goalived/goalived/config"
)

func TestNextGroupState(t *testing.T) {
	type step struct {
		member, to string
		want       string
		changed    bool
	}
	tests := []struct {
		name    string
		members []string
		steps   []step
	}{
		{"the group follows once all members agree", []string{"a", "b"}, []step{
			{"a", "INIT", "", false},
			{"a", "BACKUP", "BACKUP", true}, // the first member takes the group out of INIT
			{"b", "BACKUP", "BACKUP", false},
			{"a", "MASTER", "BACKUP", false},
			{"b", "MASTER", "MASTER", true},
			{"b", "FAULT", "MASTER", false},
			{"a", "FAULT", "FAULT", true},
			{"a", "BACKUP", "FAULT", false},
			{"b", "BACKUP", "BACKUP", true},
			{"a", "STOP", "BACKUP", false},
			{"b", "STOP", "STOP", true},
		}},
		{"members that disagree leave the group where it was", []string{"a", "b"}, []step{
			{"a", "BACKUP", "BACKUP", true},
			{"b", "BACKUP", "BACKUP", false},
			{"a", "MASTER", "BACKUP", false},
			{"a", "BACKUP", "BACKUP", false},
			{"a", "MASTER", "BACKUP", false},
		}},
		{"one member", []string{"a"}, []step{
			{"a", "BACKUP", "BACKUP", true},
			{"a", "BACKUP", "BACKUP", false},
			{"a", "MASTER", "MASTER", true},
		}},
		{"a non-member report changes nothing", []string{"a"}, []step{
			{"a", "BACKUP", "BACKUP", true},
			{"x", "MASTER", "BACKUP", false},
		}},
	}
	for _, tc := range tests {
		cur, states := "", map[string]string{}
		for i, s := range tc.steps {
			next, changed := nextGroupState(cur, tc.members, states, s.member, s.to)
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

func TestMixedOwners(t *testing.T) {
	cfg := &config.Config{Instances: []*config.Instance{{Name: "a", Priority: 255}, {Name: "b", Priority: 100}, {Name: "c", Priority: 255}}}
	tests := []struct {
		members []string
		want    bool
	}{
		{[]string{"a", "b"}, true}, {[]string{"a", "c"}, false}, {[]string{"b"}, false}, {[]string{"a", "missing"}, false},
	}
	for _, tc := range tests {
		if got := mixedOwners(cfg, &config.SyncGroup{Name: "G", Members: tc.members}); got != tc.want {
			t.Errorf("mixedOwners(%v) = %t, want %t", tc.members, got, tc.want)
		}
	}
}
