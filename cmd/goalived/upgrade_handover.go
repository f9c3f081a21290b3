package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/goalived/goalived/engine"
)

// handOver runs a hot upgrade to the binary on disk. It returns the new
// process's pid once that runs: this one must then exit without touching
// anything. On 0 the daemon carries on as before (thawed if it had
// frozen), and the reason was logged. Cancelling ctx (TERM) before the
// freeze gives the upgrade up.
func (u *upgrader) handOver(ctx context.Context, eng *engine.Engine) int {
	u.log.Info(fmt.Sprintf("hot upgrade: starting the new binary %s", u.exe), "path", u.exe, "version", goalivedVersion)
	wctx, cancel := context.WithTimeout(ctx, parentWait)
	err := u.upg.WaitForParent(wctx)
	cancel()
	if err != nil {
		u.log.Error(fmt.Sprintf("hot upgrade refused: the previous process has not exited: %v", err), "err", err)
		return 0
	}
	mine, theirs, err := socketPair()
	if err != nil {
		u.log.Error(fmt.Sprintf("hot upgrade failed: %v", err), "err", err)
		return 0
	}
	err = u.upg.AddFile(stateFile, theirs)
	theirs.Close()
	if err != nil {
		mine.Close()
		u.log.Error(fmt.Sprintf("hot upgrade failed: %v", err), "err", err)
		return 0
	}
	conn, err := newHandoverConn(mine)
	if err != nil {
		u.log.Error(fmt.Sprintf("hot upgrade failed: %v", err), "err", err)
		return 0
	}
	defer conn.close()
	started := make(chan error, 1)
	go func() { started <- u.upg.Upgrade() }()
	h := &handover{u: u, eng: eng, conn: conn, started: started}
	if !h.run(ctx) {
		return 0
	}
	return h.pid
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

func (h *handover) run(ctx context.Context) bool {
	log := h.u.log
	hello, err := h.hello(ctx)
	if err != nil {
		if errors.Is(err, errInterrupted) {
			// The daemon stops: tableflip ends the new process and
			// takes no upgrade any more.
			h.u.upg.Stop()
			h.abort()
		}
		log.Error(fmt.Sprintf("hot upgrade failed before the handover; nothing changed: %v", err), "err", err)
		return false
	}
	log.Info(fmt.Sprintf("hot upgrade: new process (pid %d, goalived %s) ready for the state", hello.PID, hello.Version), "pid", hello.PID, "version", hello.Version)
	keys := map[engine.InstanceKey]bool{}
	for _, k := range hello.Keys {
		keys[k] = true
	}
	dctx, cancel := context.WithTimeout(ctx, drainWait)
	st, err := h.eng.Freeze(dctx, func(k engine.InstanceKey) bool { return keys[k] })
	cancel()
	if err == nil && ctx.Err() != nil {
		err = errors.Join(errInterrupted, h.eng.Thaw())
	}
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
	if err == nil {
		log.Info(fmt.Sprintf("hot upgrade: goalived %s (pid %d) took over from goalived %s (pid %d)",
			hello.Version, hello.PID, goalivedVersion, os.Getpid()), "instances", len(st.Instances))
		err = watchProcess(h.pid, probation)
	}
	if err != nil {
		h.abort()
		if terr := h.eng.Thaw(); terr != nil {
			log.Error(fmt.Sprintf("hot upgrade: carrying on from the saved state: %v", terr), "err", terr)
		}
		log.Error(fmt.Sprintf("hot upgrade failed after the freeze, carrying on from the saved state: %v", err), "pid", h.pid, "err", err)
		return false
	}
	if err := h.eng.Retire(); err != nil {
		log.Warn(fmt.Sprintf("hot upgrade: retiring: %v", err), "err", err)
	}
	return true
}

// errInterrupted gives an upgrade up: TERM came before the freeze.
var errInterrupted = errors.New("interrupted by a signal to stop")

// probation is how long the old process stays, frozen, after the new one
// took over: if the new one dies meanwhile (a crash of the new binary
// soon after its start), the old one carries on from its state instead
// of leaving the addresses without a daemon.
const probation = 2 * time.Second

// watchProcess waits d and reports an error if pid exits meanwhile.
func watchProcess(pid int, d time.Duration) error {
	gone := fmt.Errorf("the new process (pid %d) exited after taking over", pid)
	fd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		if errors.Is(err, unix.ESRCH) {
			return gone
		}
		// No pidfd (Linux before 5.3): one look at the end.
		time.Sleep(d)
		if !alive(pid) {
			return gone
		}
		return nil
	}
	defer unix.Close(fd)
	for deadline := time.Now().Add(d); ; {
		left := time.Until(deadline)
		if left <= 0 {
			return nil
		}
		n, err := unix.Poll([]unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}, int(left/time.Millisecond)+1)
		switch {
		case errors.Is(err, unix.EINTR):
		case err != nil:
			return nil // cannot watch: the new process runs as far as we know
		case n > 0:
			return gone
		}
	}
}

// hello waits for the new process to have loaded its configuration and
// opened its sockets.
func (h *handover) hello(ctx context.Context) (handoverMsg, error) {
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
		h.pid, h.u.lastChild = r.m.PID, r.m.PID
		return r.m, nil
	case err := <-h.started:
		h.started = nil
		if err == nil {
			h.u.spent = true
			err = errors.New("new process ready without a handover")
		}
		return handoverMsg{}, fmt.Errorf("new process: %w", err)
	case <-ctx.Done():
		return handoverMsg{}, errInterrupted
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
			h.u.spent = true
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
			h.u.spent = true
			h.u.log.Error("hot upgrade: the new process became ready while aborted")
		}
		h.started = nil
	}
}
