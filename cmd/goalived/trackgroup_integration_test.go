package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/goalived/goalived/netif/nstest"
)

// TestIntegrationTrackGroup runs keepalived 2.2.7 and goalived with a
// static address on w0 whose track_group holds VI_1 but not VI_2: when
// w0 loses its carrier VI_1 goes to FAULT and comes back (BACKUP, then
// MASTER alone on the link) when it returns, while VI_2 stays MASTER.
// Both daemons must notify the same sequence.
func TestIntegrationTrackGroup(t *testing.T) {
	t.Parallel()
	keepalivedBinary(t) // skips without keepalived 2.2.7
	lab := nstest.New(t, nstest.Hosts(1))
	lab.Exec(0, "ip", "link", "add", "w0", "type", "veth", "peer", "name", "w1")
	lab.Exec(0, "ip", "link", "set", "w0", "up")
	lab.Exec(0, "ip", "link", "set", "w1", "up")
	for _, kind := range []string{keepalivedKind, goalivedKind} {
		t.Run(kind, func(t *testing.T) {
			dir := t.TempDir()
			notify := filepath.Join(dir, "notify.sh")
			log := filepath.Join(dir, "notify.log")
			instance := func(name string, vrid int) string {
				return fmt.Sprintf(`vrrp_instance %s {
    state BACKUP
    interface eth0
    virtual_router_id %d
    priority 100
    advert_int 0.5
    version 3
    notify %s
    virtual_ipaddress {
        192.0.2.%d/24
    }
}
`, name, vrid, notify, vrid)
			}
			text := `global_defs {
    script_user root
}
track_group TG {
    group {
        VI_1
    }
}
static_ipaddress {
    198.51.100.7/24 dev w0 track_group TG
}
` + instance("VI_1", 91) + instance("VI_2", 92)
			if err := os.WriteFile(notify, []byte("#!/bin/sh\necho \"$2 $3\" >>"+log+"\n"), 0o755); err != nil {
				t.Fatal(err)
			}
			startDaemon(t, lab, 0, kind, dir, text)
			of := func(name string) []string {
				b, _ := os.ReadFile(log)
				var out []string
				for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
					if n, st, ok := strings.Cut(line, " "); ok && n == name {
						out = append(out, st)
					}
				}
				return out
			}
			wait := func(name string, want ...string) {
				t.Helper()
				waitFor(t, 15*time.Second, func() bool { return slices.Equal(of(name), want) },
					func() string { return fmt.Sprintf("%s: %s notifies %v, have %v", kind, name, want, of(name)) })
			}
			wait("VI_1", "BACKUP", "MASTER")
			wait("VI_2", "BACKUP", "MASTER")
			lab.Exec(0, "ip", "link", "set", "w1", "down") // w0 loses its carrier
			wait("VI_1", "BACKUP", "MASTER", "FAULT")
			lab.Exec(0, "ip", "link", "set", "w1", "up")
			wait("VI_1", "BACKUP", "MASTER", "FAULT", "BACKUP", "MASTER")
			if got := of("VI_2"); !slices.Equal(got, []string{"BACKUP", "MASTER"}) {
				t.Errorf("%s: VI_2, outside the group, notified %v", kind, got)
			}
		})
	}
}
