package engine

import (
	"errors"
	"fmt"

	"github.com/goalived/goalived/netif"
)

// The nftables table and the VMACs across a hot upgrade. The old process
// leaves both in place when it retires, as it leaves the VIPs; the new
// one adopts them before it builds an instance: the table as the kernel
// holds it, under the old process's table configuration (a reload cannot
// change the table either), and the VMACs with the kernel settings to
// put back at the final stop. Its instances then find their VMACs in
// place (kept, not made again) and declare their rules to a table that
// keeps everything it held meanwhile, so no VIP is accepted or blocked
// for a moment that was not before. Once the old process has exited,
// Settle drops what only the old process's instances had: the rules of
// the instances the new configuration dropped (the old process stopped
// them, releasing their addresses first, as a reload does) and their
// VMACs.

// NetState is the table and the VMACs a State hands over.
type NetState struct {
	// Firewall is the configuration of the old process's table; nil
	// when it had none.
	Firewall *netif.FirewallConfig `json:"firewall,omitempty"`
	// VMACs are its VMACs with the settings to restore; nil without.
	VMACs *netif.VMACsSaved `json:"vmacs,omitempty"`
}

// saveNet describes the table and VMACs for the new process; e.mu is
// held.
func (e *Engine) saveNet() NetState {
	var n NetState
	if e.fw != nil {
		cfg := e.fwCfg
		n.Firewall = &cfg
	}
	if e.vmacs != nil {
		s := e.vmacs.Saved()
		n.VMACs = &s
	}
	return n
}

// adoptNet takes over the old process's table and VMACs, then opens a
// table if the configuration needs one and there was none (as a reload
// would). A table it cannot adopt fails the handover: the old process
// runs on with it. e.mu is held.
func (e *Engine) adoptNet(n NetState) error {
	if c := n.Firewall; c != nil {
		if c.Table != e.cfg.Global.Nftables {
			return fmt.Errorf("%w (%q to %q)", errTableChange, c.Table, e.cfg.Global.Nftables)
		}
		if e.host.Firewalls == nil {
			return fmt.Errorf("%w: no firewall to adopt the nftables table", errNoHost)
		}
		fw, err := e.host.Firewalls.AdoptFirewall(*c)
		if err != nil {
			return fmt.Errorf("adopt nftables table: %w", err)
		}
		e.fw, e.fwCfg = fw, *c
	}
	if s := n.VMACs; s != nil {
		if e.host.VMACs == nil {
			return fmt.Errorf("%w: no vmacs to adopt", errNoHost)
		}
		links, err := e.host.VMACs.AdoptVMACs(*s)
		if err != nil {
			return fmt.Errorf("adopt vmacs: %w", err)
		}
		e.vmacs = links
		for _, v := range s.VMACs {
			e.adopted = append(e.adopted, v.Name)
		}
	}
	e.openFirewall(e.cfg)
	return nil
}

// Settle ends a hot upgrade once the process it took over from has
// exited: the table is brought exactly in line with what the instances
// declare, and the adopted VMACs no instance has are deleted. A frozen
// engine (handing over again) leaves that to the next process, or
// settles when it thaws; a closed one has nothing to settle.
func (e *Engine) Settle() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed || e.frozen != nil {
		return nil
	}
	return e.settleLocked()
}

func (e *Engine) settleLocked() error {
	var errs []error
	if e.fw != nil {
		errs = append(errs, e.fw.Reconcile())
	}
	for _, name := range e.adopted {
		if e.vmacs != nil && !e.vmacHeld[name] {
			errs = append(errs, e.vmacs.Remove(name))
		}
	}
	e.adopted = nil
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("settle: %w", err)
	}
	return nil
}
