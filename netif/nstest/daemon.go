package nstest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Kind is the daemon a test runs: goalived, or keepalived 2.2.7 as the
// reference.
type Kind string

// The two kinds of daemon.
const (
	GoalivedKind   Kind = "goalived"
	KeepalivedKind Kind = "keepalived"
)

// Kinds are both kinds, goalived first: comparison tests check the same
// expectation against each, so that they pin keepalived's observed
// behaviour, not a guess.
var Kinds = []Kind{GoalivedKind, KeepalivedKind}

// ForKinds runs f as a subtest per kind, named after it, the kinds in
// parallel: f builds its own lab and shares nothing across kinds. The
// keepalived subtest is Unavailable when keepalived is not installed.
func ForKinds(t *testing.T, f func(t *testing.T, kind Kind)) {
	t.Helper()
	for _, kind := range Kinds {
		t.Run(string(kind), func(t *testing.T) {
			t.Parallel()
			if kind == KeepalivedKind {
				Keepalived(t)
			}
			f(t, kind)
		})
	}
}

// Daemon is goalived or keepalived running on a lab host the way the
// comparison tests run both, with its files in a private directory Dir:
//
//	keepalived.conf  the configuration ({{DIR}} in it replaced by Dir)
//	daemon.pid       the main pid file (-p)
//	vrrp.pid         the VRRP process's pid file (-r)
//	status           goalived's status file (--status-file)
//	notify.sh        a notify script appending its arguments to notify.log
//	fifo.sh          a notify FIFO reader appending every line to fifo.log
//	                 (both unless the test wrote its own)
//	keepalived.data  ... the dump files (TMPDIR is Dir)
//
// It runs in the foreground with detailed logs on stderr (-n -l -D);
// keepalived only runs its VRRP process (-P) unless WithParent is given.
// The daemon is stopped when the test ends, and its output and *.log
// files are logged if the test failed.
type Daemon struct {
	Kind Kind
	Host int
	Dir  string
	Proc *Proc
}

// DaemonOption changes how StartDaemon runs a daemon.
type DaemonOption func(*daemonOptions)

type daemonOptions struct {
	args, env []string
	dir       string
	parent    bool
}

// Args adds command-line options after the harness's own.
func Args(args ...string) DaemonOption {
	return func(o *daemonOptions) { o.args = append(o.args, args...) }
}

// Env adds NAME=value pairs to the daemon's environment.
func Env(kv ...string) DaemonOption { return func(o *daemonOptions) { o.env = append(o.env, kv...) } }

// InDir uses dir instead of a new temporary directory.
func InDir(dir string) DaemonOption { return func(o *daemonOptions) { o.dir = dir } }

// WithParent keeps keepalived's parent process (no -P), for tests of what
// the parent writes (keepalived_parent.data).
func WithParent() DaemonOption { return func(o *daemonOptions) { o.parent = true } }

// StartDaemon writes conf and the helper scripts to the daemon's
// directory and starts kind on host i of l (see Daemon).
func StartDaemon(t *testing.T, l *Lab, i int, kind Kind, conf string, opts ...DaemonOption) *Daemon {
	t.Helper()
	var o daemonOptions
	for _, opt := range opts {
		opt(&o)
	}
	d := &Daemon{Kind: kind, Host: i, Dir: o.dir}
	if d.Dir == "" {
		d.Dir = t.TempDir()
	}
	d.writeNew(t, "notify.sh", "#!/bin/sh\necho \"$*\" >>"+d.Path("notify.log")+"\n")
	d.writeNew(t, "fifo.sh", "#!/bin/sh\nexec cat \"$1\" >>"+d.Path("fifo.log")+"\n")
	d.WriteConf(t, conf)
	argv := append([]string{"TMPDIR=" + d.Dir}, o.env...)
	switch kind {
	case GoalivedKind:
		argv = append(argv, GoalivedBinary(t))
	case KeepalivedKind:
		argv = append(argv, Keepalived(t))
	default:
		t.Fatalf("nstest: unknown daemon kind %q", kind)
	}
	argv = append(argv, "-n", "-l", "-D", "-f", d.Path("keepalived.conf"), "-p", d.Path("daemon.pid"), "-r", d.Path("vrrp.pid"))
	if kind == GoalivedKind {
		argv = append(argv, "--status-file", d.Path("status"))
	} else if !o.parent {
		argv = append(argv, "-P")
	}
	d.Proc = l.Start(i, "env", append(argv, o.args...)...)
	t.Cleanup(func() {
		d.Proc.Stop()
		if t.Failed() {
			t.Logf("%v (pid %d):\n%s%s", d, d.Proc.Pid(), d.Proc.Output(), d.logs())
		}
	})
	return d
}

func (d *Daemon) String() string { return fmt.Sprintf("%s on host %d", d.Kind, d.Host) }

// logs are the daemon's *.log files, for a failed test's output.
func (d *Daemon) logs() string {
	names, _ := filepath.Glob(d.Path("*.log"))
	var b strings.Builder
	for _, n := range names {
		fmt.Fprintf(&b, "%s:\n%s", filepath.Base(n), d.Read(filepath.Base(n)))
	}
	return b.String()
}

// writeNew writes an executable helper script unless the test wrote its
// own.
func (d *Daemon) writeNew(t testing.TB, name, content string) {
	t.Helper()
	if _, err := os.Stat(d.Path(name)); err == nil {
		return
	}
	d.Write(t, name, content, 0o755)
}

// Path is the path of name in the daemon's directory.
func (d *Daemon) Path(name string) string { return filepath.Join(d.Dir, name) }

// Write writes a file of the daemon's directory with the given mode.
func (d *Daemon) Write(t testing.TB, name, content string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(d.Path(name), []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(d.Path(name), mode); err != nil {
		t.Fatal(err)
	}
}

// WriteConf writes keepalived.conf, {{DIR}} replaced by the directory.
func (d *Daemon) WriteConf(t testing.TB, conf string) {
	t.Helper()
	d.Write(t, "keepalived.conf", strings.ReplaceAll(conf, "{{DIR}}", d.Dir), 0o644)
}

// Reload writes a new keepalived.conf and sends SIGHUP.
func (d *Daemon) Reload(t testing.TB, conf string) {
	t.Helper()
	d.WriteConf(t, conf)
	d.Signal(t, syscall.SIGHUP)
}

// Signal sends sig to the daemon.
func (d *Daemon) Signal(t testing.TB, sig syscall.Signal) {
	t.Helper()
	if err := d.Proc.Signal(sig); err != nil {
		t.Fatalf("%v: %v", d, err)
	}
}

// Read returns a file of the daemon's directory, "" when it is absent.
func (d *Daemon) Read(name string) string {
	b, _ := os.ReadFile(d.Path(name))
	return string(b)
}

// Lines returns the lines of a file of the daemon's directory.
func (d *Daemon) Lines(name string) []string {
	s := strings.TrimSpace(d.Read(name))
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// WaitLine waits until the file has line, at least count times.
func (d *Daemon) WaitLine(t testing.TB, name, line string, count int, within time.Duration) {
	t.Helper()
	d.WaitMatch(t, name, fmt.Sprintf("%q", line), func(l string) bool { return l == line }, count, within)
}

// WaitPrefix waits until the file has a line starting with prefix.
func (d *Daemon) WaitPrefix(t testing.TB, name, prefix string, within time.Duration) {
	t.Helper()
	d.WaitMatch(t, name, fmt.Sprintf("%q...", prefix), func(l string) bool { return strings.HasPrefix(l, prefix) }, 1, within)
}

// WaitMatch waits until count lines of the file match; what describes
// them in the failure.
func (d *Daemon) WaitMatch(t testing.TB, name, what string, match func(string) bool, count int, within time.Duration) {
	t.Helper()
	WaitFor(t, within, func() bool {
		n := 0
		for _, l := range d.Lines(name) {
			if match(l) {
				n++
			}
		}
		return n >= count
	}, func() string {
		return fmt.Sprintf("%d× %s in %s of %v; it has:\n%s", count, what, name, d, d.Read(name))
	})
}

// WaitFile waits until the file exists and is not empty.
func (d *Daemon) WaitFile(t testing.TB, name string, within time.Duration) {
	t.Helper()
	WaitFor(t, within, func() bool {
		st, err := os.Stat(d.Path(name))
		return err == nil && st.Size() > 0
	}, func() string { return fmt.Sprintf("%s of %v", name, d) })
}

// ReadyLine is what both kinds log once they act on signals: keepalived's
// parent once its VRRP process has read its configuration, which that
// process does after it set up its signal handlers (it writes its pid
// file before, and a signal that comes in between is lost); goalived,
// which writes keepalived's lines, once it started.
const ReadyLine = "Startup complete"

// WaitReady waits until the daemon logged its ReadyLine: from then on it
// acts on signals.
func (d *Daemon) WaitReady(t testing.TB, within time.Duration) {
	t.Helper()
	WaitReady(t, d.Proc, d.Kind, within)
}

// WaitReady waits until p, a daemon of the kind, logged its ReadyLine.
func WaitReady(t testing.TB, p *Proc, kind Kind, within time.Duration) {
	t.Helper()
	WaitFor(t, within, func() bool { return strings.Contains(p.Output(), ReadyLine) },
		func() string { return fmt.Sprintf("%s to log %q; it logged:\n%s", kind, ReadyLine, p.Output()) })
}

// WaitFor polls cond every 20 ms until it holds, and fails the test with
// what() once within has passed. Tests wait on conditions this way, never
// with fixed sleeps; give keepalived, which is slow under load, generous
// deadlines.
func WaitFor(t testing.TB, within time.Duration, cond func() bool, what func() string) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", within, what())
		}
		time.Sleep(20 * time.Millisecond)
	}
}
