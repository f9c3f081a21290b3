package nstest

import (
	"github.com/goalived/goalived/netif/nslab"
)

// CommandTimeout bounds every command run by Run and Exec.
const CommandTimeout = nslab.CommandTimeout

// Run runs a command to completion inside namespace ns ("" = the current
// namespace) through "ip netns exec" and returns its combined output.
func Run(ns, name string, args ...string) (string, error) { return nslab.Run(ns, name, args...) }

// DoIn runs f inside the named namespace on the calling goroutine's
// locked OS thread (see nslab.DoIn).
func DoIn(name string, f func()) error { return nslab.DoIn(name, f) }

// Exec runs a command inside host i's namespace and returns its combined
// output; a failure fails the test.
func (l *Lab) Exec(i int, name string, args ...string) string {
	l.t.Helper()
	l.checkIndex(i)
	out, err := Run(l.hosts[i].Name, name, args...)
	if err != nil {
		l.t.Fatalf("nstest: %v", err)
	}
	return out
}

// Run runs a command inside host i's namespace and returns its combined
// output and error, for commands expected to fail.
func (l *Lab) Run(i int, name string, args ...string) (string, error) {
	l.t.Helper()
	l.checkIndex(i)
	return Run(l.hosts[i].Name, name, args...)
}

// Do runs f inside host i's namespace on the calling goroutine, with the
// OS thread locked for the duration. Sockets and netlink handles opened in
// f stay in that namespace after Do returns; goroutines started by f do
// not run in it. f may call t.Fatal.
func (l *Lab) Do(i int, f func()) {
	l.t.Helper()
	l.checkIndex(i)
	if err := DoIn(l.hosts[i].Name, f); err != nil {
		l.t.Fatalf("nstest: %v", err)
	}
}

// Proc is a background process started by Lab.Start: Pid, Output,
// Signal, Wait and Stop (SIGTERM, then SIGKILL to its process group after
// StopTimeout).
type Proc = nslab.Proc

// StopTimeout is how long Stop waits after SIGTERM before SIGKILL.
const StopTimeout = nslab.StopTimeout

// Start starts a command in the background inside host i's namespace, in
// its own process group. It is stopped at cleanup if still running.
func (l *Lab) Start(i int, name string, args ...string) *Proc {
	l.t.Helper()
	l.checkIndex(i)
	p, err := l.lab.Start(l.hosts[i].Role, nil, name, args...)
	if err != nil {
		l.t.Fatalf("nstest: %v", err)
	}
	return p
}
