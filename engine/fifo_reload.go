package engine

import (
	"fmt"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/script"
	"github.com/goalived/goalived/vrrp"
)

// What a reload does to the notify FIFOs, as keepalived 2.2.7 does it
// (observed in a namespace, both vrrp_notify_fifo and notify_fifo):
//
//   - every reader script is killed and started again, and every FIFO
//     closed (unlinked if keepalived created it) and opened again from
//     the new configuration, even when nothing about it changed: the
//     reader sees a new FIFO at the same path;
//   - the lines of the reload itself (removed instances' FAULT or
//     DELETED) go to the new FIFOs, so the new reader sees them;
//   - with fifo_write_vrrp_states_on_reload, the states are written
//     afterwards (see writeStatesOnReload); without it nothing more.

// reopenFIFOs replaces the FIFOs with those of g. Nothing is written
// meanwhile: the notifier has no FIFO while they change.
func (e *Engine) reopenFIFOs(g config.GlobalDefs) {
	e.notifier.SetFIFOs(nil)
	stopFIFOReaders(e.fifos) // all readers first, as keepalived's script_killall
	if err := closeFIFOs(e.fifos); err != nil {
		e.log.Warn(fmt.Sprintf("notify fifo not closed on reload: %v", err), "err", err)
	}
	e.fifos = e.openFIFOs(g)
	e.notifier.SetFIFOs(fifoWriters(e.fifos))
}

// writeStatesOnReload writes, with fifo_write_vrrp_states_on_reload, the
// current states to the FIFOs only (no scripts), as keepalived 2.2.7
// does after a reload (observed): first every sync group's (`GROUP "G1"
// MASTER 0`), then every instance's that is in no group (`INSTANCE
// "VI_1" BACKUP 111`, with its effective priority), in configuration
// order. Group members are left out, and so is an instance that stays
// MASTER (keepalived 2.2.7 writes nothing for it, observed: it writes a
// kept group's MASTER but not a kept instance's). It runs once removed
// instances have been notified and before new instances leave INIT:
// those are left out too, their first state is notified as usual right
// after.
// (keepalived also lists a new instance that a tracker puts in FAULT at
// once, after its FAULT line; goalived notifies it once, after these.)
func (e *Engine) writeStatesOnReload() {
	if !e.cfg.Global.FIFOWriteStatesOnReload {
		return
	}
	states := e.groupStates()
	for _, pg := range e.cfg.SyncGroups {
		if st, ok := states[pg.Name]; ok {
			e.writeFIFOLine(script.Transition{Group: true, Name: pg.Name, State: st.String()})
		}
	}
	for _, in := range e.insts {
		name := in.conf().Name
		if e.groups.Has(name) {
			continue
		}
		if st := in.vi.State(); st != vrrp.StateInit && st != vrrp.StateMaster {
			e.writeFIFOLine(script.Transition{Name: name, State: st.String(), Priority: e.track.Priority(member{in: in, e: e})})
		}
	}
}

func (e *Engine) writeFIFOLine(t script.Transition) {
	if err := e.notifier.NotifyFIFO(t); err != nil {
		e.log.Warn(fmt.Sprintf("%s %s not written to the notify fifo: %v", t.Name, t.State, err), "name", t.Name, "state", t.State, "err", err)
	}
}
