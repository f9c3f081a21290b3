package engine

import (
	"errors"
	"fmt"
	"net/netip"
	"sync"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/netif"
)

// Accept_Mode (RFC 5798): an instance that does not accept (no_accept,
// or strict mode for one that is not the address owner) must not answer
// traffic to its VIPs while it is master. keepalived 2.2.7 drops it with
// nftables rules in its own table; goalived keeps the same table through
// the host's Firewall.
//
// keepalived uses the table when `nftables` or `vrrp_iptables` is
// written, when an instance does not accept (even the owner, which it
// then never blocks), or when an instance has use_vmac (whose multicast
// reports the table redirects); otherwise it never touches nftables. Its table name cannot change at a
// reload ("Cannot change nftables table name at a reload - please restart
// keepalived", and the reload is refused).

// errTableChange refuses a reload that changes the nftables table name.
var errTableChange = errors.New("cannot change nftables table name at a reload - please restart goalived")

// needsFirewall reports whether keepalived 2.2.7 would use its nftables
// table for cfg.
func needsFirewall(cfg *config.Config) bool {
	if cfg.Global.Nftables != "" {
		return true
	}
	for _, in := range cfg.Instances {
		if !in.Accept || in.VMAC != nil {
			return true
		}
	}
	return false
}

// blocks reports whether in drops traffic to its VIPs while master: it
// does not accept and is not the address owner (keepalived skips the
// owner whatever it says about accept).
func blocks(in *config.Instance) bool { return !in.Accept && !in.Owner() }

// firewallConfig is the table the global keywords describe.
func firewallConfig(g *config.GlobalDefs) netif.FirewallConfig {
	prio := int32(g.NftablesPriority)
	return netif.FirewallConfig{Table: g.Nftables, Priority: &prio, Counters: g.NftablesCounters}
}

// openFirewall opens the firewall when cfg needs it and none is open
// (at start, or at a reload that brings the first no_accept or use_vmac).
// Opening deletes a table of the same name left by a daemon that did not
// stop. A firewall that cannot be opened (no nf_tables in the kernel) is
// logged and the instances run without their drop rules, as keepalived
// 2.2.7 logs its nftables errors and runs on; the next reload tries
// again.
func (e *Engine) openFirewall(cfg *config.Config) {
	if e.fw != nil || !needsFirewall(cfg) {
		return
	}
	if cfg.Global.Nftables == "" {
		e.log.Info("use_vmac or no_accept/strict specified, but no firewall configured - using nftables")
	}
	if e.host.Firewalls == nil {
		e.log.Error("no firewall on this host: no_accept and strict mode drop nothing, VMAC reports are not redirected")
		return
	}
	fc := firewallConfig(&cfg.Global)
	fw, err := e.host.Firewalls.OpenFirewall(fc)
	if err != nil {
		e.log.Error("nftables table not opened: no_accept and strict mode drop nothing, VMAC reports are not redirected", "err", err)
		return
	}
	e.fw, e.fwCfg = fw, fc
}

// blockSpec is one address an instance blocks, before the interface
// index of a link-local one is known.
type blockSpec struct {
	addr   netip.Addr
	dev    string
	byName bool
}

// blockSpecs are the addresses in blocks while master: its VIPs and
// excluded VIPs (on the devices set gives them: a VMAC's, when it has
// one), nil when it accepts. A link-local address is matched with its
// interface, by name when keepalived 2.2.7 does so (dont_track_primary,
// no nftables_ifindex, and the address on the instance's interface or
// no_track), else by index.
func blockSpecs(pin *config.Instance, g *config.GlobalDefs, set ownedSet, ifname string) []blockSpec {
	if !blocks(pin) {
		return nil
	}
	out := make([]blockSpec, 0, len(set.addrs))
	for i, a := range set.addrs {
		byName := pin.DontTrackPrimary && !g.NftablesIfindex && (a.Dev == ifname || set.noTrack[i])
		out = append(out, blockSpec{addr: a.Prefix.Addr(), dev: a.Dev, byName: byName})
	}
	return out
}

// acceptMode is an instance's VIPs output with Accept_Mode around it, in
// keepalived's order: entering master, the drop rules before the
// addresses; leaving it, the addresses before the rules.
type acceptMode struct {
	vips  *vipOwner
	links Links // the interface index of link-local addresses
	owner string

	mu    sync.Mutex // guards fw, specs, owned and set
	fw    Firewall   // nil: no firewall (the instance accepts)
	specs []blockSpec
	owned bool
	set   bool // a non-empty SetBlocked is in force
}

// Own implements vrrp.VIPs.
func (a *acceptMode) Own(own bool) error {
	a.mu.Lock()
	a.owned = own
	a.mu.Unlock()
	if own {
		return errors.Join(a.apply(), a.vips.Own(true))
	}
	err := a.vips.Own(false)
	return errors.Join(err, a.apply())
}

// reconfigure takes a reload's blocked addresses (nil: the instance now
// accepts) and applies them at once if the instance is master. keepalived
// 2.2.7 leaves a master's drop rules in place when a reload removes
// no_accept, and even leaves the table behind at stop; goalived lifts
// the block, a documented difference.
func (a *acceptMode) reconfigure(fw Firewall, specs []blockSpec) error {
	a.mu.Lock()
	a.fw, a.specs = fw, specs
	a.mu.Unlock()
	return a.apply()
}

// apply declares what the firewall must block for the instance now: its
// addresses while master, nothing otherwise.
func (a *acceptMode) apply() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	want := a.owned && len(a.specs) > 0
	if a.fw == nil || !want && !a.set {
		return nil
	}
	var blocked []netif.Blocked
	if want {
		blocked = a.blockedLocked()
	}
	if err := a.fw.SetBlocked(a.owner, blocked); err != nil {
		return fmt.Errorf("firewall drop rules of %s: %w", a.owner, err)
	}
	a.set = want
	return nil
}

// blockedLocked resolves the interface index of link-local addresses.
func (a *acceptMode) blockedLocked() []netif.Blocked {
	out := make([]netif.Blocked, 0, len(a.specs))
	for _, s := range a.specs {
		b := netif.Blocked{Addr: s.addr, Dev: s.dev, ByName: s.byName}
		if s.addr.Is6() && s.addr.IsLinkLocalUnicast() && !s.byName {
			if ls, err := a.links.Link(s.dev); err == nil {
				b.Ifindex = ls.Index
			}
		}
		out = append(out, b)
	}
	return out
}
