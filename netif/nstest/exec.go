package nstest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/vishvananda/netns"
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

// Proc is a background process started by Lab.Start.
type Proc struct {
	cmd  *exec.Cmd
	argv string

	out  lockedBuffer
	done chan struct{}
	err  error // set before done is closed

	stopOnce sync.Once
}

// Start starts a command in the background inside host i's namespace, in
// its own process group. It is stopped (SIGTERM, then SIGKILL to its
// process group after StopTimeout) at cleanup if still running.
func (l *Lab) Start(i int, name string, args ...string) *Proc {
	l.t.Helper()
	l.checkIndex(i)
	argv := nsArgv(l.hosts[i].Name, name, args)
	p := &Proc{cmd: exec.Command(argv[0], argv[1:]...), argv: strings.Join(argv, " "), done: make(chan struct{})}
	p.cmd.Stdout = &p.out
	p.cmd.Stderr = &p.out
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := p.cmd.Start(); err != nil {
		l.t.Fatalf("nstest: start %q: %v", p.argv, err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	l.mu.Lock()
	l.procs = append(l.procs, p)
	l.mu.Unlock()
	return p
}

// StopTimeout is how long Stop waits after SIGTERM before SIGKILL.
const StopTimeout = 8 * time.Second

// Pid returns the process id ("ip netns exec" execs the command in place,
// so this is the command itself).
func (p *Proc) Pid() int { return p.cmd.Process.Pid }

// Output returns what the process wrote to stdout and stderr so far.
func (p *Proc) Output() string { return p.out.String() }

// Signal sends sig to the process (by pid).
func (p *Proc) Signal(sig syscall.Signal) error {
	select {
	case <-p.done:
		return fmt.Errorf("signal %q: process %d already exited", p.argv, p.Pid())
	default:
	}
	if err := syscall.Kill(p.Pid(), sig); err != nil {
		return fmt.Errorf("signal %q (pid %d): %w", p.argv, p.Pid(), err)
	}
	return nil
}

// Wait waits up to d for the process to exit and returns its exit error.
func (p *Proc) Wait(d time.Duration) error {
	select {
	case <-p.done:
		return p.err
	case <-time.After(d):
		return fmt.Errorf("wait %q (pid %d): still running after %v", p.argv, p.Pid(), d)
	}
}

// Stop terminates the process: SIGTERM, then after StopTimeout SIGKILL to
// its process group. Whatever is left of the group (children a daemon
// forked) is killed too. Stop is idempotent.
func (p *Proc) Stop() {
	p.stopOnce.Do(func() {
		pgid := p.Pid() // Setpgid: the group id is the leader's pid
		select {
		case <-p.done:
		default:
			_ = syscall.Kill(p.Pid(), syscall.SIGTERM)
			select {
			case <-p.done:
			case <-time.After(StopTimeout):
			}
		}
		// ESRCH when the group is already empty, which is the normal case.
		if err := syscall.Kill(-pgid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
			return
		}
		<-p.done
	})
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
