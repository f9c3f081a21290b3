package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/goalived/goalived/netif/nstest"
)

// goalivedNode is a goalived started in the foreground on one lab host, with its
// configuration, pid files and status file in a private directory.
type goalivedNode struct {
	*nstest.Proc
	dir, conf, status string
}

// startGoalived writes conf and starts goalived on host i as keepalived is run
// in tests: -n -l with private pid files and status file; extra options
// follow.
func startGoalived(t *testing.T, lab *nstest.Lab, i int, conf string, extra ...string) *goalivedNode {
	t.Helper()
	n := &goalivedNode{dir: t.TempDir()}
	n.conf = filepath.Join(n.dir, "keepalived.conf")
	n.status = filepath.Join(n.dir, "status")
	if err := os.WriteFile(n.conf, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	args := append([]string{"-n", "-l", "-f", n.conf, "-p", filepath.Join(n.dir, "k.pid"),
		"-r", filepath.Join(n.dir, "v.pid"), "--status-file", n.status}, extra...)
	n.Proc = lab.Start(i, goalivedBinary(t), args...)
	return n
}
