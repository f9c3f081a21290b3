package script

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultCapture is how much output of a check run is kept by default.
const DefaultCapture = 4096

// CheckConfig describes one vrrp_script.
type CheckConfig struct {
	Name string
	// Command is what to run. Its Timeout is replaced by the check's
	// timeout; Capture 0 means DefaultCapture, negative means none.
	Command Command
	// Interval between run starts; 0 means 1 s (keepalived's default).
	Interval time.Duration
	// Timeout of one run; 0 means Interval, as in keepalived.
	Timeout time.Duration
	// Rise and Fall as in keepalived; 0 means 1.
	Rise, Fall int
	// Initial continues a condition across a reload (see NewRiseFallFrom);
	// Unknown, the zero value, is a fresh start.
	Initial Condition
	// Resume, if set, continues a check handed over by another process
	// (see CheckState): the counter's position and the time of the first
	// run. It wins over Initial unless the position does not fit Rise and
	// Fall.
	Resume *CheckState
	// Run runs the command; nil is Run (a test's host runs it in memory).
	Run RunFunc
}

// CheckEvent reports a change of a check's condition. The first result
// always produces one (Unknown to Up or Down). A run whose exit status
// differs from the previous one's also produces one, with StatusOnly set
// when the condition stays (keepalived 2.2.7 logs "Script `chk` now
// returning 1" at every change of the exit status, rise and fall aside).
type CheckEvent struct {
	Name string
	// OK is the new condition: true for Up, false for Down.
	OK bool
	// StatusOnly says the condition did not change: only Status did.
	StatusOnly bool
	// StatusChanged says the run exited with another status than the
	// last run that exited (0 before the first, as in keepalived); a run
	// that timed out or was killed by a signal has no status and changes
	// nothing. A program that could not be executed counts as status 0,
	// as keepalived's forked child exits 0 then.
	StatusChanged bool
	Status        int
	// Result is the run that caused the change; TimedOut, Output and
	// Duration are copied from it for convenience.
	Result   Result
	TimedOut bool
	Output   []byte
	Duration time.Duration
}

// RunFunc runs one command; Run is the real one.
type RunFunc func(ctx context.Context, c Command) (Result, error)

// Check schedules one vrrp_script: the first run starts at
// once, later runs every Interval from the previous start; a run is
// skipped while the previous one (including its kill phase) is still
// going. Each run executes in its own goroutine, so a hanging script only
// ever delays its own check. Results go through a RiseFall counter and
// condition changes are sent to the events channel given to Start.
type Check struct {
	cfg CheckConfig
	run RunFunc

	skipped atomic.Uint64
	cond    atomic.Int32
	runs    atomic.Uint64 // finished runs with a verdict
	fails   atomic.Uint64 // of which failed or timed out
	lastDur atomic.Int64  // the last such run's duration, ns
	done    chan struct{}
	drain   chan struct{} // closed by Drain

	mu      sync.Mutex // guards rf, status, next and the lifecycle fields below
	rf      *RiseFall
	status  int       // the exit status of the last run that exited
	next    time.Time // when the next run is due
	started bool
	closed  bool
	cancel  context.CancelFunc
}

// NewCheck validates cfg and applies keepalived's defaults.
func NewCheck(cfg CheckConfig) (*Check, error) {
	if len(cfg.Command.Argv) == 0 {
		return nil, fmt.Errorf("new check %q: %w", cfg.Name, ErrNoArgv)
	}
	if cfg.Interval < 0 || cfg.Timeout < 0 {
		return nil, fmt.Errorf("new check %q: negative interval or timeout", cfg.Name)
	}
	if cfg.Interval == 0 {
		cfg.Interval = time.Second
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = cfg.Interval
	}
	cfg.Rise, cfg.Fall = max(cfg.Rise, 1), max(cfg.Fall, 1)
	rf, err := NewRiseFallFrom(cfg.Rise, cfg.Fall, cfg.Initial)
	if err != nil {
		return nil, fmt.Errorf("new check %q: %w", cfg.Name, err)
	}
	if cfg.Resume != nil {
		if at, err := NewRiseFallAt(cfg.Rise, cfg.Fall, *cfg.Resume); err == nil {
			rf = at
		} else {
			cfg.Resume = nil // rise or fall changed: the condition alone carries over
		}
	}
	switch {
	case cfg.Command.Capture == 0:
		cfg.Command.Capture = DefaultCapture
	case cfg.Command.Capture < 0:
		cfg.Command.Capture = 0
	}
	cfg.Command.Timeout = cfg.Timeout
	c := &Check{cfg: cfg, run: cfg.Run, rf: rf, done: make(chan struct{}), drain: make(chan struct{})}
	if c.run == nil {
		c.run = Run
	}
	if cfg.Resume != nil {
		c.status = cfg.Resume.Status
	}
	c.cond.Store(int32(rf.Condition()))
	return c, nil
}

// Condition is the current condition (Unknown before the first result).
func (c *Check) Condition() Condition { return Condition(c.cond.Load()) }

// RunStats is what the metrics endpoint exports of a check's runs.
type RunStats struct {
	Runs, Failures uint64
	LastDuration   time.Duration
}

// Stats returns the counts of finished runs and the last one's duration.
func (c *Check) Stats() RunStats {
	return RunStats{Runs: c.runs.Load(), Failures: c.fails.Load(), LastDuration: time.Duration(c.lastDur.Load())}
}

// Name returns the vrrp_script's name.
func (c *Check) Name() string { return c.cfg.Name }

// Skipped counts runs skipped because the previous one was still running
// (keepalived: "Track script X is already running, expect idle - skipping
// run").
func (c *Check) Skipped() uint64 { return c.skipped.Load() }

// Start begins scheduling; events receives condition changes and is never
// closed by the Check. Start may be called once.
func (c *Check) Start(events chan<- CheckEvent) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.started || c.closed {
		return fmt.Errorf("start check %q: %w", c.cfg.Name, errors.New("already started or closed"))
	}
	c.started = true
	ctx, cancel := context.WithCancel(context.Background())
	c.cancel = cancel
	go c.loop(ctx, events)
	return nil
}

// Close stops scheduling, kills a running script's process group
// (SIGTERM, SIGKILL after CancelKillGrace) and waits. It is idempotent and
// may be called without Start.
func (c *Check) Close() error {
	c.mu.Lock()
	first, started := !c.closed, c.started
	c.closed = true
	c.mu.Unlock()
	if started {
		if first {
			c.cancel()
		}
		<-c.done
	}
	return nil
}

func (c *Check) loop(ctx context.Context, events chan<- CheckEvent) {
	defer close(c.done)
	results := make(chan runOutcome, 1)
	var wg sync.WaitGroup
	defer wg.Wait()
	var first time.Duration
	if s := c.cfg.Resume; s != nil {
		first = max(s.Next, 0)
	}
	timer := time.NewTimer(first)
	defer timer.Stop()
	c.setNext(time.Now().Add(first))
	running, draining := false, c.drain
	for {
		select {
		case <-ctx.Done():
			return
		case <-draining:
			timer.Stop()
			if !running {
				return
			}
			draining = nil // wait for the run in progress
		case <-timer.C:
			timer.Reset(c.cfg.Interval)
			c.setNext(time.Now().Add(c.cfg.Interval))
			if running {
				c.skipped.Add(1)
				continue
			}
			running = true
			wg.Add(1)
			go func() {
				defer wg.Done()
				r, err := c.run(ctx, c.cfg.Command)
				results <- runOutcome{r, err}
			}()
		case o := <-results:
			running = false
			c.finished(ctx, events, o)
			if draining == nil {
				return
			}
		}
	}
}

func (c *Check) setNext(t time.Time) {
	c.mu.Lock()
	c.next = t
	c.mu.Unlock()
}

// finished counts a run's verdict and sends a condition change.
func (c *Check) finished(ctx context.Context, events chan<- CheckEvent, o runOutcome) {
	r := o.r
	if o.err != nil || r.Canceled {
		return // not started (no verdict, as in keepalived) or shutting down
	}
	c.lastDur.Store(int64(r.Duration))
	if !r.OK {
		c.fails.Add(1)
	}
	c.runs.Add(1)
	status, exited := ExitStatus(r)
	c.mu.Lock()
	changed, cond := c.rf.Observe(r.OK)
	statusChanged := exited && status != c.status
	if exited {
		c.status = status
	}
	c.mu.Unlock()
	c.cond.Store(int32(cond))
	if changed || statusChanged {
		c.emit(ctx, events, cond, r, CheckEvent{StatusOnly: !changed, StatusChanged: statusChanged, Status: status})
	}
}

// ExitStatus is the exit status of a run as keepalived sees it, and
// whether the run has one (see CheckEvent.StatusChanged).
func ExitStatus(r Result) (int, bool) {
	switch {
	case r.ExecErr != nil:
		return 0, true
	case r.TimedOut || r.Signal != 0 || r.ExitCode < 0:
		return 0, false
	}
	return r.ExitCode, true
}

type runOutcome struct {
	r   Result
	err error
}

// emit sends ev, completed with the run r and the condition cond.
func (c *Check) emit(ctx context.Context, events chan<- CheckEvent, cond Condition, r Result, ev CheckEvent) {
	ev.Name, ev.OK, ev.Result = c.cfg.Name, cond == Up, r
	ev.TimedOut, ev.Output, ev.Duration = r.TimedOut, r.Output, r.Duration
	select {
	case events <- ev:
	case <-ctx.Done():
	}
}
