package engine

import (
	"errors"
	"fmt"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/netif"
)

// The VMACs at run time: made before the instance's socket opens, made
// again when deleted from outside, deleted when the instance stops. The
// engine's VMACLinks is opened with the first VMAC and closed at stop
// (which deletes what is left and restores the kernel settings).

// planInstanceVMACs plans pin's VMACs against the host's interfaces now.
func (e *Engine) planInstanceVMACs(pin *config.Instance) (*instVMACs, []netif.LinkInfo, error) {
	needed := pin.VMAC != nil
	for _, v := range allVIPs(pin) {
		needed = needed || v.UseVMAC
	}
	if !needed {
		return nil, nil, nil
	}
	links, err := e.host.Links.Links()
	if err != nil {
		return nil, nil, fmt.Errorf("instance %s: vmac: %w", pin.Name, err)
	}
	return planVMACs(pin, &e.cfg.Global, links, func(name string) bool { return e.vmacHeld[name] }), links, nil
}

// ensureVMACs makes an instance's VMACs and declares their multicast
// rules to the firewall. With dynamic_interfaces a VMAC whose base
// interface does not exist yet waits for it (reopenSockets).
func (e *Engine) ensureVMACs(owner string, vm *instVMACs) error {
	if vm == nil {
		return nil
	}
	if e.vmacs == nil {
		if e.host.VMACs == nil {
			return fmt.Errorf("%w: no vmacs for use_vmac", errNoHost)
		}
		links, err := e.host.VMACs.OpenVMACs()
		if err != nil {
			return err
		}
		e.vmacs = links
	}
	for _, v := range vm.all() {
		e.vmacHeld[v.Name] = true
		if _, err := e.host.Links.Link(v.Base); err != nil && e.cfg.Global.DynamicInterfaces {
			continue
		}
		if err := e.ensureVMAC(vm, v); err != nil {
			return err
		}
	}
	e.vmacRules(owner, vm)
	return nil
}

// ensureVMAC makes one VMAC and notes its interface index.
func (e *Engine) ensureVMAC(vm *instVMACs, v netif.VMAC) error {
	idx, err := e.vmacs.Ensure(v)
	if err != nil {
		return err
	}
	vm.setIndex(v.Name, idx)
	return nil
}

// vmacRules declares to the firewall, when there is one, the VMACs whose
// IGMP/MLD reports must leave by their base interface: keepalived 2.2.7
// does so for the instance's family (and the other with excluded VIPs of
// it), for IPv4 only without disable_local_igmp.
func (e *Engine) vmacRules(owner string, vm *instVMACs) {
	if e.fw == nil {
		return
	}
	var links []netif.VMACLink
	for _, v := range vm.all() {
		idx := vm.indexOf(v.Name)
		base, err := e.host.Links.Link(v.Base)
		if idx == 0 || err != nil || !v.V6 && e.cfg.Global.DisableLocalIGMP {
			continue
		}
		other := vm.own != nil && v.Name == vm.own.Name && vm.otherFamily
		links = append(links, netif.VMACLink{Ifindex: idx, BaseIfindex: base.Index, IPv4: !v.V6 || other, IPv6: v.V6 || other})
	}
	if err := e.fw.SetVMAC(owner, links); err != nil {
		e.log.Warn("vmac multicast rules", "instance", owner, "err", err)
	}
}

// dropVMACs deletes the VMACs of an instance that stops (a reload removed
// or replaced it) and withdraws their rules.
func (e *Engine) dropVMACs(in *instance) {
	if in.vmacs == nil {
		return
	}
	var errs []error
	for _, v := range in.vmacs.all() {
		delete(e.vmacHeld, v.Name)
		if e.vmacs != nil {
			errs = append(errs, e.vmacs.Remove(v.Name))
		}
	}
	if e.fw != nil {
		errs = append(errs, e.fw.SetVMAC(in.owner, nil))
	}
	if err := errors.Join(errs...); err != nil {
		e.log.Warn("removing VMACs", "instance", in.conf().Name, "err", err)
	}
}

// vmacDeleted makes a VMAC deleted from outside again at once, as
// keepalived 2.2.7 does ("Success creating VMAC interface"); its instance
// is in FAULT meanwhile, and its socket opens again on the new interface
// when tracking sees it up (reopenSockets). It runs on the tracking
// goroutine.
func (e *Engine) vmacDeleted(ifname string) {
	for _, in := range e.insts {
		for _, v := range in.vmacs.all() {
			if v.Name != ifname {
				continue
			}
			if err := e.ensureVMAC(in.vmacs, v); err != nil {
				e.log.Error("VMAC deleted from outside, not created again", "instance", in.conf().Name, "interface", ifname, "err", err)
				return
			}
			e.log.Info("VMAC deleted from outside, created again", "instance", in.conf().Name, "interface", ifname)
			e.vmacRules(in.owner, in.vmacs)
			return
		}
	}
}

// ensureVMACsOn makes the VMACs whose base interface just appeared
// (dynamic_interfaces).
func (e *Engine) ensureVMACsOn(base string) {
	for _, in := range e.insts {
		made := false
		for _, v := range in.vmacs.all() {
			if v.Base != base || in.vmacs.indexOf(v.Name) != 0 {
				continue
			}
			if err := e.ensureVMAC(in.vmacs, v); err != nil {
				e.log.Warn("dynamic interface: VMAC not created", "instance", in.conf().Name, "interface", v.Name, "err", err)
				continue
			}
			made = true
		}
		if made {
			e.vmacRules(in.owner, in.vmacs)
		}
	}
}

// isVMAC reports whether ifname is one of the instances' VMACs.
func (e *Engine) isVMAC(ifname string) bool {
	for _, in := range e.insts {
		if in.vmacs != nil && in.vmacs.named(ifname) {
			return true
		}
	}
	return false
}

// trackedVMACs are, by instance name, the VMACs tracking follows.
func trackedVMACs(insts []*instance) map[string][]string {
	out := map[string][]string{}
	for _, in := range insts {
		if in.vmacs != nil && len(in.vmacs.tracked) > 0 {
			out[in.conf().Name] = in.vmacs.tracked
		}
	}
	return out
}

// closeNet deletes the VMACs and the firewall table at stop, after the
// instances released their addresses.
func (e *Engine) closeNet() error {
	var errs []error
	if e.vmacs != nil {
		errs = append(errs, e.vmacs.Close())
	}
	if e.fw != nil {
		errs = append(errs, e.fw.Close())
	}
	return errors.Join(errs...)
}
