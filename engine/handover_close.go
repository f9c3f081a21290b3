package engine

import (
	"errors"
	"sync"
)

// Retire ends an engine whose frozen state a new process has taken
// over. The instances that were not frozen (the new configuration dropped
// them) stop as a reload removes them: a master sends priority 0 and
// releases its addresses, and FAULT (or DELETED) is notified. Everything
// else stays on the host as it is: the frozen instances' addresses,
// routes and rules, the static items, the kernel settings, the nftables
// table and the VMACs (the dropped instances' VMACs too: the new process
// deletes them once this one has gone); no shutdown_script runs. Notify scripts still running are waited for up
// to NotifyGrace. Close does nothing afterwards.
func (e *Engine) Retire() error {
	return e.quietClose(func(in *instance) {
		in.deleted.Store(true)
		_ = in.vi.Close()
	})
}

// Abandon ends a prepared or resumed engine that will not run (the
// handover failed) without changing anything on the host: running
// instances are frozen and their state dropped, nothing is sent,
// released or notified, no static item or kernel setting is touched.
// Close does nothing afterwards.
func (e *Engine) Abandon() error {
	return e.quietClose(func(in *instance) { _, _ = in.vi.Freeze() })
}

// quietClose closes the engine leaving the host as it is; stop ends each
// instance still running.
func (e *Engine) quietClose(stop func(*instance)) error {
	var errs []error
	ran := false
	e.closeOnce.Do(func() {
		ran = true
		e.mu.Lock()
		defer e.mu.Unlock()
		e.closed = true
		if e.delayed != nil {
			e.delayed.Stop()
		}
		if e.track != nil {
			e.track.Close()
		}
		var wg sync.WaitGroup
		for _, in := range e.insts {
			if in.vi != nil {
				wg.Go(func() { stop(in) })
			}
		}
		wg.Wait()
		stopFIFOReaders(e.fifos)
		errs = append(errs, e.closeOutputs()...)
	})
	if !ran {
		return errors.New("engine already closed")
	}
	return errors.Join(errs...)
}
