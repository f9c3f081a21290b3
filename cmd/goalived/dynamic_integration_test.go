package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/goalived/goalived/netif/nstest"
)

// TestIntegrationDynamicInterfaces runs keepalived 2.2.7 and goalived
// with an instance on an interface that does not exist yet. With
// dynamic_interfaces both start, notify FAULT, and follow the interface:
// BACKUP then MASTER (alone on the link) once it exists with an address,
// FAULT when it is deleted, BACKUP and MASTER again (with the VIP) when it
// is created anew with another index. Without the keyword both refuse to
// run.
func TestIntegrationDynamicInterfaces(t *testing.T) {
	t.Parallel()
	keepalivedBinary(t) // skips without keepalived 2.2.7
	lab := nstest.New(t, nstest.Hosts(1))
	run := func(t *testing.T, kind, global string) (p *nstest.Proc, notified func() []string) {
		dir := t.TempDir()
		notify := filepath.Join(dir, "notify.sh")
		text := fmt.Sprintf(`global_defs {
    script_user root
    %s
}
vrrp_instance VI_1 {
    state BACKUP
    interface vx0
    virtual_router_id 81
    priority 100
    advert_int 0.5
    version 3
    notify %s
    virtual_ipaddress {
        192.0.2.81/24
    }
}
`, global, notify)
		log := filepath.Join(dir, "notify.log")
		if err := os.WriteFile(notify, []byte("#!/bin/sh\necho \"$3\" >>"+log+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		// Registered first, so it runs once the daemon has stopped.
		t.Cleanup(func() { _, _ = lab.Run(0, "ip", "link", "del", "vx0") })
		p = startDaemon(t, lab, 0, kind, dir, text)
		return p, func() []string {
			b, _ := os.ReadFile(log)
			return strings.Fields(string(b))
		}
	}
	create := func(t *testing.T) {
		lab.Exec(0, "ip", "link", "add", "vx0", "type", "veth", "peer", "name", "vx1")
		lab.Exec(0, "ip", "link", "set", "vx1", "up")
		lab.Exec(0, "ip", "link", "set", "vx0", "up")
		lab.Exec(0, "ip", "addr", "add", "192.0.2.80/24", "dev", "vx0")
	}
	hasVIP := func() bool {
		out, err := lab.Run(0, "ip", "-4", "addr", "show", "dev", "vx0")
		return err == nil && strings.Contains(out, "192.0.2.81/24")
	}
	for _, kind := range []string{keepalivedKind, goalivedKind} {
		t.Run(kind, func(t *testing.T) {
			_, notified := run(t, kind, "dynamic_interfaces")
			want := []string{"FAULT"}
			wait := func(what string) {
				t.Helper()
				waitFor(t, 15*time.Second, func() bool { return strings.Join(notified(), " ") == strings.Join(want, " ") },
					func() string { return fmt.Sprintf("%s: notifies %v (%s), have %v", kind, want, what, notified()) })
			}
			wait("at start")
			create(t)
			want = append(want, "BACKUP", "MASTER")
			wait("interface created")
			waitFor(t, 5*time.Second, hasVIP, func() string { return kind + " to add the VIP" })
			lab.Exec(0, "ip", "link", "del", "vx0")
			want = append(want, "FAULT")
			wait("interface deleted")
			create(t)
			want = append(want, "BACKUP", "MASTER")
			wait("interface created again")
			waitFor(t, 5*time.Second, hasVIP, func() string { return kind + " to add the VIP again" })
		})
	}
	t.Run("without dynamic_interfaces", func(t *testing.T) {
		for _, kind := range []string{keepalivedKind, goalivedKind} {
			p, _ := run(t, kind, "")
			if err := p.Wait(20 * time.Second); err == nil {
				t.Errorf("%s ran with a missing interface and exited 0", kind)
			} else if strings.Contains(err.Error(), "timed out") || strings.Contains(err.Error(), "still running") {
				t.Errorf("%s still runs with a missing interface and without dynamic_interfaces: %v", kind, err)
			}
		}
	})
}
