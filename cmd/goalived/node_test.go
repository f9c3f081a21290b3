package main

import (
	"testing"

	"github.com/goalived/goalived/netif/nstest"
)

// goalivedNode is a goalived started in the foreground on one lab host, with its
// configuration, pid files and status file in a private directory.
type goalivedNode struct {
	*nstest.Proc
	dir, conf, status string
}

// startGoalived writes conf and starts goalived on host i through the
// shared harness (nstest.StartDaemon); extra options follow.
func startGoalived(t *testing.T, lab *nstest.Lab, i int, conf string, extra ...string) *goalivedNode {
	t.Helper()
	d := nstest.StartDaemon(t, lab, i, nstest.GoalivedKind, conf, nstest.Args(extra...))
	return &goalivedNode{Proc: d.Proc, dir: d.Dir, conf: d.Path("keepalived.conf"), status: d.Path("status")}
}
