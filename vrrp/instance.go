package vrrp

import (
	"errors"
	"fmt"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"
)

// Instance runs one Machine: packets, control events and its deadline are
// run one at a time by a serial executor that steps it, sends adverts
// itself and hands the other actions to a second one (see effects.go).
// Neither holds a goroutine while idle; packets and timers are stepped on
// the goroutine that delivers them when the executor is idle. A thousand
// instances hold one each all the time: the fields are ordered so that
// none is padded, and what only a restored instance needs is behind a
// pointer.
type Instance struct {
	m      *Machine // stepped only on run once started
	name   string
	clock  Clock
	out    Outputs
	run    serial
	effRun serial // the effects (see effects.go)
	// stopping counts down the executor's last function (shutdown or
	// freeze) and the effects queued before it: Close waits for both.
	stopping sync.WaitGroup

	// Owned by the functions run on run (see loop.go).
	timer   ClockTimer
	sendBuf []byte // the advert being sent, reused
	fireFn  func() // fire, queued when the executor is busy

	lifeMu  sync.Mutex // guards started and closed
	restore *restoring // WithRestore: Start resumes this state

	mu      sync.Mutex // guards snap and maxLate
	snap    snapshot
	maxLate time.Duration

	overruns      atomic.Uint64
	pktSuppressed atomic.Uint64 // packet reports not queued (queue full)
	pktQueued     atomic.Int32  // packet reports queued and not yet run
	pending       atomic.Int32  // packets queued on run and not yet stepped
	accepting     atomic.Bool   // started and not closed: Deliver queues packets
	want          atomic.Bool   // the machine's WantsMaster, published for the other members' gates

	armed   bool // the timer is set for the machine's deadline (run's)
	stopped bool // run's
	started bool // lifeMu's
	closed  bool // lifeMu's
	owner   bool // base priority 255 and state MASTER, as configured at creation
}

// restoring is a WithRestore state and when it was saved.
type restoring struct {
	s  Saved
	at time.Time // on the instance's clock
}

// snapshot is what the accessors read without waiting for the executor.
// The counters are not in it: Stats reads them on the executor, and
// copying them at every step cost a quarter KiB per instance and a copy
// per advert.
type snapshot struct {
	masterAddr netip.Addr
	state      State
	prio       uint8
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
	in := &Instance{m: m, name: cfg.Name, clock: RealClock(), out: out}
	in.stopping.Add(2)
	for _, o := range opts {
		o(in)
	}
	in.fireFn = in.fire
	in.snap = snapshotOf(m)
	in.want.Store(m.WantsMaster())
	in.owner = m.isOwner()
	if out.Gate != nil {
		m.SetGate(func(from State) bool {
			// Publish the wish before asking: two members whose timers
			// fire together then see at least one of them wanting.
			in.want.Store(true)
			return in.out.Gate.MayBecomeMaster(in.name, from)
		})
	}
	return in, nil
}

// ErrClosed is returned by Start after Close.
var ErrClosed = errors.New("vrrp instance closed")

// Start leaves INIT; from now on packets are accepted.
func (in *Instance) Start() error {
	in.lifeMu.Lock()
	defer in.lifeMu.Unlock()
	if in.closed {
		return fmt.Errorf("start vrrp instance %s: %w", in.name, ErrClosed)
	}
	if !in.started {
		in.started = true
		if r := in.restore; r != nil {
			in.run.do(func() { in.resume(r.s, r.at) })
		} else {
			in.run.do(func() { in.handle(Start{}) })
		}
		in.accepting.Store(true)
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
	first := !in.closed
	in.closed = true
	in.accepting.Store(false)
	started := in.started
	if first && started {
		in.run.do(func() { in.shutdown(keepVIPs) })
	}
	in.lifeMu.Unlock()
	if started {
		in.stopping.Wait()
	}
	return nil
}

// maxPending bounds the packets queued for one instance: a VRID hears one
// advert per interval from each router, so the queue only has to absorb a
// scheduling hiccup.
const maxPending = 32

// Deliver hands a received packet to the instance. It never blocks: when
// the instance is idle the packet is stepped on the caller's goroutine
// (a socket reader delivers one packet at a time anyway), otherwise it is
// queued, and when maxPending packets are already queued it is dropped
// and counted (Overruns). Packets before Start or after Close are
// dropped. p.Payload and p.Header are used only until Deliver returns (a
// queued packet is copied), so the caller may reuse its buffer.
func (in *Instance) Deliver(p Packet) {
	if !in.accepting.Load() {
		return
	}
	if in.run.enter() {
		in.handle(PacketReceived{Packet: p})
		in.run.leave()
		return
	}
	if in.pending.Add(1) > maxPending {
		in.pending.Add(-1)
		in.overruns.Add(1)
		return
	}
	p.Payload = append([]byte(nil), p.Payload...)
	if p.Header != nil {
		p.Header = append([]byte(nil), p.Header...)
	}
	in.run.do(func() {
		in.pending.Add(-1)
		in.handle(PacketReceived{Packet: p})
	})
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
		// Not running yet: the machine is still in INIT, where these
		// events only record the new value and produce no actions. It is
		// stepped on the executor all the same: Stats may be reading it.
		in.onExecutor(func() {
			in.m.Step(in.clock.Now(), ev)
			in.publish()
		})
		in.lifeMu.Unlock()
		return
	}
	closed := in.closed
	in.lifeMu.Unlock()
	if !closed {
		in.run.do(func() { in.handle(ev) })
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

// Stats returns the counters. It reads them on the executor, so it
// waits for the steps queued before it; it must not be called from an
// output the instance calls while it steps (Sender, Gate).
func (in *Instance) Stats() Stats {
	var st Stats
	in.onExecutor(func() { st = in.m.Stats() })
	st.ReportsSuppressed = in.pktSuppressed.Load()
	return st
}

// onExecutor runs f on the instance's executor and waits for it: on the
// caller's goroutine when the executor is idle.
func (in *Instance) onExecutor(f func()) {
	if in.run.enter() {
		f()
		in.run.leave()
		return
	}
	done := make(chan struct{})
	in.run.do(func() {
		f()
		close(done)
	})
	<-done
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

func snapshotOf(m *Machine) snapshot {
	a, p := m.Master()
	return snapshot{state: m.State(), prio: m.Priority(), masterAddr: a, masterPrio: p,
		checksum: m.cfg.UnicastChecksum}
}
