package tracktest

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/goalived/goalived/engine/track"
	"github.com/goalived/goalived/script"
)

// Checks creates Checks whose runs the test decides.
type Checks struct {
	mu     sync.Mutex // guards checks and fail
	checks map[string]*Check
	fail   map[string]error
}

// NewChecks returns a factory without checks.
func NewChecks() *Checks { return &Checks{checks: map[string]*Check{}, fail: map[string]error{}} }

// FailNew makes the creation of the named check fail with err.
func (c *Checks) FailNew(name string, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.fail[name] = err
}

// NewCheck implements track.Checks with script.NewCheck's defaults: rise
// and fall at least 1, a check without a command is an error.
func (c *Checks) NewCheck(cfg script.CheckConfig) (track.Check, error) {
	if len(cfg.Command.Argv) == 0 {
		return nil, fmt.Errorf("new check %q: %w", cfg.Name, script.ErrNoArgv)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.fail[cfg.Name]; err != nil {
		return nil, err
	}
	cfg.Rise, cfg.Fall = max(cfg.Rise, 1), max(cfg.Fall, 1)
	rf, err := script.NewRiseFallFrom(cfg.Rise, cfg.Fall, cfg.Initial)
	if err != nil {
		return nil, fmt.Errorf("new check %q: %w", cfg.Name, err)
	}
	if s := cfg.Resume; s != nil {
		if at, err := script.NewRiseFallAt(cfg.Rise, cfg.Fall, *s); err == nil {
			rf = at
		}
	}
	ch := &Check{cfg: cfg, rf: rf, done: make(chan struct{})}
	c.checks[cfg.Name] = ch
	return ch, nil
}

// Check returns the last check created with that name, or nil.
func (c *Checks) Check(name string) *Check {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.checks[name]
}

// Check is one vrrp_script whose run results come from the test, through
// keepalived's rise/fall counter (script.RiseFall), as script.Check
// counts them.
type Check struct {
	cfg script.CheckConfig

	mu      sync.Mutex // guards the fields below
	rf      *script.RiseFall
	status  int // the exit status of the last run that exited
	events  chan<- script.CheckEvent
	started bool
	closed  bool
	stats   script.RunStats
	done    chan struct{}
}

var errStarted = errors.New("already started or closed")

// Name implements track.Check.
func (c *Check) Name() string { return c.cfg.Name }

// Config is what the check was created with.
func (c *Check) Config() script.CheckConfig { return c.cfg }

// Start implements track.Check.
func (c *Check) Start(events chan<- script.CheckEvent) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.started || c.closed {
		return fmt.Errorf("start check %q: %w", c.cfg.Name, errStarted)
	}
	c.started, c.events = true, events
	return nil
}

// Close implements track.Check; it is idempotent.
func (c *Check) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.closed {
		c.closed = true
		close(c.done)
	}
	return nil
}

// Drain implements track.Check: runs are fed by the test, so none is in
// progress; it closes the check and returns its position.
func (c *Check) Drain(ctx context.Context) script.CheckState {
	c.Close()
	c.mu.Lock()
	defer c.mu.Unlock()
	counter, init := c.rf.Position()
	return script.CheckState{Counter: counter, Init: init, Next: c.cfg.Interval}
}

// Closed reports whether Close was called.
func (c *Check) Closed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

// Stats implements track.Check.
func (c *Check) Stats() script.RunStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stats
}

// Run feeds one run's outcome (see RunResult).
func (c *Check) Run(ok bool) bool { return c.RunResult(script.Result{OK: ok}) }

// RunResult feeds one run's result and, when the condition or the exit
// status changes, sends the event a script.Check sends. It returns false when the check
// is not running (not started or closed): the run is then ignored.
func (c *Check) RunResult(res script.Result) bool {
	ok := res.OK
	c.mu.Lock()
	if !c.started || c.closed {
		c.mu.Unlock()
		return false
	}
	c.stats.Runs++
	c.stats.LastDuration = res.Duration
	if !ok {
		c.stats.Failures++
	}
	changed, cond := c.rf.Observe(ok)
	status, exited := script.ExitStatus(res)
	statusChanged := exited && status != c.status
	if exited {
		c.status = status
	}
	events := c.events
	c.mu.Unlock()
	if changed || statusChanged {
		ev := script.CheckEvent{Name: c.cfg.Name, OK: cond == script.Up, Result: res, TimedOut: res.TimedOut,
			Output: res.Output, Duration: res.Duration, StatusOnly: !changed, StatusChanged: statusChanged, Status: status}
		select {
		case events <- ev:
		case <-c.done:
		}
	}
	return true
}
