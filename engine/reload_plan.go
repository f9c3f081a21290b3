package engine

import (
	"fmt"
	"net/netip"
	"reflect"
	"strings"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/netif"
	"github.com/goalived/goalived/vrrp"
)

// A reload is planned, then applied. planReload is pure: it compares the
// running configuration with the new one and says what happens to each
// instance and to the static items; Reload (reload.go) carries the plan
// out in a fixed order. Keeping the decision apart from the doing lets
// every case be tested as a table, without a host.

// change is what a reload does to one instance.
type change uint8

const (
	// kept: nothing the instance runs with changed; it goes on untouched
	// (same state, VIPs and timers, no notify), as keepalived keeps it.
	kept change = iota + 1
	// updated: the paired instance changed; it takes the new
	// configuration in place and keeps its state, as keepalived does
	// (a master re-adds and announces its addresses).
	updated
	// restarted: the paired instance cannot take the new configuration
	// in place (the protocol refuses it); it stops and starts as new.
	restarted
	// added: no running instance pairs with it; it starts as at boot.
	added
	// removed: no new instance pairs with it; it stops (a master sends
	// priority 0 and releases its addresses) and is notified FAULT, or
	// DELETED with notify_deleted.
	removed
)

func (c change) String() string {
	switch c {
	case kept:
		return "kept"
	case updated:
		return "updated"
	case restarted:
		return "restarted"
	case added:
		return "added"
	case removed:
		return "removed"
	}
	return fmt.Sprintf("change(%d)", uint8(c))
}

// planStep is what happens to one instance.
type planStep struct {
	Change change
	Name   string // the new configuration's name; the old one when removed
	Old    int    // index in the running configuration's instances; -1 when added
	New    int    // index in the new configuration's instances; -1 when removed
	// Why says what changed, for updated and restarted: "protocol",
	// "addresses", "notify", "socket", or the protocol's refusal.
	Why string
}

// reloadPlan is a whole reload: the new instances in configuration order
// (kept, updated, restarted or added), then the removed ones in the
// running configuration's order; and the static items to add and remove.
type reloadPlan struct {
	Steps  []planStep
	Static staticPlan
}

// staticPlan brings static_ipaddress, static_routes and static_rules in
// line with the new configuration as keepalived 2.2.7 does
// (clear_diff_saddresses, clear_diff_srules, clear_diff_sroutes;
// observed in a namespace): the items that left the configuration are
// removed, the new ones added, and those in both left alone (a rule
// without a preference added again would be a second copy). A new
// configuration whose static items cannot be converted leaves the
// running ones as they are (Err says why).
type staticPlan struct {
	Next        ownedSet // the new static items
	Add, Remove netif.Items
	Err         error
}

// matchKey is how keepalived pairs old and new instances on reload: not
// by name, but by VRID, family, interface, unicast or not, unicast source
// and multicast group. goalived adds auth_type AH, whose adverts use a
// socket of their own (IP protocol 51): turning it on or off replaces the
// instance.
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
		k.src, k.group = in.UnicastSrcIP(), netip.Addr{}
	}
	return k
}

// planReload plans the reload from old to next. static are the static
// items installed now (those of old, unless a reload could not convert
// its own). tables resolves routing table names (the plan converts
// routes and rules to compare them).
func planReload(old, next *config.Config, static ownedSet, tables tableFunc) reloadPlan {
	var p reloadPlan
	byKey := map[matchKey]int{}
	for i, in := range old.Instances {
		byKey[keyOf(in)] = i
	}
	for j, pin := range next.Instances {
		k := keyOf(pin)
		i, ok := byKey[k]
		delete(byKey, k)
		if !ok {
			p.Steps = append(p.Steps, planStep{Change: added, Name: pin.Name, Old: -1, New: j})
			continue
		}
		c, why := compareInstances(old.Instances[i], pin, tables)
		p.Steps = append(p.Steps, planStep{Change: c, Name: pin.Name, Old: i, New: j, Why: why})
	}
	for i, in := range old.Instances {
		if j, ok := byKey[keyOf(in)]; ok && j == i {
			p.Steps = append(p.Steps, planStep{Change: removed, Name: in.Name, Old: i, New: -1})
		}
	}
	p.Static = planStatic(static, next, tables)
	return p
}

// compareInstances decides between kept, updated and restarted for a
// paired instance. Both protocol views take the same placeholder source
// (the running instance's real one is the same on both sides), so only
// the configuration counts.
func compareInstances(prev, pin *config.Instance, tables tableFunc) (change, string) {
	if vmacKey(prev) != vmacKey(pin) {
		// keepalived pairs no old instance with a new one whose
		// use_vmac changed: the old one stops, its VMAC is deleted.
		return restarted, "use_vmac"
	}
	src := netip.IPv4Unspecified()
	if family(pin) == 6 {
		src = netip.IPv6Unspecified()
	}
	nc := vrrpConfig(pin, src, Options{})
	if _, err := vrrp.NewReload(nc); err != nil {
		return restarted, err.Error()
	}
	nset, err := instanceNet(pin, tables)
	if err != nil {
		return restarted, err.Error()
	}
	var why []string
	if !reflect.DeepEqual(vrrpConfig(prev, src, Options{}), nc) {
		why = append(why, "protocol")
	}
	if oset, err := instanceNet(prev, tables); err != nil || !oset.equal(nset) {
		why = append(why, "addresses")
	}
	if blocks(prev) != blocks(pin) {
		why = append(why, "accept")
	}
	if !reflect.DeepEqual(prev.Notify(), pin.Notify()) {
		why = append(why, "notify")
	}
	if socketKey(prev) != socketKey(pin) {
		// mcast_src_ip or unicast_ttl: keepalived opens its sockets
		// again at every reload, so the instance sends from the new one
		// with its state kept.
		why = append(why, "socket")
	}
	if len(why) == 0 {
		return kept, ""
	}
	return updated, strings.Join(why, ", ")
}

// planStatic diffs the static items installed now with next's.
func planStatic(now ownedSet, next *config.Config, tables tableFunc) staticPlan {
	ns, err := staticSet(next, tables)
	if err != nil {
		return staticPlan{Err: fmt.Errorf("reload static items (kept as they were): %w", err)}
	}
	return staticPlan{Next: ns, Add: ns.minus(now), Remove: now.minus(ns)}
}

// result summarises the plan for the log and for tests.
func (p reloadPlan) result() ReloadResult {
	var r ReloadResult
	for _, s := range p.Steps {
		switch s.Change {
		case kept:
			r.Kept = append(r.Kept, s.Name)
		case updated:
			r.Updated = append(r.Updated, s.Name)
		case restarted:
			r.Restarted = append(r.Restarted, s.Name)
		case added:
			r.Added = append(r.Added, s.Name)
		case removed:
			r.Removed = append(r.Removed, s.Name)
		}
	}
	return r
}
