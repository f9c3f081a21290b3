package engine

import (
	"errors"
	"fmt"

	"github.com/goalived/goalived/config"
)

// ReloadResult says what a reload did, for the log and for tests.
type ReloadResult struct {
	Kept, Updated, Restarted, Added, Removed []string
}

// Reload applies a new configuration that the caller has already loaded
// and validated, as keepalived 2.2.7 handles SIGHUP in the same process.
// planReload decides what happens to each instance (see change); Reload
// carries it out in this order:
//
//  1. the trackers stop; vrrp_scripts whose command is unchanged keep
//     their condition for the new ones;
//  2. the notify FIFOs are reopened and their readers restarted
//     (fifo_reload.go);
//  3. the static addresses, routes and rules follow the new
//     configuration;
//  4. in the new configuration's order: kept instances take the new
//     configuration value, updated ones take it in place, restarted ones
//     stop and start again, added ones are created;
//  5. removed instances stop (and are notified FAULT or DELETED);
//  6. the trackers start for the new configuration, the FIFOs get the
//     states (fifo_write_vrrp_states_on_reload), and the new instances
//     and sockets start.
func (e *Engine) Reload(cfg *config.Config) (ReloadResult, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.frozen != nil {
		return ReloadResult{}, fmt.Errorf("reload: %w", errFrozen)
	}
	if cfg.Global.Nftables != e.cfg.Global.Nftables {
		// keepalived 2.2.7 refuses the whole reload and runs on.
		return ReloadResult{}, fmt.Errorf("reload refused: %w (%q to %q)", errTableChange, e.cfg.Global.Nftables, cfg.Global.Nftables)
	}
	var static ownedSet
	if e.static != nil {
		static = e.static.current()
	}
	plan := planReload(e.cfg, cfg, static, e.host.Routing.RouteTable)
	carried := e.track.Carry(cfg)
	e.track.Close()
	e.logScripts(cfg, carried)
	e.logAssigned(cfg)
	e.reopenFIFOs(cfg.Global)
	var errs []error
	if err := e.applyStatic(plan.Static); err != nil {
		errs = append(errs, err)
	}
	e.openFirewall(cfg)
	next, res, err := e.applySteps(plan, cfg)
	errs = append(errs, err)
	e.cfg, e.insts = cfg, next
	e.applyRcvBufs()
	e.track = e.newTracking(cfg, carried, nil)
	if err := e.track.Start(e.members(e.insts)); err != nil {
		errs = append(errs, err)
	}
	e.writeStatesOnReload()
	errs = append(errs, e.startInstances())
	e.logMastersSet()
	e.started()
	if err := errors.Join(errs...); err != nil {
		return res, fmt.Errorf("reload: %w", err)
	}
	return res, nil
}

// applySteps carries out the instances' steps (4 and 5 above) and
// returns the new instances in configuration order.
func (e *Engine) applySteps(plan reloadPlan, cfg *config.Config) ([]*instance, ReloadResult, error) {
	var res ReloadResult
	var next []*instance
	var errs []error
	create := func(pin *config.Instance) {
		in, err := e.newInstance(pin)
		if err != nil {
			errs = append(errs, err)
			return
		}
		next = append(next, in)
	}
	for _, st := range plan.Steps {
		var prev *instance
		if st.Old >= 0 {
			prev = e.insts[st.Old]
		}
		var pin *config.Instance
		if st.New >= 0 {
			pin = cfg.Instances[st.New]
		}
		switch st.Change {
		case kept:
			prev.pcfg.Store(pin)
			next = append(next, prev)
			res.Kept = append(res.Kept, st.Name)
		case updated:
			if err := e.reconfigure(prev, pin); err != nil {
				e.log.Warn(fmt.Sprintf("(%s) cannot be updated in place, restarting it: %v", pin.Name, err), "instance", pin.Name, "err", err)
				e.stopInstance(prev)
				res.Restarted = append(res.Restarted, st.Name)
				create(pin)
				continue
			}
			next = append(next, prev)
			res.Updated = append(res.Updated, st.Name)
		case restarted:
			e.log.Info(fmt.Sprintf("(%s) restarted by the reload: %s", pin.Name, st.Why), "instance", pin.Name, "why", st.Why)
			e.stopInstance(prev)
			res.Restarted = append(res.Restarted, st.Name)
			create(pin)
		case added:
			res.Added = append(res.Added, st.Name)
			create(pin)
		case removed:
			prev.deleted.Store(true)
			e.stopInstance(prev)
			res.Removed = append(res.Removed, st.Name)
		}
	}
	return next, res, errors.Join(errs...)
}

// reconfigure updates a matched instance in place, keeping its state, as
// keepalived does: it moves to its new socket if that changed, deletes
// the addresses that left, takes the new addresses and drop rules, then
// the protocol configuration through vrrp's Reload (a master re-adds and
// announces new VIPs), and replaces the notify scripts.
func (e *Engine) reconfigure(in *instance, pin *config.Instance) error {
	set, err := instanceNet(pin, e.host.Routing.RouteTable)
	if err != nil {
		return err
	}
	set = in.vmacs.rewrite(pin, set)
	if err := e.moveSocket(in, pin); err != nil {
		return err
	}
	// The new addresses and drop rules first: a master's Reload adds
	// the addresses at once, on its effects goroutine, from what the
	// owner holds then.
	if err := in.vips.replace(set); err != nil {
		e.log.Warn(fmt.Sprintf("(%s) VIPs that left the configuration not removed: %v", pin.Name, err), "instance", pin.Name, "err", err)
	}
	if err := in.accept.reconfigure(e.fw, blockSpecs(pin, &e.cfg.Global, set, in.vmacs.ifname(pin))); err != nil {
		e.log.Warn(fmt.Sprintf("(%s) firewall drop rules not changed: %v", pin.Name, err), "instance", pin.Name, "err", err)
	}
	if err := in.vi.Reload(vrrpConfig(pin, in.sock.source(), e.opts)); err != nil {
		return err
	}
	in.status.setSource(in.sock.source())
	ns := e.notifyScripts(pin.Name, pin.Notify())
	in.notify.Store(&ns)
	in.pcfg.Store(pin)
	return nil
}

// moveSocket moves an instance whose socket key changed (mcast_src_ip,
// unicast_ttl) to the socket of pin, freeing the old one if it is left
// empty. The reader of the new socket starts with the others.
func (e *Engine) moveSocket(in *instance, pin *config.Instance) error {
	k := socketKey(pin)
	if vk := in.vmacs.sockKey(k, nil, pin.Interface); vk.ifname != k.ifname {
		// On the VMAC (unchanged: a change restarts the instance) the
		// socket sends from the address it was given at start unless
		// one is configured.
		if !k.src.IsValid() {
			vk.src = in.sock.key.src
		}
		k = vk
	}
	if k == in.sock.key {
		return nil
	}
	vrid := uint8(pin.VRID)
	in.sock.detach(vrid)
	s, err := e.socketFor(pin, k)
	if err != nil {
		in.sock.attach(vrid, in.vi)
		return err
	}
	old := in.sock
	s.attach(vrid, in.vi)
	in.sock = s
	in.tx.Store(s)
	e.freeSocket(old)
	return nil
}

// applyStatic brings the static items in line with the new configuration
// (see staticPlan).
func (e *Engine) applyStatic(p staticPlan) error {
	if p.Err != nil {
		return p.Err
	}
	if e.static == nil {
		return nil // the engine was closed
	}
	err := errors.Join(e.static.replace(p.Next), e.host.Routing.Add(p.Add))
	if err != nil {
		return fmt.Errorf("reload static items: %w", err)
	}
	return nil
}

// stopInstance stops an instance that leaves the configuration and frees
// its socket when no other instance uses it.
func (e *Engine) stopInstance(in *instance) {
	_ = in.vi.Close()
	in.sock.detach(uint8(in.conf().VRID))
	e.freeSocket(in.sock)
	e.dropVMACs(in)
}

// freeSocket closes s once no instance uses it.
func (e *Engine) freeSocket(s *socket) {
	if !s.empty() {
		return
	}
	for k, x := range e.sockets {
		if x == s {
			_ = s.close()
			delete(e.sockets, k)
		}
	}
}
