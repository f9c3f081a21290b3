package nslab

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/vishvananda/netns"
)

// CommandTimeout bounds every command run by Run.
const CommandTimeout = 30 * time.Second

// Run runs a command to completion inside namespace ns ("" = the current
// namespace) through "ip netns exec" and returns its combined output.
func Run(ns, name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), CommandTimeout)
	defer cancel()
	argv := nsArgv(ns, name, args)
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	// Its own process group: a Ctrl-C at the terminal goes to the program,
	// which then cleans up in order, not straight to every helper.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("run %q: %w: %s", strings.Join(argv, " "), err, bytes.TrimSpace(out))
	}
	return string(out), nil
}

// Run runs a command to completion inside the namespace of the host with
// the given role.
func (l *Lab) Run(role, name string, args ...string) (string, error) {
	h, err := l.Host(role)
	if err != nil {
		return "", err
	}
	return Run(h.Name, name, args...)
}

func nsArgv(ns, name string, args []string) []string {
	if ns == "" {
		return append([]string{name}, args...)
	}
	return append([]string{"ip", "netns", "exec", ns, name}, args...)
}

// DoIn runs f inside the named namespace on the calling goroutine's locked
// OS thread and restores the original namespace afterwards, also when f
// exits through runtime.Goexit (a test's t.Fatal). Sockets and netlink
// handles opened in f stay in that namespace; goroutines started by f do
// not run in it. If the original namespace cannot be restored DoIn panics
// rather than let the goroutine go on in the wrong namespace.
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
			panic(fmt.Sprintf("nslab: leave namespace %s: %v", name, err))
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

// StopTimeout is how long Stop waits after SIGTERM before SIGKILL.
const StopTimeout = 8 * time.Second

// Start starts a command in the background inside the namespace of the
// host with the given role, in its own process group, its output kept in
// memory and copied to tee when not nil. Close stops it if still running.
func (l *Lab) Start(role string, tee io.Writer, name string, args ...string) (*Proc, error) {
	h, err := l.Host(role)
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil, fmt.Errorf("start %s in %s: lab closed", name, h.Name)
	}
	p, err := StartProc(tee, nsArgv(h.Name, name, args)...)
	if err != nil {
		return nil, err
	}
	l.procs = append(l.procs, p)
	return p, nil
}

// StartProc starts argv in the background in its own process group, its
// output kept in memory and copied to tee when not nil. The caller stops
// it (Stop).
func StartProc(tee io.Writer, argv ...string) (*Proc, error) {
	p := &Proc{cmd: exec.Command(argv[0], argv[1:]...), argv: strings.Join(argv, " "), done: make(chan struct{})}
	var w io.Writer = &p.out
	if tee != nil {
		w = io.MultiWriter(&p.out, tee)
	}
	p.cmd.Stdout, p.cmd.Stderr = w, w
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := p.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %q: %w", p.argv, err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// Pid returns the process id ("ip netns exec" execs the command in place,
// so this is the command itself).
func (p *Proc) Pid() int { return p.cmd.Process.Pid }

// Output returns what the process wrote to stdout and stderr so far.
func (p *Proc) Output() string { return p.out.String() }

// Done is closed when the process has exited.
func (p *Proc) Done() <-chan struct{} { return p.done }

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
// its process group, which also takes whatever the process forked. Stop
// is idempotent and waits for the exit.
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
		// ESRCH when the group is already empty, the normal case.
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
