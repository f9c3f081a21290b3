package vrrp

import (
	"errors"
	"fmt"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"
)

// Instance runs one Machine: a goroutine owns it, steps it on packets,
// control events and its deadline, sends adverts itself and hands the
// other actions to an effects goroutine (see effects).
type Instance struct {
	m     *Machine // owned by the loop goroutine once started
	name  string
	clock Clock
	out   Outputs
	eff   *effects

	pkts chan Packet
	ctl  chan Event
	quit chan struct{}
	done chan struct{}

	lifeMu   sync.Mutex // guards started and closed
	started  bool
	closed   bool
	overruns atomic.Uint64
	want     atomic.Bool // the machine's WantsMaster, published for the other members' gates
	owner    bool        // base priority 255 and state MASTER, as configured at creation
	keepVIPs atomic.Bool // set by CloseKeepVIPs before quit is closed

	mu      sync.Mutex // guards snap and maxLate
	snap    snapshot
	maxLate time.Duration
}

type snapshot struct {
	state      State
	prio       uint8
	stats      Stats
	masterAddr netip.Addr
	masterPrio uint8
	checksum   UnicastChecksum
}

// Option configures an Instance.
type Option func(*Instance)

// WithClock replaces the real clock.
func WithClock(c Clock) Option { return func(in *Instance) { in.clock = c } }

// NewInstance validates cfg and prepares an instance; Start runs it.
func NewInstance(cfg Config, out Outputs, opts ...Option) (*Instance, error) {
	m, err := NewMachine(cfg)
	if err != nil {
		return nil, err
	}
	in := &Instance{
		m: m, name: cfg.Name, clock: RealClock(), out: out, eff: newEffects(out),
		// 32 packets: a VRID hears one advert per interval from each
		// router, so this only has to absorb a scheduling hiccup; 256 made
		// a master of 250 instances use 13 MiB more.
		pkts: make(chan Packet, 32), ctl: make(chan Event, 16),
		quit: make(chan struct{}), done: make(chan struct{}),
	}
	for _, o := range opts {
		o(in)
	}
	in.snap = snapshotOf(m)
	in.want.Store(m.WantsMaster())
	in.owner = m.isOwner()
	if out.Gate != nil {
		m.SetGate(func(from State) bool {
			// Publish the wish before asking: two members whose timers
			// fire together then see at least one of them wanting.
			in.want.Store(true)
			return out.Gate.MayBecomeMaster(in.name, from)
		})
	}
	return in, nil
}

// ErrClosed is returned by Start after Close.
var ErrClosed = errors.New("vrrp instance closed")

// Start launches the instance's goroutines and leaves INIT.
func (in *Instance) Start() error {
	in.lifeMu.Lock()
	defer in.lifeMu.Unlock()
	if in.closed {
		return fmt.Errorf("start vrrp instance %s: %w", in.name, ErrClosed)
	}
	if !in.started {
		in.started = true
		go in.eff.run()
		go in.loop()
	}
	return nil
}

// Close shuts the instance down (a master sends priority 0 and releases
// its VIPs, STOP is reported) and waits until all outputs are done. It is
// idempotent and safe to call concurrently.
func (in *Instance) Close() error { return in.close(false) }

// CloseKeepVIPs stops the instance like Close but, as keepalived -V
// (--dont-release-vrrp), a master neither resigns nor removes its VIPs.
func (in *Instance) CloseKeepVIPs() error { return in.close(true) }

func (in *Instance) close(keepVIPs bool) error {
	in.lifeMu.Lock()
	if !in.closed {
		in.closed = true
		in.keepVIPs.Store(keepVIPs)
		close(in.quit)
	}
	started := in.started
	in.lifeMu.Unlock()
	if started {
		<-in.done
		<-in.eff.done
	}
	return nil
}

// Deliver hands a received packet to the instance. It never blocks: when
// the queue is full the packet is dropped and counted (Overruns). The
// instance takes ownership of p.Payload.
func (in *Instance) Deliver(p Packet) {
	select {
	case in.pkts <- p:
	default:
		in.overruns.Add(1)
	}
}

// SetPriority sets the effective priority (clamped to 1..254; ignored for
// an address owner).
func (in *Instance) SetPriority(p int) { in.control(PriorityChanged{Priority: p}) }

// Reload applies a new configuration for the same virtual router (see
// the Reload event); the state is kept. The new configuration is validated
// first and the instance left unchanged on error.
func (in *Instance) Reload(cfg Config) error {
	ev, err := NewReload(cfg)
	if err != nil {
		return fmt.Errorf("reload vrrp instance %s: %w", in.name, err)
	}
	in.control(ev)
	return nil
}

// SetFault sets or clears the instance's fault condition.
func (in *Instance) SetFault(fault bool) {
	if fault {
		in.control(FaultSet{})
		return
	}
	in.control(FaultCleared{})
}

// ForceMaster takes a BACKUP to MASTER now, as a sync group member that
// went MASTER takes the others (see the ForceMaster event).
func (in *Instance) ForceMaster() { in.control(ForceMaster{}) }

// ForceBackup takes a MASTER to BACKUP now, as a sync group member that
// left MASTER takes the others (see the ForceBackup event).
func (in *Instance) ForceBackup() { in.control(ForceBackup{}) }

// WantsMaster reports whether the instance is master or would be if its
// Gate let it (keepalived's wantstate). It never blocks on the instance.
func (in *Instance) WantsMaster() bool { return in.want.Load() }

func (in *Instance) control(ev Event) {
	in.lifeMu.Lock()
	if !in.started && !in.closed {
		// Not running yet: the machine is still ours and in INIT, where
		// these events only record the new value and produce no actions.
		in.m.Step(in.clock.Now(), ev)
		in.want.Store(in.m.WantsMaster())
		in.mu.Lock()
		in.snap = snapshotOf(in.m)
		in.mu.Unlock()
		in.lifeMu.Unlock()
		return
	}
	in.lifeMu.Unlock()
	select {
	case in.ctl <- ev:
	case <-in.quit:
	}
}

// State, Priority and Stats return the state after the last step.
func (in *Instance) State() State {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.snap.state
}

// Priority returns the effective priority.
func (in *Instance) Priority() uint8 {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.snap.prio
}

// Stats returns the counters.
func (in *Instance) Stats() Stats {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.snap.stats
}

// Master returns the address and priority of the current master as last
// heard (our own when master).
func (in *Instance) Master() (netip.Addr, uint8) {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.snap.masterAddr, in.snap.masterPrio
}

// UnicastChecksum returns the unicast checksum mode, Detected once a
// peer's old checksum switched a default instance over.
func (in *Instance) UnicastChecksum() UnicastChecksum {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.snap.checksum
}

// MaxLateness returns the largest delay seen between a deadline and the
// moment its timer was handled.
func (in *Instance) MaxLateness() time.Duration {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.maxLate
}

// Overruns counts packets dropped because the receive queue was full.
func (in *Instance) Overruns() uint64 { return in.overruns.Load() }

// Name returns the instance name.
func (in *Instance) Name() string { return in.name }

// Compile-time check that the real timer satisfies Timer.
var _ ClockTimer = realTimer{}

// stopTimer stops t if set.
func stopTimer(t ClockTimer) {
	if t != nil {
		t.Stop()
	}
}

// arm returns a timer for deadline (nil for none).
func (in *Instance) arm(deadline time.Time) ClockTimer {
	if deadline.IsZero() {
		return nil
	}
	return in.clock.NewTimer(max(deadline.Sub(in.clock.Now()), 0))
}

func snapshotOf(m *Machine) snapshot {
	a, p := m.Master()
	return snapshot{state: m.State(), prio: m.Priority(), stats: m.Stats(), masterAddr: a, masterPrio: p,
		checksum: m.cfg.UnicastChecksum}
}
