package script

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"
)

// Notify run time limits. keepalived never times out notify scripts except
// STOP ones (1 s, then SIGKILL of the group). goalived runs notifies of one
// target in sequence, so an endless script must not stall its queue
// forever: each run gets NotifyTimeout.
const (
	NotifyTimeout     = 60 * time.Second
	StopNotifyTimeout = 1 * time.Second
)

// ErrNotifierClosed is returned by Notify after Close.
var ErrNotifierClosed = errors.New("notifier closed")

// NotifyScripts are the notify commands of one instance or sync group.
// Nil entries are not configured.
type NotifyScripts struct {
	Master, Backup, Fault, Stop, Deleted *Command
	// MasterRxLowerPri is notify_master_rx_lower_pri, run for the
	// MASTER_RX_LOWER_PRI event (which does not run Generic).
	MasterRxLowerPri *Command
	// Generic is `notify`: it gets the four words TYPE NAME STATE PRIORITY
	// appended to its own argv.
	Generic *Command
}

// forState is the state-specific script, run with its argv unchanged.
func (s NotifyScripts) forState(state string) *Command {
	switch state {
	case "MASTER":
		return s.Master
	case "BACKUP":
		return s.Backup
	case "FAULT":
		return s.Fault
	case "STOP":
		return s.Stop
	case "DELETED":
		return s.Deleted
	case "MASTER_RX_LOWER_PRI":
		return s.MasterRxLowerPri
	}
	return nil
}

// genericStates are the states the generic notify script is run for;
// events such as MASTER_RX_LOWER_PRI or priority changes are not states.
var genericStates = map[string]bool{"MASTER": true, "BACKUP": true, "FAULT": true, "STOP": true, "DELETED": true}

// NotifyResult reports one finished notify run.
type NotifyResult struct {
	Transition Transition
	Argv       []string
	Result     Result
	// Err is set when the script could not be started at all.
	Err error
}

// NotifierConfig configures a Notifier.
type NotifierConfig struct {
	// FIFOs receive every transition's line, synchronously and in order.
	FIFOs []FIFOWriter
	// OnResult, if set, is called after each run from the run's queue
	// goroutine (no lock held); it must not block for long.
	OnResult func(NotifyResult)
	// Run runs the scripts; nil is Run (a test's host runs them in
	// memory).
	Run RunFunc
}

// FIFOWriter takes the notify FIFO lines: a *FIFO, or an in-memory
// stand-in in tests.
type FIFOWriter interface {
	Write(t Transition) error
}

// Notifier delivers notifications: for each transition the
// state-specific script with its own argv, then the generic `notify`
// script with `INSTANCE|GROUP name STATE priority` appended, then a line on
// every FIFO. Notify never blocks on a script: runs are queued per target
// — one queue per (type, name, program) — and a queue runs one script at a
// time, in the order Notify was called. So notifications to one script
// arrive in order (unlike keepalived, whose fire-and-forget children can
// overtake each other), while a hanging script delays only its own queue.
type Notifier struct {
	cfg    NotifierConfig
	run    RunFunc
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu     sync.Mutex
	queues map[queueKey]*notifyQueue
	closed bool
	idle   chan struct{} // closed when the last queue empties; nil while none waits
}

type queueKey struct{ typ, name, program string }

type notifyQueue struct {
	jobs    []notifyJob
	running bool
}

type notifyJob struct {
	t   Transition
	cmd Command
}

// NewNotifier returns a Notifier; Close it to wait for queued runs.
func NewNotifier(cfg NotifierConfig) *Notifier {
	ctx, cancel := context.WithCancel(context.Background())
	run := cfg.Run
	if run == nil {
		run = Run
	}
	return &Notifier{cfg: cfg, run: run, ctx: ctx, cancel: cancel, queues: map[queueKey]*notifyQueue{}}
}

// Notify queues the scripts for t and writes its FIFO lines. The generic
// script only runs for the five states MASTER, BACKUP, FAULT, STOP and
// DELETED; MASTER_RX_LOWER_PRI runs only MasterRxLowerPri. It returns FIFO
// write errors, or ErrNotifierClosed.
func (n *Notifier) Notify(s NotifyScripts, t Transition) error {
	n.mu.Lock()
	if n.closed {
		n.mu.Unlock()
		return fmt.Errorf("notify %s %s %s: %w", t.Type(), t.Name, t.State, ErrNotifierClosed)
	}
	if c := s.forState(t.State); c != nil && len(c.Argv) > 0 {
		n.enqueueLocked(t, *c)
	}
	if c := s.Generic; c != nil && len(c.Argv) > 0 && genericStates[t.State] {
		g := *c
		g.Argv = append(append([]string(nil), c.Argv...),
			t.Type(), t.Name, t.State, strconv.Itoa(t.priority()))
		n.enqueueLocked(t, g)
	}
	err := n.writeFIFOsLocked(t)
	n.mu.Unlock()
	return err
}

// NotifyFIFO writes t's line to every FIFO only (priority changes and
// MASTER_RX_LOWER_PRI go nowhere else).
func (n *Notifier) NotifyFIFO(t Transition) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.writeFIFOsLocked(t)
}

// SetFIFOs replaces the FIFOs that lines go to: a reload closes them and
// opens them again (possibly others) from the new configuration.
func (n *Notifier) SetFIFOs(fifos []FIFOWriter) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.cfg.FIFOs = fifos
}

// writeFIFOsLocked holds n.mu so that lines keep the order of the calls;
// the writes never block.
func (n *Notifier) writeFIFOsLocked(t Transition) error {
	var errs []error
	for _, f := range n.cfg.FIFOs {
		errs = append(errs, f.Write(t))
	}
	return errors.Join(errs...)
}

func (n *Notifier) enqueueLocked(t Transition, c Command) {
	if c.Timeout == 0 {
		c.Timeout = NotifyTimeout
		if t.State == "STOP" {
			c.Timeout, c.KillGrace = StopNotifyTimeout, -1
		}
	}
	key := queueKey{t.Type(), t.Name, c.Argv[0]}
	q := n.queues[key]
	if q == nil {
		q = &notifyQueue{}
		n.queues[key] = q
	}
	q.jobs = append(q.jobs, notifyJob{t: t, cmd: c})
	if !q.running {
		q.running = true
		n.wg.Add(1)
		go n.drain(key, q)
	}
}

// drain runs q's jobs in order and exits when q is empty.
func (n *Notifier) drain(key queueKey, q *notifyQueue) {
	defer n.wg.Done()
	for {
		n.mu.Lock()
		if len(q.jobs) == 0 || n.ctx.Err() != nil {
			q.running = false
			delete(n.queues, key)
			if len(n.queues) == 0 && n.idle != nil {
				close(n.idle)
				n.idle = nil
			}
			n.mu.Unlock()
			return
		}
		j := q.jobs[0]
		q.jobs = q.jobs[1:]
		n.mu.Unlock()
		res, err := n.run(n.ctx, j.cmd)
		if n.cfg.OnResult != nil {
			n.cfg.OnResult(NotifyResult{Transition: j.t, Argv: j.cmd.Argv, Result: res, Err: err})
		}
	}
}

// Idle waits until no notify script runs or waits to run, or ctx ends.
// Notifications keep being accepted meanwhile; a hot upgrade waits for
// the scripts of the transitions before it, so that none is cut short.
func (n *Notifier) Idle(ctx context.Context) error {
	for {
		n.mu.Lock()
		if len(n.queues) == 0 {
			n.mu.Unlock()
			return nil
		}
		if n.idle == nil {
			n.idle = make(chan struct{})
		}
		idle := n.idle
		n.mu.Unlock()
		select {
		case <-idle:
		case <-ctx.Done():
			return fmt.Errorf("wait for notify scripts: %w", ctx.Err())
		}
	}
}

// Close refuses further notifications and waits for queued runs to finish
// (each bounded by its timeout). When ctx ends first, running scripts are
// killed (process group SIGTERM, SIGKILL after 1 s), queued ones dropped,
// and ctx's error is returned. FIFOs are not closed: they belong to the
// caller.
func (n *Notifier) Close(ctx context.Context) error {
	n.mu.Lock()
	n.closed = true
	n.mu.Unlock()
	done := make(chan struct{})
	go func() {
		n.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		n.cancel()
		return nil
	case <-ctx.Done():
		n.cancel()
		<-done
		return fmt.Errorf("close notifier: %w", ctx.Err())
	}
}
