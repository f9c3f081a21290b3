package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/goalived/goalived/netif/nstest"
)

// startDaemon writes text to dir/keepalived.conf and runs kind
// (keepalivedKind or goalivedKind) with it on host i of lab as the
// comparison tests run both daemons: -n -l -D with pid files dir/d.pid and
// dir/v.pid, and for goalived the status file dir/status. The daemon is
// stopped at the end of t, and its output logged if t failed.
func startDaemon(t *testing.T, lab *nstest.Lab, i int, kind, dir, text string) *nstest.Proc {
	t.Helper()
	conf := filepath.Join(dir, "keepalived.conf")
	if err := os.WriteFile(conf, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	argv := []string{"-n", "-l", "-D", "-f", conf, "-p", filepath.Join(dir, "d.pid"), "-r", filepath.Join(dir, "v.pid")}
	var bin string
	switch kind {
	case keepalivedKind:
		bin = keepalivedBinary(t)
	case goalivedKind:
		bin = goalivedBinary(t)
		argv = append(argv, "--status-file", filepath.Join(dir, "status"))
	default:
		t.Fatalf("unknown daemon kind %q", kind)
	}
	p := lab.Start(i, bin, argv...)
	t.Cleanup(func() {
		p.Stop()
		if t.Failed() {
			t.Logf("%s output:\n%s", kind, p.Output())
		}
	})
	return p
}
