package netiftest

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/goalived/goalived/engine"
	"github.com/goalived/goalived/netif"
)

// firewalls is the host as engine.Firewalls: one nftables table kept in
// memory, its changes recorded in Actions.
type firewalls struct{ h *Host }

// fakeFirewall is the table: what each owner declared.
type fakeFirewall struct {
	h       *Host
	cfg     netif.FirewallConfig
	blocked map[string][]netif.Blocked // guarded by h.mu, as is closed
	vmacs   map[string][]netif.VMACLink
	// leftBlocked and leftVMACs are what an adopted table held (the
	// previous firewall's), in force until Reconcile.
	leftBlocked []netif.Blocked
	leftVMACs   []netif.VMACLink
	closed      bool
}

var errFirewallClosed = errors.New("firewall closed")

func (x firewalls) OpenFirewall(cfg netif.FirewallConfig) (engine.Firewall, error) {
	prio := int32(-1)
	if cfg.Priority != nil {
		prio = *cfg.Priority
	}
	return x.open(cfg, false, fmt.Sprintf("firewall open %s priority %d counters %v", fwTable(cfg), prio, cfg.Counters))
}

// AdoptFirewall takes over the table the previous firewall of the host
// left open (a hot upgrade's old process): its content stays in force
// until Reconcile.
func (x firewalls) AdoptFirewall(cfg netif.FirewallConfig) (engine.Firewall, error) {
	return x.open(cfg, true, "firewall adopt "+fwTable(cfg))
}

// open makes the host's firewall, recording action.
func (x firewalls) open(cfg netif.FirewallConfig, adopt bool, action string) (engine.Firewall, error) {
	h := x.h
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.fwErr != nil {
		return nil, h.fwErr
	}
	f := &fakeFirewall{h: h, cfg: cfg, blocked: map[string][]netif.Blocked{}, vmacs: map[string][]netif.VMACLink{}}
	if prev := h.fw; adopt && prev != nil && !prev.closed && fwTable(prev.cfg) == fwTable(cfg) {
		f.leftBlocked, f.leftVMACs = prev.heldLocked()
	}
	h.fw = f
	h.actLocked(action)
	return f, nil
}

// heldLocked is everything the table holds: declared and left over.
func (f *fakeFirewall) heldLocked() ([]netif.Blocked, []netif.VMACLink) {
	blocked, vmacs := slices.Clone(f.leftBlocked), slices.Clone(f.leftVMACs)
	for _, owner := range slices.Sorted(maps.Keys(f.blocked)) {
		blocked = append(blocked, f.blocked[owner]...)
	}
	for _, owner := range slices.Sorted(maps.Keys(f.vmacs)) {
		vmacs = append(vmacs, f.vmacs[owner]...)
	}
	return blocked, vmacs
}

func (f *fakeFirewall) Reconcile() error {
	h := f.h
	h.mu.Lock()
	defer h.mu.Unlock()
	if err := f.updateLocked(); err != nil {
		return err
	}
	f.leftBlocked, f.leftVMACs = nil, nil
	h.actLocked("firewall reconcile " + fwTable(f.cfg))
	return nil
}

func fwTable(cfg netif.FirewallConfig) string {
	if cfg.Table == "" {
		return netif.DefaultFirewallTable
	}
	return cfg.Table
}

// updateLocked fails once the table is closed; h.mu is held.
func (f *fakeFirewall) updateLocked() error {
	if f.closed {
		return fmt.Errorf("update nftables table: %w", errFirewallClosed)
	}
	return nil
}

func (f *fakeFirewall) SetBlocked(owner string, addrs []netif.Blocked) error {
	h := f.h
	h.mu.Lock()
	defer h.mu.Unlock()
	if err := f.updateLocked(); err != nil {
		return err
	}
	if len(addrs) == 0 {
		delete(f.blocked, owner)
		h.actLocked("unblock " + owner)
		return nil
	}
	f.blocked[owner] = slices.Clone(addrs)
	h.actLocked("block " + owner + " " + blockedWords(addrs))
	return nil
}

// blockedWords renders addresses as "192.0.2.100 fe80::1%eth0#3 fe80::2%eth0(name)".
func blockedWords(addrs []netif.Blocked) string {
	var w []string
	for _, b := range addrs {
		s := b.Addr.String()
		switch {
		case !b.Addr.Is6() || !b.Addr.IsLinkLocalUnicast():
		case b.ByName:
			s += "%" + b.Dev + "(name)"
		default:
			s += fmt.Sprintf("%%%s#%d", b.Dev, b.Ifindex)
		}
		w = append(w, s)
	}
	return strings.Join(w, " ")
}

func (f *fakeFirewall) SetVMAC(owner string, links []netif.VMACLink) error {
	h := f.h
	h.mu.Lock()
	defer h.mu.Unlock()
	if err := f.updateLocked(); err != nil {
		return err
	}
	if len(links) == 0 {
		if _, ok := f.vmacs[owner]; ok {
			delete(f.vmacs, owner)
			h.actLocked("vmac rules off " + owner)
		}
		return nil
	}
	f.vmacs[owner] = slices.Clone(links)
	var w []string
	for _, l := range links {
		w = append(w, fmt.Sprintf("%s->%s v4=%v v6=%v", h.nameOfLocked(l.Ifindex), h.nameOfLocked(l.BaseIfindex), l.IPv4, l.IPv6))
	}
	h.actLocked("vmac rules " + owner + " " + strings.Join(w, " "))
	return nil
}

func (f *fakeFirewall) Close() error {
	h := f.h
	h.mu.Lock()
	defer h.mu.Unlock()
	if f.closed {
		return nil
	}
	f.closed = true
	h.actLocked("firewall close " + fwTable(f.cfg))
	return nil
}

// Firewall describes the firewall the engine opened.
type Firewall struct {
	Open   bool // opened and not closed
	Config netif.FirewallConfig
	// Blocked and VMACs are what each owner declared, by owner name
	// (the instance's name, a '#' and a number).
	Blocked map[string][]netif.Blocked
	VMACs   map[string][]netif.VMACLink
}

// Firewall returns the state of the firewall; the zero Firewall if the
// engine opened none.
func (h *Host) Firewall() Firewall {
	h.mu.Lock()
	defer h.mu.Unlock()
	f := h.fw
	if f == nil {
		return Firewall{}
	}
	return Firewall{Open: !f.closed, Config: f.cfg, Blocked: maps.Clone(f.blocked), VMACs: maps.Clone(f.vmacs)}
}

// FailFirewall makes the next OpenFirewall fail with err (nil: succeed).
func (h *Host) FailFirewall(err error) {
	h.mu.Lock()
	h.fwErr = err
	h.mu.Unlock()
}

// BlockedAddrs returns every blocked address of every owner, and those
// an adopted table still holds, as blockedWords renders them, sorted;
// nil when nothing is blocked.
func (h *Host) BlockedAddrs() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.fw == nil {
		return nil
	}
	var out []string
	blocked, _ := h.fw.heldLocked()
	for _, b := range blocked {
		out = append(out, blockedWords([]netif.Blocked{b}))
	}
	slices.Sort(out)
	return slices.Compact(out)
}
