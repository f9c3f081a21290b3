package engine

import (
	"errors"
	"fmt"
	"net/netip"
	"reflect"

	"github.com/goalived/goalived/config"
)

// matchKey is how keepalived pairs old and new instances on reload
// (reference 3.15): not by name, but by VRID, family, interface, unicast
// or not, unicast source and multicast group. goalived adds auth_type
// AH, whose adverts use a socket of their own (IP protocol 51): turning
// it on or off replaces the instance.
type matchKey struct {
	vrid    int
	family  config.Family
	ifname  string
	unicast bool
	src     netip.Addr
	group   netip.Addr
	ah      bool
}

func keyOf(in *config.Instance) matchKey {
	k := matchKey{vrid: in.VRID, family: in.Family, ifname: in.Interface, unicast: in.Unicast(), group: in.McastDstIP,
		ah: usesAH(in)}
	if k.unicast {
		k.src, k.group = in.UnicastSrcIP, netip.Addr{}
	}
	return k
}

// ReloadResult says what a reload did, for the log and for tests.
type ReloadResult struct {
	Kept, Updated, Restarted, Added, Removed []string
}

// Reload applies a new configuration that the caller has already loaded
// and validated. Instances whose protocol configuration, addresses and
// notify scripts are unchanged keep running untouched: same state, same
// VIPs, same timers, no notify (keepalived does the same). A matched
// instance that changed is restarted; removed instances stop (a master
// sends priority 0 and releases its VIPs); new ones start as at boot.
// vrrp_scripts whose command is unchanged keep their condition. As in
// keepalived 2.2.7, the notify FIFOs are reopened and their readers
// restarted (fifo_reload.go) and the static addresses, routes and rules
// follow the new configuration (reloadStatic).
func (e *Engine) Reload(cfg *config.Config) (ReloadResult, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	var res ReloadResult
	carried := e.track.Carry(cfg)
	e.track.Close()
	e.reopenFIFOs(cfg.Global)
	var errs []error
	if err := e.reloadStatic(cfg); err != nil {
		errs = append(errs, err)
	}

	old := map[matchKey]*instance{}
	for _, in := range e.insts {
		old[keyOf(in.conf())] = in
	}
	var next []*instance
	for _, pin := range cfg.Instances {
		k := keyOf(pin)
		prev, ok := old[k]
		delete(old, k)
		if ok && e.sameInstance(prev, pin) {
			prev.pcfg.Store(pin)
			prev.status.reconfigure(pin)
			next = append(next, prev)
			res.Kept = append(res.Kept, pin.Name)
			continue
		}
		if ok {
			err := e.reconfigure(prev, pin)
			if err == nil {
				next = append(next, prev)
				res.Updated = append(res.Updated, pin.Name)
				continue
			}
			e.log.Warn("instance cannot be updated in place; restarting it", "instance", pin.Name, "err", err)
			e.stopInstance(prev)
			res.Restarted = append(res.Restarted, pin.Name)
		} else {
			res.Added = append(res.Added, pin.Name)
		}
		in, err := e.newInstance(pin)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		next = append(next, in)
	}
	for _, in := range e.insts {
		if prev, ok := old[keyOf(in.conf())]; ok && prev == in {
			in.deleted.Store(true)
			e.stopInstance(in)
			res.Removed = append(res.Removed, in.conf().Name)
		}
	}
	e.cfg, e.insts = cfg, next
	e.applyRcvBufs()
	e.track = e.newTracking(cfg, carried)
	if err := e.track.Start(e.members(e.insts)); err != nil {
		errs = append(errs, err)
	}
	e.writeStatesOnReload()
	for _, in := range e.insts {
		if err := in.vi.Start(); err != nil {
			errs = append(errs, err)
		}
	}
	e.startReaders()
	if err := errors.Join(errs...); err != nil {
		return res, fmt.Errorf("reload: %w", err)
	}
	return res, nil
}

// sameInstance reports whether a running instance can carry on unchanged
// under the new configuration.
func (e *Engine) sameInstance(prev *instance, pin *config.Instance) bool {
	src := prev.sock.source()
	if !reflect.DeepEqual(vrrpConfig(prev.conf(), src, e.opts.FastPreempt), vrrpConfig(pin, src, e.opts.FastPreempt)) {
		return false
	}
	set, err := instanceNet(pin)
	if err != nil || !set.equal(prev.vips.current()) {
		return false
	}
	return reflect.DeepEqual(prev.conf().Notify, pin.Notify)
}

// reconfigure updates a matched instance in place, keeping its state, as
// keepalived does: the protocol configuration through vrrp's Reload (a
// master re-adds and announces new VIPs), removed VIPs are deleted, and
// the notify scripts are replaced.
func (e *Engine) reconfigure(in *instance, pin *config.Instance) error {
	set, err := instanceNet(pin)
	if err != nil {
		return err
	}
	if err := in.vi.Reload(vrrpConfig(pin, in.sock.source(), e.opts.FastPreempt)); err != nil {
		return err
	}
	if err := in.vips.replace(set); err != nil {
		e.log.Warn("removing VIPs that left the configuration", "instance", pin.Name, "err", err)
	}
	ns := e.notifyScripts(pin.Name, &pin.Notify)
	in.notify.Store(&ns)
	in.pcfg.Store(pin)
	in.status.reconfigure(pin)
	return nil
}

// stopInstance stops an instance that leaves the configuration and frees
// its socket when no other instance uses it.
func (e *Engine) stopInstance(in *instance) {
	_ = in.vi.Close()
	vrid := uint8(in.conf().VRID)
	if !in.sock.detach(vrid) {
		return
	}
	for k, s := range e.sockets {
		if s == in.sock {
			_ = s.close()
			delete(e.sockets, k)
		}
	}
}
