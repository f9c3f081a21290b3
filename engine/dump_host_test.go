package engine

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestStatusUmask(t *testing.T) {
	u := func(v uint32) *uint32 { return &v }
	for _, c := range []struct {
		name   string
		status string
		want   *uint32
	}{
		{"keepalived default", "Name:\tgoalived\nUmask:\t0177\nState:\tS (sleeping)\n", u(0o177)},
		{"umask keyword 0077", "Umask:\t0077\n", u(0o77)},
		{"zero", "Umask:\t0000\n", u(0)},
		{"kernel before 4.7", "Name:\tgoalived\nState:\tS (sleeping)\n", nil},
		{"garbled", "Umask:\tzz\n", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			if diff := cmp.Diff(c.want, statusUmask([]byte(c.status))); diff != "" {
				t.Errorf("statusUmask (-want +got):\n%s", diff)
			}
		})
	}
	if processUmask() == nil {
		t.Error("no Umask line in /proc/self/status")
	}
}
