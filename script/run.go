package script

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// Kill grace periods between SIGTERM and SIGKILL of a script's process
// group: 2 s after a timeout (vrrp_script_child_timeout_thread), 1 s when
// the caller cancels, as keepalived's script_killall does on reload and
// shutdown.
const (
	TimeoutKillGrace = 2 * time.Second
	CancelKillGrace  = 1 * time.Second
)

// outputGrace bounds how long Run waits, after the script exited, for
// output still in the capture pipe (a background grandchild may keep the
// pipe open for much longer).
const outputGrace = 100 * time.Millisecond

// ErrNoArgv is returned by Run for a Command without argv.
var ErrNoArgv = errors.New("command has no argv")

// Command is one script invocation.
type Command struct {
	// Argv is the argument vector as produced by SplitCommand; Argv[0] is
	// both the program and argv[0] of the new process.
	Argv []string
	// Path is the executable; empty means Argv[0], searched in PATH when it
	// contains no '/'. Callers normally resolve once with LookPath at load.
	Path string
	// User is the identity to run as; nil runs as the daemon itself.
	User *Identity
	// Env is the environment; nil passes the daemon's environment
	// unchanged, as keepalived 2.2.7 does (observed).
	Env []string
	// Timeout ends the run (process-group SIGTERM, then SIGKILL after
	// KillGrace); 0 means no timeout.
	Timeout time.Duration
	// KillGrace is the wait between SIGTERM and SIGKILL after a timeout:
	// 0 means TimeoutKillGrace, negative means SIGKILL at once (keepalived
	// does that for notify_stop scripts).
	KillGrace time.Duration
	// Capture keeps up to this many bytes of combined stdout and stderr in
	// Result.Output (a goalived addition, for logging failing checks);
	// 0 sends both to /dev/null exactly as keepalived does.
	Capture int
}

// Result describes one finished run.
type Result struct {
	PID      int
	Start    time.Time
	Duration time.Duration
	// OK is keepalived's verdict: exit status 0, or an exec failure.
	OK bool
	// ExitCode is the exit status, or -1 when killed by a signal or when
	// the program could not be executed.
	ExitCode int
	// Signal is the terminating signal, if any.
	Signal syscall.Signal
	// TimedOut: the run exceeded Command.Timeout and its group was killed;
	// always a failure (see package documentation).
	TimedOut bool
	// Canceled: the context ended the run and its group was killed.
	Canceled bool
	// Output holds the first Command.Capture bytes of stdout+stderr.
	Output []byte
	// ExecErr is set when the program could not be started (missing file,
	// no #!, bad interpreter, failed uid switch, or exit 126/127 of the
	// shell in the `</path` form). keepalived counts all of these as
	// success because its forked child exits 0; goalived does the same and
	// reports the error here so the daemon can warn.
	ExecErr error
	// Warnings are messages for the daemon to log (path search).
	Warnings []string
}

// Run runs c to completion, as keepalived's system_call_script does: no
// shell (except the `</path` form), stdin (and stdout/stderr
// unless captured) on /dev/null, a new process group, parent-death signal
// SIGTERM, the requested identity, and no inherited descriptors beyond
// 0-2 (Go opens everything close-on-exec). On timeout or cancellation the
// whole process group gets SIGTERM, then SIGKILL, and once the script has
// exited (still unreaped, so its pgid cannot be reused) SIGKILL again to
// remove grandchildren. The child is always reaped before Run returns.
// The error is non-nil only for an unusable Command or when no process
// could be created (pipe or fork failure: out of descriptors, processes or
// memory); there is no verdict then, as in keepalived.
func Run(ctx context.Context, c Command) (Result, error) {
	if len(c.Argv) == 0 {
		return Result{ExitCode: -1}, fmt.Errorf("run script: %w", ErrNoArgv)
	}
	inheritedOnce.Do(closeInheritedOnExec)
	res := Result{ExitCode: -1, Start: time.Now()}
	cmd, shell, err := prepare(c, &res)
	if err != nil {
		res.OK, res.ExecErr = true, err
		return res, nil
	}
	var out *capture
	if c.Capture > 0 {
		if out, err = attachCapture(cmd, c.Capture); err != nil {
			return res, fmt.Errorf("run script %s: %w", c.Argv[0], err)
		}
	}
	if err := cmd.Start(); err != nil {
		out.abandon()
		if errors.Is(err, syscall.EAGAIN) || errors.Is(err, syscall.ENOMEM) {
			// fork itself failed: keepalived then has no result at all.
			return res, fmt.Errorf("start script %s: %w", cmd.Path, err)
		}
		res.OK, res.ExecErr = true, fmt.Errorf("exec %s: %w", cmd.Path, err)
		res.Duration = time.Since(res.Start)
		return res, nil
	}
	out.started()
	res.PID = cmd.Process.Pid
	supervise(ctx, c, cmd.Process.Pid, &res)
	_ = cmd.Wait() // the status is read from ProcessState below
	res.Duration = time.Since(res.Start)
	res.Output = out.collect(outputGrace)
	classify(cmd.ProcessState, shell, &res)
	return res, nil
}

// prepare builds the exec.Cmd; an error here is an exec failure.
func prepare(c Command, res *Result) (*exec.Cmd, bool, error) {
	argv, path, shell := c.Argv, c.Path, IsShellTest(c.Argv[0])
	switch {
	case shell:
		path, argv = "/bin/sh", []string{"sh", "-c", shellString(c.Argv)}
	case path == "":
		id := Self()
		if c.User != nil {
			id = *c.User
		}
		p, searched, err := LookPath(c.Argv[0], id)
		if err != nil {
			return nil, false, err
		}
		if searched {
			res.Warnings = append(res.Warnings, PathSearchWarning(c.Argv[0], p))
		}
		path = p
	}
	defaultSignals()
	cmd := &exec.Cmd{Path: path, Args: argv, Env: c.Env}
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Setpgid:    true,
		Pdeathsig:  syscall.SIGTERM,
		Credential: credential(c.User),
	}
	return cmd, shell, nil
}

// credential returns nil when no switch is needed; an unprivileged daemon
// cannot call setgroups, so it only switches when the identity differs.
func credential(id *Identity) *syscall.Credential {
	if id == nil {
		return nil
	}
	if os.Geteuid() != 0 && id.UID == uint32(os.Getuid()) && id.GID == uint32(os.Getgid()) {
		return nil
	}
	// An empty Groups list clears the supplementary groups, as keepalived's
	// setgroups(num_sup_grp, sup_grp) does.
	return &syscall.Credential{Uid: id.UID, Gid: id.GID, Groups: id.Groups}
}

// shellString is keepalived's cmd_str: the first word verbatim (it is the
// redirection), every other word single-quoted.
func shellString(argv []string) string {
	var b strings.Builder
	b.WriteString(argv[0])
	for _, a := range argv[1:] {
		b.WriteString(" '")
		b.WriteString(strings.ReplaceAll(a, "'", `'\''`))
		b.WriteString("'")
	}
	return b.String()
}

// supervise waits for the script to exit (without reaping it), enforcing
// the timeout and the context.
func supervise(ctx context.Context, c Command, pid int, res *Result) {
	exited := make(chan struct{})
	go func() {
		waitExited(pid)
		close(exited)
	}()
	var timeout <-chan time.Time
	if c.Timeout > 0 {
		t := time.NewTimer(c.Timeout)
		defer t.Stop()
		timeout = t.C
	}
	grace := c.KillGrace
	select {
	case <-exited:
		return
	case <-timeout:
		res.TimedOut = true
		if grace == 0 {
			grace = TimeoutKillGrace
		}
	case <-ctx.Done():
		res.Canceled = true
		if grace >= 0 {
			grace = CancelKillGrace
		}
	}
	terminate(pid, grace, exited)
}

// terminate kills process group pid: SIGTERM, SIGKILL after grace (at once
// if grace < 0), then, when the leader has exited, SIGKILL once more for
// any grandchild that survived or ignored SIGTERM.
func terminate(pid int, grace time.Duration, exited <-chan struct{}) {
	if grace < 0 {
		_ = syscall.Kill(-pid, syscall.SIGKILL)
	} else {
		_ = syscall.Kill(-pid, syscall.SIGTERM)
		t := time.NewTimer(grace)
		select {
		case <-exited:
		case <-t.C:
			_ = syscall.Kill(-pid, syscall.SIGKILL)
		}
		t.Stop()
	}
	<-exited
	_ = syscall.Kill(-pid, syscall.SIGKILL)
}

// classify fills the verdict from the wait status.
func classify(ps *os.ProcessState, shell bool, res *Result) {
	ws, _ := ps.Sys().(syscall.WaitStatus)
	switch {
	case ws.Signaled():
		res.Signal = ws.Signal()
	case ws.Exited():
		res.ExitCode = ws.ExitStatus()
	}
	res.OK = res.ExitCode == 0
	if shell && (res.ExitCode == 126 || res.ExitCode == 127) {
		// keepalived maps "cannot find/execute" of system() to success.
		res.OK = true
		res.ExecErr = fmt.Errorf("shell test: /bin/sh exit status %d", res.ExitCode)
	}
	if res.TimedOut || res.Canceled {
		res.OK = false
	}
}
