package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/cloudflare/tableflip"
	"golang.org/x/sys/unix"
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
	// spent is set once a new process became ready: tableflip hands over
	// once per process, so after a new process that died in its
	// probation this one cannot upgrade again (SIGHUP then reloads).
	spent bool
	// lastChild is the last new process started, ended if the upgrade
	// failed (it may not have been reaped yet).
	lastChild int
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
