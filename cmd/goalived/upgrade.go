package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/cloudflare/tableflip"
	"golang.org/x/sys/unix"

	"github.com/goalived/goalived/engine"
)

// Hot upgrade: when SIGHUP finds that the binary on disk is no longer
// the one running (a package upgrade replaced it), the daemon starts the
// new binary with the same arguments and hands it the running state
// instead of reloading (see upgrade_wire.go for the conversation).
// github.com/cloudflare/tableflip starts the new process with the
// conversation's socket and the metrics listener, bounds its start, tells
// each side when the other is ready or gone, and refuses a second
// upgrade while one runs or the previous process has not exited yet.

// The bounds of a hot upgrade. Until the freeze the old process runs on
// and any failure leaves it as it was; after the freeze the new process
// has postFreezeWait to run, or the old one kills it and carries on from
// its own state.
const (
	helloWait      = 20 * time.Second // new process start, configuration load, sockets
	drainWait      = 5 * time.Second  // checks and notify scripts in progress
	postFreezeWait = 2 * time.Second  // restore, pid files, systemd
	parentWait     = 5 * time.Second  // a previous upgrade's old process still exiting
)

// upgrader is the daemon's side of tableflip.
type upgrader struct {
	upg *tableflip.Upgrader
	exe string // the binary's path as started: what an upgrade runs
	log *slog.Logger
}

// sentinelEnv is tableflip's mark of a process it started; it is removed
// from the environment once read, so that scripts do not inherit it.
const sentinelEnv = "TABLEFLIP_HAS_PARENT_7DIU3"

// newUpgrader sets tableflip up; without it (an error is logged) SIGHUP
// only ever reloads.
func newUpgrader(log *slog.Logger) *upgrader {
	exe, err := executablePath()
	if err != nil {
		log.Warn(fmt.Sprintf("hot upgrade disabled: %v", err), "err", err)
		return &upgrader{log: log}
	}
	os.Args[0] = exe // tableflip runs os.Args[0]; our working directory may change
	upg, err := tableflip.New(tableflip.Options{UpgradeTimeout: helloWait + drainWait + postFreezeWait})
	os.Unsetenv(sentinelEnv)
	if err != nil {
		log.Warn(fmt.Sprintf("hot upgrade disabled: %v", err), "err", err)
		return &upgrader{log: log}
	}
	return &upgrader{upg: upg, exe: exe, log: log}
}

// executablePath is the absolute path the binary was started as, looked
// up in PATH if it had no slash, as execve saw it.
func executablePath() (string, error) {
	p := os.Args[0]
	if !strings.Contains(p, "/") {
		var err error
		if p, err = exec.LookPath(p); err != nil {
			return "", err
		}
	}
	return filepath.Abs(p)
}

// child reports whether this process was started by a hot upgrade.
func (u *upgrader) child() bool { return u.upg != nil && u.upg.HasParent() }

// listen opens a listener that an upgrade hands on (net.Listen without
// tableflip).
func (u *upgrader) listen(network, addr string) (net.Listener, error) {
	if u.upg == nil {
		return net.Listen(network, addr)
	}
	return u.upg.Listen(network, addr)
}

// ready says that this process runs; an upgrade is possible from now on.
func (u *upgrader) ready() {
	if u.upg != nil {
		if err := u.upg.Ready(); err != nil {
			u.log.Warn(fmt.Sprintf("hot upgrade: cannot tell the previous process: %v", err), "err", err)
		}
	}
}

// waitParent waits for the process this one took over from to exit.
func (u *upgrader) waitParent(ctx context.Context) error {
	if u.upg == nil {
		return nil
	}
	return u.upg.WaitForParent(ctx)
}

func (u *upgrader) stop() {
	if u.upg != nil {
		u.upg.Stop()
	}
}

// binaryChanged reports whether the binary at the path we were started
// from is another file than the one running (compared by device and
// inode: a package upgrade renames a new file over it).
func (u *upgrader) binaryChanged() (bool, error) {
	if u.upg == nil {
		return false, nil
	}
	var disk, self unix.Stat_t
	if err := unix.Stat(u.exe, &disk); err != nil {
		return false, fmt.Errorf("stat %s: %w", u.exe, err)
	}
	if err := unix.Stat("/proc/self/exe", &self); err != nil {
		return false, fmt.Errorf("stat /proc/self/exe: %w", err)
	}
	return disk.Dev != self.Dev || disk.Ino != self.Ino, nil
}

// handOver runs a hot upgrade to the binary on disk. It returns true
// once the new process runs: this one must then exit without touching
// anything. On false the daemon carries on as before (thawed if it had
// frozen), and the reason was logged.
func (u *upgrader) handOver(eng *engine.Engine) bool {
	u.log.Info(fmt.Sprintf("hot upgrade: starting the new binary %s", u.exe), "path", u.exe, "version", goalivedVersion)
	ctx, cancel := context.WithTimeout(context.Background(), parentWait)
	err := u.upg.WaitForParent(ctx)
	cancel()
	if err != nil {
		u.log.Error(fmt.Sprintf("hot upgrade refused: the previous process has not exited: %v", err), "err", err)
		return false
	}
	mine, theirs, err := socketPair()
	if err != nil {
		u.log.Error(fmt.Sprintf("hot upgrade failed: %v", err), "err", err)
		return false
	}
	err = u.upg.AddFile(stateFile, theirs)
	theirs.Close()
	if err != nil {
		mine.Close()
		u.log.Error(fmt.Sprintf("hot upgrade failed: %v", err), "err", err)
		return false
	}
	conn, err := newHandoverConn(mine)
	if err != nil {
		u.log.Error(fmt.Sprintf("hot upgrade failed: %v", err), "err", err)
		return false
	}
	defer conn.close()
	started := make(chan error, 1)
	go func() { started <- u.upg.Upgrade() }()
	h := &handover{u: u, eng: eng, conn: conn, started: started}
	return h.run()
}

// socketPair returns the two ends of a stream socket pair, both
// close-on-exec (tableflip passes a duplicate of the second).
func socketPair() (*os.File, *os.File, error) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("socketpair: %w", err)
	}
	return os.NewFile(uintptr(fds[0]), "handover"), os.NewFile(uintptr(fds[1]), "handover"), nil
}

// handover is one hot upgrade on the old process's side.
type handover struct {
	u       *upgrader
	eng     *engine.Engine
	conn    *handoverConn
	started <-chan error // tableflip's Upgrade: nil once the new process is ready
	pid     int          // the new process, from its hello
}

func (h *handover) run() bool {
	log := h.u.log
	hello, err := h.hello()
	if err != nil {
		log.Error(fmt.Sprintf("hot upgrade failed before the handover; nothing changed: %v", err), "err", err)
		return false
	}
	log.Info(fmt.Sprintf("hot upgrade: new process (pid %d, goalived %s) ready for the state", hello.PID, hello.Version), "pid", hello.PID, "version", hello.Version)
	keys := map[engine.InstanceKey]bool{}
	for _, k := range hello.Keys {
		keys[k] = true
	}
	ctx, cancel := context.WithTimeout(context.Background(), drainWait)
	st, err := h.eng.Freeze(ctx, func(k engine.InstanceKey) bool { return keys[k] })
	cancel()
	if err != nil {
		h.abort()
		log.Error(fmt.Sprintf("hot upgrade failed: cannot freeze; nothing changed: %v", err), "err", err)
		return false
	}
	monoAt := monoNow() - int64(time.Since(st.At))
	log.Debug("hot upgrade: frozen", "after", time.Since(st.At))
	err = h.conn.send(handoverMsg{Version: goalivedVersion, PID: os.Getpid(), State: st, MonoAt: monoAt})
	if err == nil {
		err = h.await()
	}
	if err != nil {
		h.abort()
		if terr := h.eng.Thaw(); terr != nil {
			log.Error(fmt.Sprintf("hot upgrade: carrying on from the saved state: %v", terr), "err", terr)
		}
		log.Error(fmt.Sprintf("hot upgrade failed after the freeze, carrying on from the saved state: %v", err), "pid", h.pid, "err", err)
		return false
	}
	log.Info(fmt.Sprintf("hot upgrade: goalived %s (pid %d) took over from goalived %s (pid %d)",
		hello.Version, hello.PID, goalivedVersion, os.Getpid()), "instances", len(st.Instances))
	if err := h.eng.Retire(); err != nil {
		log.Warn(fmt.Sprintf("hot upgrade: retiring: %v", err), "err", err)
	}
	return true
}

// hello waits for the new process to have loaded its configuration and
// opened its sockets.
func (h *handover) hello() (handoverMsg, error) {
	type result struct {
		m   handoverMsg
		err error
	}
	got := make(chan result, 1)
	go func() {
		m, err := h.conn.receive(helloWait)
		got <- result{m, err}
	}()
	select {
	case r := <-got:
		if r.err != nil {
			return r.m, r.err
		}
		h.pid = r.m.PID
		return r.m, nil
	case err := <-h.started:
		if err == nil {
			err = errors.New("new process ready without a handover")
		}
		return handoverMsg{}, fmt.Errorf("new process: %w", err)
	}
}

// await waits for the new process to run (its done, then tableflip's
// readiness), up to postFreezeWait.
func (h *handover) await() error {
	done := make(chan error, 1)
	go func() {
		_, err := h.conn.receive(postFreezeWait)
		done <- err
	}()
	timeout := time.After(postFreezeWait)
	for {
		select {
		case err := <-done:
			if err != nil {
				return err
			}
			done = nil
		case err := <-h.started:
			h.started = nil
			if err != nil {
				return fmt.Errorf("new process: %w", err)
			}
			return nil
		case <-timeout:
			return fmt.Errorf("new process not running after %v", postFreezeWait)
		}
	}
}

// abort ends the new process if it still runs, and waits for tableflip
// to see it gone, so that it can never run beside us.
func (h *handover) abort() {
	if h.pid > 0 {
		_ = syscall.Kill(h.pid, syscall.SIGKILL)
	}
	if h.started != nil {
		if err := <-h.started; err == nil {
			h.u.log.Error("hot upgrade: the new process became ready while aborted")
		}
	}
}
