package nstest

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"runtime"
	"strings"
	"time"

	"github.com/vishvananda/netns"

	"github.com/goalived/goalived/netif/nslab"
)

// CommandTimeout bounds every command run by Run and Exec.
const CommandTimeout = 30 * time.Second

// Run runs a command to completion inside namespace ns ("" = the current
// namespace) through "ip netns exec" and returns its combined output.
func Run(ns, name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), CommandTimeout)
	defer cancel()
	argv := nsArgv(ns, name, args)
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("run %q: %w: %s", strings.Join(argv, " "), err, bytes.TrimSpace(out))
	}
	return string(out), nil
}

func nsArgv(ns, name string, args []string) []string {
	if ns == "" {
		return append([]string{name}, args...)
	}
	return append([]string{"ip", "netns", "exec", ns, name}, args...)
}

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

// DoIn runs f inside the named namespace on the calling goroutine's locked
// OS thread and restores the original namespace afterwards, also when f
// exits through runtime.Goexit (t.Fatal). If the original namespace cannot
// be restored it panics rather than let the goroutine continue in the
// wrong namespace.
func DoIn(name string, f func()) error {
	runtime.LockOSThread()
	orig, err := netns.Get()
	if err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("get current namespace: %w", err)
	}
	defer orig.Close()
	target, err := netns.GetFromName(name)
	if err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("open namespace %s: %w", name, err)
	}
	defer target.Close()
	if err := netns.Set(target); err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("enter namespace %s: %w", name, err)
	}
	defer func() {
		if err := netns.Set(orig); err != nil {
			panic(fmt.Sprintf("nstest: leave namespace %s: %v", name, err))
		}
		runtime.UnlockOSThread()
	}()
	f()
	return nil
}

// Proc is a background process started by Lab.Start: Pid, Output,
// Signal, Wait and Stop (SIGTERM, then SIGKILL to its process group after
// StopTimeout). It is netif/nslab's, which the demo and benchmarks use.
type Proc = nslab.Proc

// StopTimeout is how long Stop waits after SIGTERM before SIGKILL.
const StopTimeout = nslab.StopTimeout

// Start starts a command in the background inside host i's namespace, in
// its own process group. It is stopped at cleanup if still running.
func (l *Lab) Start(i int, name string, args ...string) *Proc {
	l.t.Helper()
	l.checkIndex(i)
	p, err := nslab.StartProc(nil, nsArgv(l.hosts[i].Name, name, args)...)
	if err != nil {
		l.t.Fatalf("nstest: %v", err)
	}
	l.mu.Lock()
	l.procs = append(l.procs, p)
	l.mu.Unlock()
	return p
}
