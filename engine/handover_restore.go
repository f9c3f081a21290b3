package engine

import (
	"fmt"
	"reflect"
	"time"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/vrrp"
)

// Prepare opens what the engine needs before it has a state to run:
// the host's readiness checks, the announcer and every instance's VRRP
// socket. A new process prepares before it asks the old one for its
// state, so that a missing interface or a socket that cannot open fails
// the upgrade while the old process still runs. Start or Resume follows;
// on error the caller closes the engine (Abandon).
func (e *Engine) Prepare() error {
	if err := e.open(); err != nil {
		return fmt.Errorf("prepare engine: %w", err)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, pin := range e.cfg.Instances {
		if pin.VMAC != nil && !pin.VMAC.XmitBase {
			// Its socket is on its VMAC, which Resume adopts or makes:
			// nothing on the host changes before the state comes.
			continue
		}
		if _, ok := e.sockets[socketKey(pin)]; ok {
			continue
		}
		if _, err := e.socketFor(pin, socketKey(pin)); err != nil {
			return fmt.Errorf("prepare engine: instance %s: %w", pin.Name, err)
		}
	}
	return nil
}

// Resume starts the engine from another process's State instead of
// afresh, then applies its own configuration as a reload would. savedAt
// is st.At on this engine's clock. Instances are paired with the saved
// ones as a reload pairs them (InstanceKey): a paired instance carries
// on in its saved state, with its timers, AH sequence and owned
// addresses, and without a transition or a notification; it then takes
// the new configuration in place if that differs. An unpaired instance
// starts as at boot. The static items and kernel settings are brought in
// line with the configuration, the checks and trackers carry on; no
// startup_script runs (the daemon did not start). On error the caller
// abandons the engine (Abandon), which leaves the host as it is.
func (e *Engine) Resume(st *State, savedAt time.Time) error {
	if st.Format != StateFormat {
		return fmt.Errorf("resume engine: state format %d, this goalived reads %d", st.Format, StateFormat)
	}
	if err := e.open(); err != nil {
		return fmt.Errorf("resume engine: %w", err)
	}
	e.startNotifier()
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.adoptNet(st.Net); err != nil {
		return fmt.Errorf("resume engine: %w", err)
	}
	// Tracking is made first: it makes the sync groups, with their saved
	// states, the instances' gate.
	e.track = e.newTracking(e.cfg, nil, &st.Track)
	saved := map[InstanceKey]*InstanceState{}
	for i := range st.Instances {
		saved[st.Instances[i].Key] = &st.Instances[i]
	}
	var after []func()
	for _, pin := range e.cfg.Instances {
		in, then, err := e.resumeInstance(pin, saved[keyFor(pin)], savedAt)
		if err != nil {
			return fmt.Errorf("resume engine: %w", err)
		}
		e.insts = append(e.insts, in)
		if then != nil {
			after = append(after, then)
		}
	}
	e.applyRcvBufs()
	// The instances run first: until they do no advert goes out. Tracking
	// then starts from the saved conditions (the effective priorities it
	// hands the instances are those they were saved with).
	for _, in := range e.insts {
		if err := in.vi.Start(); err != nil {
			return fmt.Errorf("resume engine: %w", err)
		}
	}
	e.startReaders()
	e.resumeHost(st)
	if err := e.track.Start(e.members(e.insts)); err != nil {
		return fmt.Errorf("resume engine: %w", err)
	}
	for _, f := range after {
		f()
	}
	return nil
}

// resumeHost takes over the changed kernel settings (their original
// values are the old process's) and brings the static items in line with
// the configuration, as a reload does.
func (e *Engine) resumeHost(st *State) {
	e.sysctl = newSysctls(e.host.Sysctls)
	for _, s := range st.Sysctls {
		e.sysctl.original[s.Name] = s.Original
		e.sysctl.names = append(e.sysctl.names, s.Name)
	}
	if err := e.applySysctls(); err != nil {
		e.log.Warn(fmt.Sprintf("kernel settings: %v", err), "err", err)
	}
	e.static = &vipOwner{routing: e.host.Routing, clock: e.clock, set: st.Static.set(), owned: true}
	if err := e.applyStatic(planStatic(e.static.current(), e.cfg, e.host.Routing.RouteTable)); err != nil {
		e.log.Warn(fmt.Sprintf("static items: %v", err), "err", err)
	}
}

// resumeInstance restores pin from is, or creates it afresh when is is
// nil. then, if set, applies pin's configuration to the restored instance
// once it runs, as a reload updates an instance in place.
func (e *Engine) resumeInstance(pin *config.Instance, is *InstanceState, savedAt time.Time) (*instance, func(), error) {
	if is == nil {
		in, err := e.newInstance(pin)
		return in, nil, err
	}
	in, ran, err := e.restoreInstance(pin, is, savedAt)
	if err != nil {
		return nil, nil, err
	}
	set, err := instanceNet(pin, e.host.Routing.RouteTable)
	if err != nil {
		return nil, nil, err
	}
	set = in.vmacs.rewrite(pin, set)
	vc := vrrpConfig(pin, in.sock.source(), e.opts)
	if reflect.DeepEqual(ran, vc) && is.Items.set().equal(set) {
		return in, nil, nil // kept
	}
	return in, func() {
		// As a reload updates a paired instance in place.
		if err := e.reconfigure(in, pin); err != nil {
			e.log.Warn(fmt.Sprintf("(%s) handover: new configuration not applied: %v", pin.Name, err), "instance", pin.Name, "err", err)
		}
	}, nil
}

// restoreInstance builds pin's instance in the saved state: it runs the
// protocol configuration it was saved with (on this process's socket),
// which it returns, and owns the saved addresses, routes and rules,
// installed if they were.
func (e *Engine) restoreInstance(pin *config.Instance, is *InstanceState, savedAt time.Time) (*instance, vrrp.Config, error) {
	in, _, err := e.instanceShell(pin)
	if err != nil {
		return nil, vrrp.Config{}, err
	}
	in.vips.set, in.vips.owned = is.Items.set(), is.Owned
	// A master that blocks its VIPs declares its rules again: the table
	// holds them already (it was adopted, or is the engine's own).
	in.accept.owned = is.Owned
	if err := in.accept.apply(); err != nil {
		e.log.Warn(fmt.Sprintf("(%s) %v", pin.Name, err), "instance", pin.Name, "err", err)
	}
	in.status.restore(is)
	vc := is.Config
	vc.Name, vc.Source = pin.Name, in.sock.source()
	in.vi, err = vrrp.NewInstance(vc, e.outputs(in), vrrp.WithClock(e.clock), vrrp.WithRunners(e.runners), vrrp.WithRestore(is.VRRP, savedAt))
	if err != nil {
		return nil, vc, fmt.Errorf("restore instance %s: %w", pin.Name, err)
	}
	in.sock.attach(vc.VRID, in.vi)
	e.prepareAnnounce(pin.Name, in.vips.set)
	return in, vc, nil
}
