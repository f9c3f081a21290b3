package main

import (
	"context"
	"fmt"
	"os"
	"syscall"
)

// A hot upgrade runs on the daemon's signal loop, which keeps reading
// signals meanwhile: a second SIGHUP (another reload asked, a package
// that changed the configuration too), a stop or a dump request must
// not be lost. TERM or INT before the freeze gives the upgrade up; every
// signal that came is then handled by this process, in order, if the
// upgrade failed, or passed on to the new process if it took over.

// upgradeResult is what a SIGHUP's hot upgrade did.
type upgradeResult struct {
	// handled is false when the binary on disk is the running one:
	// SIGHUP then reloads, as keepalived's.
	handled bool
	// gone: another process runs the instances; this one exits.
	gone bool
	// pending are the signals that came during a failed upgrade.
	pending []os.Signal
}

// hotUpgrade hands over to the binary on disk if it is not the one
// running.
func (d *daemon) hotUpgrade(sigs <-chan os.Signal) upgradeResult {
	changed, err := d.upg.binaryChanged()
	if err != nil {
		d.log.Warn(fmt.Sprintf("hot upgrade: cannot compare the binary on disk; reloading: %v", err), "err", err)
		return upgradeResult{}
	}
	if !changed {
		return upgradeResult{}
	}
	if d.upg.spent {
		d.log.Warn("hot upgrade: not possible again in this process (a new process it started took over, then died): restart goalived to upgrade; reloading")
		return upgradeResult{}
	}
	sdNotify("RELOADING=1")
	pid, pending := d.handOverWatching(sigs)
	if pid > 0 {
		d.forward(pid, pending)
		return upgradeResult{handled: true, gone: true}
	}
	// The new process may have named itself in the pid files and to
	// systemd before it failed: this one runs on and says so again.
	d.ownPidFiles()
	sdNotify(fmt.Sprintf("MAINPID=%d", os.Getpid()))
	sdNotify("READY=1")
	d.status.kick()
	return upgradeResult{handled: true, pending: pending}
}

// handOverWatching runs the handover and collects the signals that come
// meanwhile; TERM or INT gives the upgrade up if it has not frozen yet.
func (d *daemon) handOverWatching(sigs <-chan os.Signal) (int, []os.Signal) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() { done <- d.upg.handOver(ctx, d.eng) }()
	var pending []os.Signal
	for {
		select {
		case pid := <-done:
			return pid, pending
		case sig := <-sigs:
			pending = append(pending, sig)
			if sig == syscall.SIGTERM || sig == syscall.SIGINT {
				cancel()
			}
		}
	}
}

// forward passes the signals that came during a successful handover to
// the new process, in order: a reload asked meanwhile is the new
// process's to do, a stop stops it.
func (d *daemon) forward(pid int, sigs []os.Signal) {
	for _, s := range sigs {
		sig, ok := s.(syscall.Signal)
		if !ok {
			continue
		}
		d.log.Info(fmt.Sprintf("hot upgrade: %v came during the handover, passed on to the new process (pid %d)", sig, pid),
			"signal", sig.String(), "pid", pid)
		if err := syscall.Kill(pid, sig); err != nil {
			d.log.Error(fmt.Sprintf("hot upgrade: %v not passed on to pid %d: %v", sig, pid, err), "err", err)
		}
	}
}

// ownPidFiles writes the pid files that no longer name this process, and
// the version file, after a failed hot upgrade (the new process is gone,
// or ended and not yet reaped).
func (d *daemon) ownPidFiles() {
	for _, p := range []string{d.o.pidFile, d.o.vrrpPidFile} {
		if pid, ok := readPid(p); ok && pid == os.Getpid() {
			continue
		}
		if err := writePidFileOver(p, d.upg.lastChild); err != nil {
			d.log.Error(fmt.Sprintf("hot upgrade: pid file not written back: %v", err), "err", err)
		}
	}
	d.writeVersion()
}
