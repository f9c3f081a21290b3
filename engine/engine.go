package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/engine/kalog"
	"github.com/goalived/goalived/engine/track"
	"github.com/goalived/goalived/netif"
	"github.com/goalived/goalived/script"
	"github.com/goalived/goalived/vrrp"
)

// Options adjust an Engine.
type Options struct {
	Logger *slog.Logger
	// KeepVIPsOnStop is keepalived's -V (--dont-release-vrrp).
	KeepVIPsOnStop bool
	// FastPreempt is goalived's --fast-preempt.
	FastPreempt bool
	// OnReport, if set, sees every instance report after the engine
	// handled it (status file, metrics). It runs on the instance's effects
	// goroutine and must not block.
	OnReport func(vrrp.Report)
	// OnNotify, if set, sees every state change as the engine notifies
	// it (notify scripts, FIFO): an instance's, a removed instance's as
	// keepalived 2.2.7 notifies it (FAULT, DELETED with notify_deleted,
	// nothing when it was in FAULT already) and a sync group's (Group
	// set, once all its members are in the state). It runs on the
	// goroutine that notifies, for a group under the group's lock so
	// that its changes come in order, and must not block.
	OnNotify func(script.Transition)
	// OnChange, if set, is called when something the status file shows
	// changed outside a transition (an effective priority). It must not
	// block.
	OnChange func()
	// Realtime, if set, reports the daemon's SCHED_RR priority and
	// RLIMIT_RTTIME (microseconds) in force, 0 for none, which
	// keepalived.data shows.
	Realtime func() (priority int, rttime uint64)
	// NotifyGrace bounds how long Close waits for queued notify scripts.
	NotifyGrace time.Duration
}

// Engine runs the VRRP instances of one configuration on a Host.
type Engine struct {
	cfg  *config.Config
	opts Options
	log  *slog.Logger
	host Host
	// addrs is the host's Links under the name tracking reads link state
	// and subscribes to changes through.
	addrs    Links
	ann      Announcer
	notifier *script.Notifier
	fifos    []FIFO
	cmds     *commands
	groups   track.Groups // read by reporters without e.mu
	// runners run every instance's effects (VIP changes, announcements,
	// reports) on at most effectRunners goroutines (see vrrp.Runners).
	runners *vrrp.Runners

	// fw is the nftables table (Accept_Mode, VMAC multicast rules), nil
	// until a configuration needs it; vmacs the VMAC interfaces, nil
	// until the first. vmacHeld are the names the instances' VMACs have.
	fw       Firewall
	fwCfg    netif.FirewallConfig // the table fw keeps
	vmacs    VMACLinks
	vmacHeld map[string]bool
	owners   int // numbers the instances' firewall owner names
	// adopted are the VMACs a hot upgrade's old process left, until
	// Settle.
	adopted []string

	static  *vipOwner       // static_ipaddress, static_routes, static_rules
	sysctl  *sysctls        // kernel settings changed for the configuration
	delayed vrrp.ClockTimer // vrrp_startup_delay; guarded by mu
	closed  bool            // guarded by mu
	mu      sync.Mutex      // guards cfg, sockets, insts and track during a reload
	sockets map[sockKey]*socket
	insts   []*instance
	track   *track.Tracker

	clock vrrp.Clock // the instances' timers, the startup delay, retries

	opened bool   // open has run
	frozen *State // set by Freeze until Thaw; guarded by mu

	closeOnce sync.Once
}

// instance is one configured vrrp_instance at run time.
type instance struct {
	pcfg atomic.Pointer[config.Instance] // swapped by a reload that keeps the instance
	vi   *vrrp.Instance
	// sock is the instance's socket; a reload may move the instance to
	// another (under e.mu, while tracking is stopped). tx is the same
	// socket for the instance's sends, which run on its own goroutine.
	sock   *socket
	tx     atomic.Pointer[socket]
	vips   *vipOwner
	accept *acceptMode // vips with Accept_Mode's drop rules: the instance's VIPs output
	vmacs  *instVMACs  // nil without use_vmac or address VMACs
	// owner names the instance to the firewall: fixed for its life (a
	// reload may rename it) and never reused.
	owner  string
	ann    *announcer                           // the instance's Announcer output
	notify atomic.Pointer[script.NotifyScripts] // swapped by a reload
	status *statusCell
	// deleted is set when a reload removes the instance, before it is
	// stopped: its stop is notified as keepalived does (notifyState).
	deleted atomic.Bool
	// parts are what vips, accept, ann and status point to: one
	// allocation instead of four, which cost their rounding and headers
	// at every instance.
	parts struct {
		vips   vipOwner
		accept acceptMode
		ann    announcer
		status statusCell
	}
}

func (in *instance) conf() *config.Instance { return in.pcfg.Load() }

// New prepares an engine of cfg on host; nothing touches the host until
// Start.
func New(cfg *config.Config, host Host, opts Options) *Engine {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.NotifyGrace == 0 {
		opts.NotifyGrace = 5 * time.Second
	}
	clock := host.Clock
	if clock == nil {
		clock = vrrp.RealClock()
	}
	return &Engine{cfg: cfg, opts: opts, log: opts.Logger, host: host, clock: clock, sockets: map[sockKey]*socket{},
		vmacHeld: map[string]bool{}, runners: vrrp.NewRunners(clock, effectRunners)}
}

// Start opens the sockets, removes stale VIPs (keepalived deletes every
// address, route and rule an instance would own at each start, before
// any election, so that a crashed master's leftovers go), starts the
// checks and the instances. On error everything started so far is closed
// again.
func (e *Engine) Start() error {
	if err := e.start(); err != nil {
		e.Close()
		return err
	}
	return nil
}

func (e *Engine) start() error {
	if err := e.open(); err != nil {
		return fmt.Errorf("start engine: %w", err)
	}
	g := e.cfg.Global
	e.logScripts(e.cfg, nil)
	e.startNotifier()
	e.mu.Lock()
	defer e.mu.Unlock()
	e.sysctl = newSysctls(e.host.Sysctls)
	if err := e.applySysctls(); err != nil {
		e.log.Warn(fmt.Sprintf("kernel settings not applied: %v", err), "err", err)
	}
	if err := e.startStatic(); err != nil {
		return fmt.Errorf("start engine: %w", err)
	}
	e.openFirewall(e.cfg)
	e.runGlobalScript("startup_script", g.StartupScript, g.StartupScriptTimeout)
	e.logAssigned(e.cfg)
	e.logAnnounceChannels(e.cfg)
	for _, pin := range e.cfg.Instances {
		in, err := e.newInstance(pin)
		if err != nil {
			return fmt.Errorf("start engine: %w", err)
		}
		e.insts = append(e.insts, in)
	}
	// Tracking follows the instances: it tracks their VMACs.
	e.track = e.newTracking(e.cfg, nil, nil)
	e.applyRcvBufs()
	if err := e.track.Start(e.members(e.insts)); err != nil {
		return fmt.Errorf("start engine: %w", err)
	}
	if d := g.StartupDelay; d > 0 {
		// vrrp_startup_delay: the instances wait (in INIT) for the
		// network to settle after boot; the daemon is up meanwhile.
		e.log.Info(fmt.Sprintf("Delaying startup for %g seconds", d.Seconds()), "delay", d)
		e.delayed = e.clock.AfterFunc(d, e.startDelayed)
		return nil
	}
	if err := e.startInstances(); err != nil {
		return fmt.Errorf("start engine: %w", err)
	}
	e.started()
	return nil
}

// open readies what the engine needs of its host before instances exist
// (once; Prepare may have done it).
func (e *Engine) open() error {
	if e.opened {
		return nil
	}
	if err := e.host.check(); err != nil {
		return err
	}
	e.opened = true
	e.addrs = e.host.Links
	e.logNetlink()
	if err := e.addrs.SetBufs(netlinkBufs(&e.cfg.Global)); err != nil {
		e.logRcvBufError(err) // keepalived logs it and goes on
	}
	g := e.cfg.Global
	e.ann = e.host.Announcers.NewAnnouncer(netif.AnnouncerConfig{Default: netif.Pacing{GARP: g.GARPInterval, NA: g.GNAInterval}})
	e.cmds = newCommands(g, e.host.Scripts)
	return nil
}

// startNotifier opens the notify FIFOs and the notifier.
func (e *Engine) startNotifier() {
	e.fifos = e.openFIFOs(e.cfg.Global)
	e.notifier = script.NewNotifier(script.NotifierConfig{FIFOs: fifoWriters(e.fifos), OnResult: e.notifyResult,
		Run: e.host.Scripts.Run})
}

// startDelayed starts the instances after vrrp_startup_delay, unless the
// engine was closed (or reloaded, which starts them itself) meanwhile.
func (e *Engine) startDelayed() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return
	}
	if err := e.startInstances(); err != nil {
		e.log.Error(fmt.Sprintf("instances not started after the startup delay: %v", err), "err", err)
	}
	e.started()
}

// startReaders starts the reader of every socket that has none yet.
func (e *Engine) startReaders() {
	for _, s := range e.sockets {
		s.startReader()
	}
}

// instances returns the running instances in configuration order.
func (e *Engine) instances() []*instance {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]*instance(nil), e.insts...)
}

func (e *Engine) newInstance(pin *config.Instance) (*instance, error) {
	in, set, err := e.instanceShell(pin)
	if err != nil {
		return nil, err
	}
	if err := in.vips.release(); err != nil {
		e.log.Warn(fmt.Sprintf("(%s) stale VIPs, routes and rules not removed: %v", pin.Name, err), "instance", pin.Name, "err", err)
	}
	e.detail(fmt.Sprintf("(%s) removing VIPs.", pin.Name), "instance", pin.Name)
	vc := vrrpConfig(pin, in.sock.source(), e.opts)
	if in.vi, err = vrrp.NewInstance(vc, e.outputs(in), vrrp.WithClock(e.clock), vrrp.WithRunners(e.runners)); err != nil {
		return nil, err
	}
	in.sock.attach(vc.VRID, in.vi)
	e.prepareAnnounce(pin.Name, set)
	return in, nil
}

// effectRunners is how many instances' effects run at once: enough that
// VIP changes, whose netlink requests are bounded to a few at once
// anyway, keep the kernel busy during a mass transition, few enough that
// the goroutines of 1000 instances becoming master together do not
// outlive the burst (each costs 0.45 KiB for the process's life).
const effectRunners = 16

// instanceShell is an instance of pin without its vrrp.Instance: its
// socket, addresses (set, not installed), notify scripts and status.
func (e *Engine) instanceShell(pin *config.Instance) (*instance, ownedSet, error) {
	set, err := instanceNet(pin, e.host.Routing.RouteTable)
	if err != nil {
		return nil, set, err
	}
	vm, links, err := e.planInstanceVMACs(pin)
	if err != nil {
		return nil, set, err
	}
	e.owners++
	owner := fmt.Sprintf("%s#%d", pin.Name, e.owners)
	if err := e.ensureVMACs(owner, vm); err != nil {
		return nil, set, fmt.Errorf("instance %s: %w", pin.Name, err)
	}
	set = vm.rewrite(pin, set)
	sock, err := e.socketFor(pin, vm.sockKey(socketKey(pin), links, pin.Interface))
	if err != nil {
		return nil, set, fmt.Errorf("instance %s: %w", pin.Name, err)
	}
	in := &instance{sock: sock, vmacs: vm, owner: owner}
	in.tx.Store(sock)
	in.status = &in.parts.status
	in.status.init(e.clock.Now())
	in.vips = &in.parts.vips
	*in.vips = vipOwner{routing: e.host.Routing, clock: e.clock, set: set, retry: vipRetry,
		restored: func() { e.vipsRestored(in) }}
	in.accept = &in.parts.accept
	*in.accept = acceptMode{vips: in.vips, links: e.host.Links, owner: owner, fw: e.fw,
		specs: blockSpecs(pin, &e.cfg.Global, set, vm.ifname(pin))}
	in.pcfg.Store(pin)
	ns := e.notifyScripts(pin.Name, pin.Notify())
	in.notify.Store(&ns)
	in.ann = &in.parts.ann
	*in.ann = announcer{a: e.ann, vips: in.vips, master: func() bool { return in.vi.State() == vrrp.StateMaster }}
	in.status.setSource(sock.source())
	return in, set, nil
}

// outputs are the instance's outputs to the host and the engine.
func (e *Engine) outputs(in *instance) vrrp.Outputs {
	return vrrp.Outputs{
		Sender:    sender{&in.tx},
		VIPs:      in.accept,
		Announcer: loggedAnnouncer{e, in},
		Reporter:  reporter{e, in},
		Gate:      &e.groups,
	}
}

// prepareAnnounce opens the GARP/NA sockets of an instance's addresses
// now: becoming master should not wait for them (about a millisecond of
// the first gratuitous ARP's delay).
func (e *Engine) prepareAnnounce(name string, set ownedSet) {
	prepared := map[string]bool{}
	for _, a := range set.addrs {
		key := fmt.Sprint(a.Dev, a.Prefix.Addr().Is6())
		if prepared[key] {
			continue
		}
		prepared[key] = true
		if err := e.ann.Prepare(a.Dev, a.Prefix.Addr().Is6()); err != nil {
			e.log.Log(context.Background(), kalog.LevelExtraDetail, fmt.Sprintf("(%s) gratuitous ARP/NA socket opens later: %v", name, err),
				"instance", name, "err", err)
		}
	}
}

// socketFor returns the socket of key k (socketKey, moved to a VMAC)
// for pin, opening it if no instance uses it yet.
func (e *Engine) socketFor(pin *config.Instance, k sockKey) (*socket, error) {
	if s, ok := e.sockets[k]; ok {
		if s.lookup(uint8(pin.VRID)) != nil {
			return nil, fmt.Errorf("virtual_router_id %d is used twice on %s", pin.VRID, k.ifname)
		}
		return s, nil
	}
	s, err := e.openSocket(k, e.cfg.Global.DynamicInterfaces)
	if err != nil {
		return nil, err
	}
	if !s.isOpen() {
		e.log.Info(fmt.Sprintf("Configuration specifies interface %s which doesn't currently exist - will use if created", k.ifname))
	}
	if e.cfg.Global.LogUnknownVRIDs {
		// Once per VRID and socket, as keepalived.
		s.onUnknown = func(ifname string, vrid uint8, src netip.Addr) {
			e.log.Info(fmt.Sprintf("Unknown VRID(%d) received on interface(%s) from %v. ignoring...", vrid, ifname, src),
				"interface", ifname, "vrid", vrid, "from", src)
		}
	}
	e.sockets[k] = s
	return s, nil
}

// Close stops the instances (a master sends priority 0 and releases its
// VIPs unless KeepVIPsOnStop), the checks and the sockets, then waits for
// queued notifications up to NotifyGrace. It is idempotent.
func (e *Engine) Close() error {
	var errs []error
	e.closeOnce.Do(func() {
		e.mu.Lock()
		defer e.mu.Unlock()
		e.closed = true
		if e.delayed != nil {
			e.delayed.Stop()
		}
		if e.track != nil {
			e.track.Close()
		}
		stopFIFOReaders(e.fifos)
		var wg sync.WaitGroup
		for _, in := range e.insts {
			wg.Go(func() {
				if e.opts.KeepVIPsOnStop {
					_ = in.vi.CloseKeepVIPs() // -V: no priority 0, VIPs stay
					return
				}
				_ = in.vi.Close()
			})
		}
		wg.Wait()
		errs = append(errs, e.closeOutputs()...)
		errs = append(errs, e.closeNet(), e.stopStatic())
		if e.sysctl != nil {
			errs = append(errs, e.sysctl.restore())
		}
		if e.cmds != nil {
			g := e.cfg.Global
			e.runGlobalScript("shutdown_script", g.ShutdownScript, g.ShutdownScriptTimeout)
		}
	})
	return errors.Join(errs...)
}

// closeOutputs closes the sockets, then waits for the notify scripts (up
// to NotifyGrace), then closes the FIFOs and the announcer, once the
// instances have stopped.
func (e *Engine) closeOutputs() []error {
	var errs []error
	for _, s := range e.sockets {
		errs = append(errs, s.close())
	}
	e.sockets = map[sockKey]*socket{}
	if e.notifier != nil {
		ctx, cancel := context.WithTimeout(context.Background(), e.opts.NotifyGrace)
		errs = append(errs, e.notifier.Close(ctx))
		cancel()
	}
	errs = append(errs, closeFIFOs(e.fifos))
	if e.ann != nil {
		errs = append(errs, e.ann.Close())
	}
	return errs
}
