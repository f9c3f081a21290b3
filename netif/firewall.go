package netif

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/google/nftables"
)

// DefaultFirewallTable is keepalived's table name when `nftables` is
// given without one, or implied by no_accept, vrrp_strict or use_vmac.
const DefaultFirewallTable = "keepalived"

// FirewallConfig holds keepalived's global nftables keywords.
type FirewallConfig struct {
	// Table is `nftables [TABLE]` (also `vrrp_iptables`, which keepalived
	// 2.2.7 built with nftables maps to the default table); empty means
	// DefaultFirewallTable.
	Table string
	// Priority is `nftables_priority`; nil means keepalived's -1.
	Priority *int32
	// Counters is `nftables_counters`: a counter in every rule.
	Counters bool
}

func (c FirewallConfig) table() string {
	if c.Table == "" {
		return DefaultFirewallTable
	}
	return c.Table
}

func (c FirewallConfig) priority() int32 {
	if c.Priority == nil {
		return -1
	}
	return *c.Priority
}

// Firewall keeps keepalived's nftables table ("ip" and "ip6" families,
// one name) in line with what it is told: which virtual addresses the
// host must not accept (SetBlocked) and which VMACs send their multicast
// reports out of their base interface (SetVMAC). It talks netlink to the
// kernel (no nft binary) in the network namespace of the thread that
// opened it, and touches no other table.
//
// Changes are atomic nftables transactions: a new part of the table (the
// first IPv6 VIP, the first VMAC) rebuilds the family's table in one
// batch; otherwise only set elements change. Like keepalived 2.2.7 the
// parts stay, empty, once created; Close deletes the table.
type Firewall struct {
	cfg FirewallConfig

	mu        sync.Mutex // guards the fields below
	conn      *nftables.Conn
	state     fwState
	installed [2]fwFeatures // per family: what the kernel has (IPv4, IPv6)
	elems     [2][]fwElem
	// leftover is what an adopted table held, kept until Reconcile.
	leftover [2][]fwElem
	closed   bool
}

// OpenFirewall opens the netlink connection and deletes a table of the
// configured name left by a daemon that did not stop (SIGKILL, crash):
// keepalived 2.2.7 finds and deletes it too, but only when it first
// installs a rule, so that stale drop rules stay in force while it is
// backup; goalived removes them at start.
func OpenFirewall(cfg FirewallConfig) (*Firewall, error) {
	f, err := newFirewall(cfg)
	if err != nil {
		return nil, err
	}
	if err := f.deleteStale(); err != nil {
		f.conn.CloseLasting()
		return nil, err
	}
	return f, nil
}

// newFirewall opens the netlink connection of an empty Firewall.
func newFirewall(cfg FirewallConfig) (*Firewall, error) {
	conn, err := nftables.New(nftables.AsLasting())
	if err != nil {
		return nil, fmt.Errorf("open nftables: %w", err)
	}
	return &Firewall{cfg: cfg, conn: conn, state: fwState{blocked: map[string][]Blocked{}, vmacs: map[string][]VMACLink{}}}, nil
}

func (f *Firewall) deleteStale() error {
	found := false
	for _, fam := range []nftables.TableFamily{nftables.TableFamilyIPv4, nftables.TableFamilyIPv6} {
		ts, err := f.conn.ListTablesOfFamily(fam)
		if err != nil {
			return fmt.Errorf("list nftables tables: %w", err)
		}
		for _, t := range ts {
			if t.Name == f.cfg.table() {
				f.conn.DelTable(t)
				found = true
			}
		}
	}
	if !found {
		return nil
	}
	if err := f.conn.Flush(); err != nil {
		return fmt.Errorf("delete stale nftables table %s: %w", f.cfg.table(), err)
	}
	return nil
}

// SetBlocked declares the addresses of owner (an instance) that the host
// must not accept; nil or empty lifts them. The engine calls it with the
// VIPs before adding them when a non-accepting instance becomes master,
// and with nil after removing them when it leaves master, as keepalived.
func (f *Firewall) SetBlocked(owner string, addrs []Blocked) error {
	return f.update(func(s *fwState) { setOrDelete(s.blocked, owner, addrs) })
}

// SetVMAC declares the VMACs of owner whose IGMP/MLD reports must leave
// by their base interface; nil or empty removes them.
func (f *Firewall) SetVMAC(owner string, links []VMACLink) error {
	return f.update(func(s *fwState) { setOrDelete(s.vmacs, owner, links) })
}

func setOrDelete[T any](m map[string][]T, k string, v []T) {
	if len(v) == 0 {
		delete(m, k)
		return
	}
	m[k] = slices.Clone(v)
}

// update applies change to the wanted state and brings the kernel in
// line. On failure the kernel is unchanged (the batch is one
// transaction) and the wanted state is kept, so the next call retries.
func (f *Firewall) update(change func(*fwState)) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return fmt.Errorf("update nftables table %s: %w", f.cfg.table(), errClosedFirewall)
	}
	change(&f.state)
	return f.applyLocked()
}

var errClosedFirewall = errors.New("firewall closed")

// If the kernel refuses the batch, the table is read back and the batch
// made again from what it holds, once: another process (the one a hot
// upgrade took over from, or that took over and failed) may have changed
// it, and a batch deleting an element that is no longer there fails.
func (f *Firewall) applyLocked() error {
	err := f.tryApplyLocked()
	if err == nil {
		return nil
	}
	if rerr := f.readKernelLocked(); rerr != nil {
		return fmt.Errorf("update nftables table %s: %w", f.cfg.table(), err)
	}
	if err := f.tryApplyLocked(); err != nil {
		return fmt.Errorf("update nftables table %s: %w", f.cfg.table(), err)
	}
	return nil
}

func (f *Firewall) tryApplyLocked() error {
	need4, need6 := f.state.needs()
	for _, e := range f.leftover[0] {
		need4 = need4.union(elemFeature(e))
	}
	for _, e := range f.leftover[1] {
		need6 = need6.union(elemFeature(e))
	}
	want := [2]fwFeatures{f.installed[0].union(need4), f.installed[1].union(need6)}
	var wantElems [2][]fwElem
	for i := range 2 {
		wantElems[i] = f.wantedLocked(i == 1)
		if want[i] != f.installed[i] {
			f.rebuild(i == 1, f.installed[i].any(), want[i], wantElems[i])
			continue
		}
		if want[i].any() {
			f.changeElems(i == 1, want[i], f.elems[i], wantElems[i])
		}
	}
	if err := f.conn.Flush(); err != nil {
		return err
	}
	f.installed, f.elems = want, wantElems
	return nil
}

// rebuild queues the replacement of one family's table: delete the old
// one (if any) and create the new one with its elements, in the same
// batch, so there is no moment without the rules.
func (f *Firewall) rebuild(v6, exists bool, feat fwFeatures, elems []fwElem) {
	t := buildTable(f.cfg, v6, feat)
	if exists {
		f.conn.DelTable(t.table)
	}
	f.conn.AddTable(t.table)
	for _, c := range t.chains {
		f.conn.AddChain(c)
	}
	vals := bySet(elems)
	for _, s := range t.sets {
		v := vals[s.Name]
		if s.Name == setND {
			v = []nftables.SetElement{{Key: []byte{icmpv6NS}}, {Key: []byte{icmpv6NA}}}
		}
		// AddSet only queues messages; its error is for anonymous or
		// malformed sets, which buildTable does not make.
		_ = f.conn.AddSet(s, v)
	}
	for _, r := range t.rules {
		f.conn.AddRule(r)
	}
}

// changeElems queues the element changes of one family.
func (f *Firewall) changeElems(v6 bool, feat fwFeatures, have, want []fwElem) {
	add, del := diffElems(have, want)
	if len(add) == 0 && len(del) == 0 {
		return
	}
	sets := map[string]*nftables.Set{}
	for _, s := range buildTable(f.cfg, v6, feat).sets {
		sets[s.Name] = s
	}
	delBy, addBy := bySet(del), bySet(add)
	for _, name := range slices.Sorted(maps.Keys(delBy)) {
		_ = f.conn.SetDeleteElements(sets[name], delBy[name])
	}
	for _, name := range slices.Sorted(maps.Keys(addBy)) {
		_ = f.conn.SetAddElements(sets[name], addBy[name])
	}
}

// Close deletes the table and closes the connection. It is idempotent;
// after it, SetBlocked and SetVMAC fail.
func (f *Firewall) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return nil
	}
	f.closed = true
	var err error
	for i, feat := range f.installed {
		if feat.any() {
			f.conn.DelTable(buildTable(f.cfg, i == 1, feat).table)
		}
	}
	if f.installed[0].any() || f.installed[1].any() {
		if ferr := f.conn.Flush(); ferr != nil {
			err = fmt.Errorf("delete nftables table %s: %w", f.cfg.table(), ferr)
		}
	}
	f.installed = [2]fwFeatures{}
	return errors.Join(err, f.conn.CloseLasting())
}
