package vrrp

import (
	"fmt"
	"time"
)

// A hot upgrade hands running instances from one goalived process to the
// next: the old one freezes each instance (Freeze) and passes the Saved
// state on; the new one creates the instance WithRestore and starts it,
// and it carries on where the old one stopped, with no transition, no
// notify and no priority 0 advert in between.

// WithRestore makes Start resume the machine from a saved state instead of
// leaving INIT. savedAt is when the state was saved, on this instance's
// clock: the timers count from it, so that the time the handover took is
// not added to them (the caller converts the saving process's reading of
// the system's monotonic clock). A restored master claims its VIPs again (the old process
// left them in place, so this changes nothing unless they went missing)
// and a restored backup or fault releases them; neither announces.
func WithRestore(s Saved, savedAt time.Time) Option {
	return func(in *Instance) { in.restore = &restoring{s: s, at: savedAt} }
}

// resume is Start's first step for a restored instance.
func (in *Instance) resume(s Saved, savedAt time.Time) {
	if err := in.m.Restore(s, savedAt); err != nil {
		in.reportNow(Report{Instance: in.name, Time: in.clock.Now(), Kind: ReportError}, err)
		in.handle(Start{}) // an unusable state: start afresh rather than sit in INIT
		return
	}
	in.own(Report{Instance: in.name, From: s.State, To: s.State}, s.State == StateMaster)
	in.publish()
	in.arm(in.m.deadline())
}

// Freeze stops the instance for a handover and returns its state: timers
// and packet handling stop where they are, and nothing is sent, released,
// announced or reported. Outputs already queued run to completion first.
// The instance is closed afterwards. It fails if the instance is not
// running.
func (in *Instance) Freeze() (Saved, error) {
	in.lifeMu.Lock()
	if in.closed || !in.started {
		in.lifeMu.Unlock()
		return Saved{}, fmt.Errorf("freeze vrrp instance %s: not running", in.name)
	}
	in.closed = true
	in.accepting.Store(false)
	var s Saved
	var err error
	in.run.do(func() {
		in.stopTimer()
		s, err = in.m.Save(in.clock.Now())
		in.stopped = true
		in.closeEffects(in.stopping.Done)
		in.stopping.Done()
	})
	in.lifeMu.Unlock()
	in.stopping.Wait()
	return s, err
}
