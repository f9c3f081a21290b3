// Package nstest is the test side of goalived's namespace lab: the
// netif/nslab lab bound to testing.TB, and the harness that runs goalived
// and keepalived 2.2.7 side by side in it. The root-only integration
// tests (TestIntegration*, TestE2E*) of every package use it.
//
// # The lab
//
// A Lab is one Ethernet segment of N host namespaces on a bridge, built
// by netif/nslab (see there for the addresses, MACs and names), numbered
// from 0 here. Everything is removed with t.Cleanup, also when the test
// fails: processes are killed by pid (never by name), then the
// namespaces are deleted. New skips the test when not run as root, and
// fails it where GOALIVED_REQUIRE_ROOT=1 (CI) says root tests must run.
//
//	lab := nstest.New(t, nstest.Hosts(2))
//	a := lab.Host(0)                                    // a.Name, a.Addr4, a.Addr6, a.LinkLocal, a.MAC
//	lab.Exec(0, "ip", "addr", "show", "dev", a.Ifname)  // fails the test on error
//	lab.Do(1, func() { conn, err = netif.Listen(...) }) // the socket lives in host 1's namespace
//	lab.SetPort(1, false)                               // cable cut
//
// Namespace names are random and every test has its own lab, so a test
// that builds its own lab starts with t.Parallel(): CI runs the package
// with -parallel 6, and the namespace tests spend their time waiting on
// VRRP timers. Leave out t.Parallel only where a test measures timing
// that a busy machine would spoil (sampling for dual masters every
// 50 ms). Only documentation address ranges are used and the root
// namespace is never modified.
//
// # The daemon harness
//
// StartDaemon runs goalived or keepalived on a lab host with the same
// conventions for both (see Daemon for the files in its directory): the
// configuration's {{DIR}} is the daemon's directory, which also holds a
// notify script (notify.sh, logging to notify.log), a FIFO reader
// (fifo.sh, logging to fifo.log) and the dump files. A comparison test
// runs its body once per kind:
//
//	func TestIntegrationThing(t *testing.T) {
//		nstest.ForKinds(t, func(t *testing.T, kind nstest.Kind) {
//			lab := nstest.New(t, nstest.Hosts(1))
//			d := nstest.StartDaemon(t, lab, 0, kind, conf)   // conf may say "notify {{DIR}}/notify.sh"
//			d.WaitLine(t, "notify.log", "INSTANCE VI_1 MASTER 100", 1, 20*time.Second)
//			d.Reload(t, newConf)                              // write keepalived.conf, SIGHUP
//			d.Signal(t, syscall.SIGUSR1)
//			d.WaitFile(t, "keepalived.data", 20*time.Second)
//		})
//	}
//
// Options: Args (more command-line options), Env, InDir (a directory of
// the test's), WithParent (keepalived keeps its parent process, for
// keepalived_parent.data). GoalivedBinary builds the daemon once per test
// binary (a package that uses it has func TestMain(m *testing.M) {
// nstest.Main(m) }); Keepalived and Program find the reference programs.
//
// Wait by condition, never with a fixed sleep: WaitFor, Daemon.WaitLine,
// WaitPrefix, WaitMatch and WaitFile poll until the fact holds or the
// deadline passes. keepalived is slow under load (seconds to write a dump
// or a FIFO line on a busy 2-core machine): give it generous deadlines
// (10-30 s); a deadline only costs time when the test fails.
package nstest
