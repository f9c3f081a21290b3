package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/engine"
)

// The new process's side of a hot upgrade: started by the old one with
// the same arguments, it loads and checks the configuration and opens
// its sockets like any start, then asks for the state (hello), resumes
// from it, writes the pid files and tells systemd, and says done; the
// old one exits after that. Any failure before done is refused to the
// old process, which carries on; this one then exits without having
// changed anything.

// stateWait bounds the wait for the state after hello: the old process
// first lets checks and notify scripts finish (drainWait).
const stateWait = drainWait + 10*time.Second

// settleWait bounds the wait for the old process to exit after the
// handover: it stops the instances the new configuration dropped and
// lets their notify scripts finish (engine.Options.NotifyGrace).
const settleWait = 30 * time.Second

// childConn opens the conversation with the old process.
func (u *upgrader) childConn() (*handoverConn, error) {
	f, err := u.upg.File(stateFile)
	if err != nil {
		return nil, fmt.Errorf("handover socket: %w", err)
	}
	if f == nil {
		return nil, errors.New("handover socket: not passed by the old process")
	}
	return newHandoverConn(f)
}

// refuse tells the old process why this one gives up; it then carries on.
func (d *daemon) refuse(why error) {
	if d.handover == nil {
		c, err := d.upg.childConn()
		if err != nil {
			d.log.Error(fmt.Sprintf("hot upgrade: cannot tell the old process: %v", err), "err", err)
			return
		}
		d.handover = c
	}
	_ = d.handover.send(handoverMsg{Version: goalivedVersion, PID: os.Getpid(), Refused: why.Error()})
	d.handover.close()
}

// takeOver prepares an engine of cfg on h, asks the old process for its
// state and resumes from it. On error the engine is abandoned (nothing
// on the host changed) and the old process told.
func (d *daemon) takeOver(cfg *config.Config, h engine.Host) error {
	err := d.resume(cfg, h)
	if err != nil {
		if d.eng != nil {
			_ = d.eng.Abandon()
		}
		d.refuse(err)
		return fmt.Errorf("hot upgrade: %w", err)
	}
	return nil
}

func (d *daemon) resume(cfg *config.Config, h engine.Host) error {
	c, err := d.upg.childConn()
	if err != nil {
		return err
	}
	d.handover = c
	d.eng = d.newEngine(cfg, h)
	if err := d.eng.Prepare(); err != nil {
		return err
	}
	hello := handoverMsg{Version: goalivedVersion, PID: os.Getpid(), Keys: engine.Keys(cfg)}
	if err := c.send(hello); err != nil {
		return err
	}
	m, err := c.receive(stateWait)
	if err != nil {
		return err
	}
	if m.State == nil {
		return errors.New("handover: no state")
	}
	savedAt := savedAtHere(m.MonoAt)
	received := time.Since(savedAt)
	if err := d.eng.Resume(m.State, savedAt); err != nil {
		return err
	}
	d.log.Debug("hot upgrade: resumed", "state_received_after", received, "resumed_after", time.Since(savedAt))
	d.from = m
	d.tuner.Store(startProcTuner(cfg.Global.Process, linuxProc{}, d.log))
	d.status.kick()
	return nil
}

// tookOver tells the old process that this one runs; tableflip's
// readiness follows.
func (d *daemon) tookOver() {
	d.log.Info(fmt.Sprintf("hot upgrade: goalived %s (pid %d) took over from goalived %s (pid %d)",
		goalivedVersion, os.Getpid(), d.from.Version, d.from.PID), "instances", len(d.from.State.Instances))
	if err := d.handover.send(handoverMsg{Version: goalivedVersion, PID: os.Getpid(), Done: true}); err != nil {
		d.log.Warn(fmt.Sprintf("hot upgrade: telling the old process: %v", err), "err", err)
	}
	d.handover.close()
	d.from.State = nil
}

// settleAfterParent settles the engine (engine.Settle: the table's rules
// and the VMACs only the old process's instances had go) once the old
// process has exited, or settleWait has passed. stop ends the wait and
// returns once the goroutine is done; it is idempotent.
func (d *daemon) settleAfterParent() (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		wctx, wcancel := context.WithTimeout(ctx, settleWait)
		err := d.upg.waitParent(wctx)
		wcancel()
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			d.log.Warn(fmt.Sprintf("hot upgrade: the old process did not exit cleanly: %v", err), "err", err)
		}
		if err := d.eng.Settle(); err != nil {
			d.log.Warn(fmt.Sprintf("hot upgrade: %v", err), "err", err)
		}
	}()
	return func() {
		cancel()
		<-done
	}
}
