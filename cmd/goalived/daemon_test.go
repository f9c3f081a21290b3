package main

import (
	"testing"

	"github.com/goalived/goalived/netif/nstest"
)

// startDaemon runs kind (keepalivedKind or goalivedKind) with the
// configuration text on host i of lab through the shared harness
// (nstest.StartDaemon), with its files in dir: keepalived.conf, the pid
// files daemon.pid and vrrp.pid, goalived's status file. The daemon is
// stopped at the end of t, and its output logged if t failed.
func startDaemon(t *testing.T, lab *nstest.Lab, i int, kind, dir, text string) *nstest.Proc {
	t.Helper()
	return nstest.StartDaemon(t, lab, i, nstest.Kind(kind), text, nstest.InDir(dir)).Proc
}
