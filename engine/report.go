package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"sync"
	"syscall"
	"time"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/engine/kalog"
	"github.com/goalived/goalived/engine/track"
	"github.com/goalived/goalived/script"
	"github.com/goalived/goalived/vrrp"
)

// reporter turns an instance's reports into log lines, notifications and
// status updates. It runs on the instance's effects goroutine, in order.
type reporter struct {
	e  *Engine
	in *instance
}

func (r reporter) Report(rep vrrp.Report) {
	log := r.e.log.With("instance", rep.Instance)
	switch rep.Kind {
	case vrrp.ReportTransition:
		r.logTransition(log, rep)
		r.in.status.transition(rep)
		r.in.status.releaseHeld(rep.To)
		r.e.groups.MemberTransition(rep.Instance, rep.To, true)
		if state, ok := notifyState(rep, r.in); ok && rep.To != vrrp.StateInit {
			r.e.notify(r.in, state, int(rep.Priority))
			r.e.onNotify(script.Transition{Name: rep.Instance, State: state, Priority: int(rep.Priority)})
		}
		r.e.groups.MemberTransition(rep.Instance, rep.To, false)
		if rep.To == vrrp.StateStopped {
			r.in.status.lines(r.e, rep.Instance).close()
		}
	case vrrp.ReportRxLowerPriority:
		r.logPacket(log, rep)
		// keepalived reports its own effective priority, not the peer's.
		r.e.notify(r.in, "MASTER_RX_LOWER_PRI", int(r.in.vi.Priority()))
	case vrrp.ReportPriorityChanged:
		// The instance has taken the priority: the status file may show it.
		r.in.status.setPriority(int(rep.Priority))
		if r.e.opts.OnChange != nil {
			r.e.opts.OnChange()
		}
	default:
		r.logPacket(log, rep)
	}
	if r.e.opts.OnReport != nil {
		r.e.opts.OnReport(rep)
	}
}

// notifyState is the state a transition is notified as. An instance that
// a reload removed does not report STOP: keepalived 2.2.7 reports FAULT
// (DELETED with notify_deleted), and nothing when it was already in FAULT
// without notify_deleted (observed: a reload that changes a master's VRID
// notifies "INSTANCE VI_1 FAULT 150" for the old one).
func notifyState(rep vrrp.Report, in *instance) (string, bool) {
	if rep.To != vrrp.StateStopped || !in.deleted.Load() {
		return rep.To.String(), true
	}
	if in.conf().Notify().Deleted {
		return "DELETED", true
	}
	return "FAULT", rep.From != vrrp.StateFault
}

// onNotify hands a notified state change to Options.OnNotify.
func (e *Engine) onNotify(t script.Transition) {
	if e.opts.OnNotify != nil {
		e.opts.OnNotify(t)
	}
}

func (e *Engine) notify(in *instance, state string, prio int) {
	t := script.Transition{Name: in.conf().Name, State: state, Priority: prio}
	if err := e.notifier.Notify(*in.notify.Load(), t); err != nil {
		e.log.Warn(fmt.Sprintf("(%s) %s not notified: %v", in.conf().Name, state, err), "instance", in.conf().Name, "state", state, "err", err)
	}
}

// notifyResult writes what became of a notify script. keepalived logs
// only a script it cannot execute ("Error exec-ing command", LOG_ALERT,
// from its forked child); its exit status and output are goalived's own
// (-D).
func (e *Engine) notifyResult(r script.NotifyResult) {
	attrs := []any{"instance", r.Transition.Name, "state", r.Transition.State, "argv", r.Argv,
		"exit", r.Result.ExitCode, "exec_err", r.Result.ExecErr}
	argv0 := ""
	if len(r.Argv) > 0 {
		argv0 = r.Argv[0]
	}
	ctx := context.Background()
	switch {
	case r.Err != nil || r.Result.ExecErr != nil:
		err := r.Result.ExecErr
		if err == nil {
			err = r.Err
		}
		var errno syscall.Errno
		errors.As(err, &errno)
		e.log.Log(ctx, kalog.LevelAlert, fmt.Sprintf("Error exec-ing command '%s', error %d: %s", argv0, int(errno), track.Strerror(err)), attrs...)
	case !r.Result.OK:
		e.log.Log(ctx, kalog.LevelDetail, fmt.Sprintf("(%s) notify script %s for %s exited with status %d",
			r.Transition.Name, argv0, r.Transition.State, r.Result.ExitCode), attrs...)
	default:
		e.log.Log(ctx, kalog.LevelExtraDetail, fmt.Sprintf("(%s) notify script %s for %s succeeded", r.Transition.Name, argv0, r.Transition.State), attrs...)
	}
}

// notifyScripts resolves an instance's notify commands; a script that may
// not run is logged and left out, as keepalived drops it.
func (e *Engine) notifyScripts(name string, n *config.Notifies) script.NotifyScripts {
	get := func(pc *config.Command) *script.Command {
		if pc == nil {
			return nil
		}
		cmd, warns, err := e.cmds.command(pc)
		for _, w := range warns {
			e.log.Info(w, "instance", name)
		}
		if err != nil {
			// keepalived says why (check_script_secure) and drops it.
			for _, l := range track.RefusalLines(pc.Argv[0], err) {
				e.log.Info(l, "instance", name, "err", err)
			}
			return nil
		}
		return &cmd
	}
	return script.NotifyScripts{
		Master: get(n.Master), Backup: get(n.Backup), Fault: get(n.Fault), Stop: get(n.Stop),
		Generic: get(n.Generic), Deleted: get(n.DeletedCmd), MasterRxLowerPri: get(n.MasterRxLowerPri),
	}
}

// Status is what the status file shows of one instance.
type Status struct {
	Name, Interface string
	VRID, Version   int
	State           vrrp.State
	BasePriority    int
	Priority        int
	AdvertInt       time.Duration
	Source          netip.Addr
	Master          netip.Addr
	VIPs            []netip.Prefix
	Since           time.Time
	Reason          string
}

// statusCell holds what an instance's Status has beyond its
// configuration, and the budgets of its per-packet log lines. The
// configured facts (name, interface, VRID, priority, VIPs) are read from
// the instance's configuration when a Status is made: a copy of them per
// instance cost a quarter of a KiB at 1000 instances each.
type statusCell struct {
	mu          sync.Mutex // guards live, limiter, held, heldLog, transitions, left and hasLeft
	live        liveStatus
	limiter     *lineLimiter
	transitions []reasonCount // by reason, for metrics
	// held are announcement lines waiting for the transition to MASTER
	// to be written (see detail).
	held    []string
	heldLog *slog.Logger
	// hasLeft is set once the instance's first state (out of INIT) is
	// written; left, made only while someone waits for that, is closed
	// then and dropped.
	hasLeft bool
	left    chan struct{}
}

// liveStatus is the part of a Status that the instance's life changes.
type liveStatus struct {
	State    vrrp.State
	Priority int
	Source   netip.Addr
	Master   netip.Addr
	Since    time.Time
	Reason   string
}

func (c *statusCell) init(now time.Time) {
	c.live = liveStatus{State: vrrp.StateInit, Since: now, Reason: "start"}
}

// leftInit returns a channel closed once the instance's first state is
// written (at once if it was).
func (c *statusCell) leftInit() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.hasLeft {
		return closedChan
	}
	if c.left == nil {
		c.left = make(chan struct{})
	}
	return c.left
}

// closedChan is a channel that is always closed.
var closedChan = func() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}()

// markLeft notes the first state out of INIT; c.mu is held.
func (c *statusCell) markLeftLocked() {
	if c.hasLeft {
		return
	}
	c.hasLeft = true
	if c.left != nil {
		close(c.left)
		c.left = nil
	}
}

// restore takes a handed-over instance's state, so that the status file
// shows the handover as nothing.
func (c *statusCell) restore(is *InstanceState) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.markLeftLocked() // it left INIT in the old process
	c.live.State, c.live.Priority, c.live.Since, c.live.Reason = is.VRRP.State, int(is.VRRP.Priority), is.Since, is.Reason
	if is.VRRP.State == vrrp.StateMaster {
		c.live.Master = c.live.Source
	}
}

func (c *statusCell) transition(rep vrrp.Report) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.live.State, c.live.Priority, c.live.Since, c.live.Reason = rep.To, int(rep.Priority), rep.Time, rep.Reason.String()
	c.count(rep.Reason)
	if rep.To == vrrp.StateMaster {
		c.live.Master = c.live.Source
	}
	if rep.From == vrrp.StateInit {
		c.markLeftLocked()
	}
}

// reasonCount is how many transitions one reason caused. An instance
// sees a few reasons in its life: a slice of them costs 16 bytes each,
// where a map per instance took about 250 (a quarter of a megabyte at
// 1000 instances).
type reasonCount struct {
	reason vrrp.Reason
	n      uint64
}

// count notes a transition for reason; c.mu is held.
func (c *statusCell) count(reason vrrp.Reason) {
	for i := range c.transitions {
		if c.transitions[i].reason == reason {
			c.transitions[i].n++
			return
		}
	}
	c.transitions = append(c.transitions, reasonCount{reason, 1})
}

// transitionsByReason is the count of transitions by reason's name.
func (c *statusCell) transitionsByReason() map[string]uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	m := make(map[string]uint64, len(c.transitions))
	for _, t := range c.transitions {
		m[t.reason.String()] += t.n
	}
	return m
}

func (c *statusCell) setPriority(p int) {
	c.mu.Lock()
	c.live.Priority = p
	c.mu.Unlock()
}

func (c *statusCell) setSource(a netip.Addr) {
	c.mu.Lock()
	c.live.Source = a
	c.mu.Unlock()
}

// get is the Status of the instance configured as pin.
func (c *statusCell) get(pin *config.Instance) Status {
	c.mu.Lock()
	l := c.live
	c.mu.Unlock()
	st := Status{Name: pin.Name, Interface: pin.Interface, VRID: pin.VRID, Version: pin.Version,
		State: l.State, BasePriority: pin.Priority, Priority: l.Priority, AdvertInt: pin.AdvertInt,
		Source: l.Source, Master: l.Master, Since: l.Since, Reason: l.Reason}
	if len(pin.VIPs) > 0 {
		st.VIPs = make([]netip.Prefix, len(pin.VIPs))
		for i, v := range pin.VIPs {
			st.VIPs[i] = v.Prefix
		}
	}
	return st
}

// lines is the instance's budget of per-packet log lines, made at its
// first use.
func (c *statusCell) lines(e *Engine, name string) *lineLimiter {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.limiter == nil {
		c.limiter = newLineLimiter(e.clock, e.log.With("instance", name), "("+name+") ")
	}
	return c.limiter
}

// Statuses returns every instance's status, in configuration order.
func (e *Engine) Statuses() []Status {
	insts := e.instances()
	out := make([]Status, 0, len(insts))
	for _, in := range insts {
		st := in.status.get(in.conf())
		st.Priority = int(in.vi.Priority())
		st.State = in.vi.State()
		if st.State == vrrp.StateBackup {
			if m, _ := in.vi.Master(); m.IsValid() {
				st.Master = m
			}
		} else if st.State != vrrp.StateMaster {
			st.Master = netip.Addr{}
		}
		out = append(out, st)
	}
	return out
}
