package engine

import (
	"errors"
	"net/netip"
	"slices"
	"sync"
	"time"

	"github.com/goalived/goalived/netif"
	"github.com/goalived/goalived/vrrp"
)

// vipOwner adapts the host's Routing to vrrp.VIPs: the instance's VIPs and
// excluded VIPs are present while it owns them. A reload may replace the
// set while the instance runs (see set).
type vipOwner struct {
	routing Routing
	clock   vrrp.Clock // the retries' timers
	// retry, if set, is how often a failed install is tried again while
	// the instance stays master; restored is called once one succeeds
	// (the engine logs it and announces the addresses).
	retry    time.Duration
	restored func()

	opMu sync.Mutex // serialises installs and removals: a retry never adds after a release

	mu      sync.Mutex // guards set, owned and pending
	set     ownedSet
	owned   bool
	pending vrrp.ClockTimer // the next retry
}

// Own installs the addresses, then the virtual routes, then the rules,
// and removes them in the reverse order, as keepalived does. A failed
// install is retried every v.retry while owned (keepalived leaves the
// master without its VIP until the next transition).
func (v *vipOwner) Own(own bool) error {
	v.opMu.Lock()
	defer v.opMu.Unlock()
	v.mu.Lock()
	v.owned = own
	if v.pending != nil {
		v.pending.Stop()
		v.pending = nil
	}
	v.mu.Unlock()
	return v.applyLocked(own)
}

// applyLocked installs or removes the current set; v.opMu is held.
func (v *vipOwner) applyLocked(own bool) error {
	s := v.current()
	if !own {
		return v.routing.Delete(s.items())
	}
	err := v.routing.Add(s.items())
	if err != nil && v.retry > 0 {
		v.mu.Lock()
		if v.owned && v.pending == nil {
			v.pending = v.clock.AfterFunc(v.retry, v.retryInstall)
		}
		v.mu.Unlock()
	}
	return err
}

// retryInstall tries a failed install again unless the instance has
// released its addresses meanwhile.
func (v *vipOwner) retryInstall() {
	v.opMu.Lock()
	defer v.opMu.Unlock()
	v.mu.Lock()
	v.pending = nil
	v.mu.Unlock()
	if ok, err := v.restoreLocked(); ok && err == nil && v.restored != nil {
		v.restored()
	}
}

// restore puts the addresses back after one was deleted behind our back,
// unless the instance released them meanwhile: the deletion (a link
// going down takes IPv6 addresses with it) and the instance's own release
// (its FAULT on the same link) race, and a restore that came second
// left the VIPs on a faulted router for good. It reports whether it
// installed them.
func (v *vipOwner) restore() (bool, error) {
	v.opMu.Lock()
	defer v.opMu.Unlock()
	return v.restoreLocked()
}

// restoreLocked installs the set if the instance still owns it; v.opMu
// is held, so that no release comes between the look and the install.
func (v *vipOwner) restoreLocked() (bool, error) {
	v.mu.Lock()
	owned := v.owned
	v.mu.Unlock()
	if !owned {
		return false, nil
	}
	return true, v.applyLocked(true)
}

// current returns the configured addresses, routes and rules.
func (v *vipOwner) current() ownedSet {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.set
}

// ownsDeleted reports whether a deleted address is one of ours that we
// hold right now and track (not no_track).
func (v *vipOwner) ownsDeleted(ifname string, p netip.Prefix) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	if !v.owned {
		return false
	}
	for i, a := range v.set.addrs {
		if a.Dev == ifname && a.Prefix == p && !v.set.noTrack[i] {
			return true
		}
	}
	return false
}

// freeze stops the retries for a handover and returns the set and
// whether it is installed.
func (v *vipOwner) freeze() (ownedSet, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.pending != nil {
		v.pending.Stop()
		v.pending = nil
	}
	return v.set, v.owned
}

// release removes whatever may be installed (stale entries at start).
func (v *vipOwner) release() error {
	return v.routing.Delete(v.current().items())
}

// replace replaces the addresses, routes and rules after a reload. Addresses that left the
// configuration are removed at once if they are installed; new ones are
// added by the instance's own AddVIPs action (which also announces them).
func (v *vipOwner) replace(next ownedSet) error {
	v.mu.Lock()
	gone := v.set.minus(next)
	v.set = next
	owned := v.owned
	v.mu.Unlock()
	if !owned {
		return nil
	}
	return v.routing.Delete(gone)
}

// missing returns the elements of old that are not in next.
func missing[T comparable](old, next []T) []T {
	var out []T
	for _, x := range old {
		if !slices.Contains(next, x) {
			out = append(out, x)
		}
	}
	return out
}

// announcer adapts netif.Announcer to vrrp.Announcer: one burst per
// device, VIPs first, then excluded VIPs, in configuration order.
type announcer struct {
	a    Announcer
	vips *vipOwner
	// master reports whether the instance is master now. Announcements
	// run behind the state machine (on its effects goroutine): a router
	// that was master for a moment must not send its burst after it has
	// already yielded, or its gratuitous ARPs reach the clients last and
	// point them at the wrong router until the next refresh.
	master func() bool
}

// Announce sends the burst on every device even when one fails (right
// after a link flap, or a device that is gone): the others' clients
// still need it, and keepalived 2.2.7 sends them all too. The errors of
// the devices that failed are joined.
func (x *announcer) Announce(rounds int) error {
	if x.master != nil && !x.master() {
		return nil
	}
	var errs []error
	for _, d := range byDevice(x.vips.current().addrs) {
		errs = append(errs, x.a.Announce(d.dev, d.addrs, rounds))
	}
	return errors.Join(errs...)
}

type devAddrs struct {
	dev   string
	addrs []netip.Addr
}

func byDevice(want []netif.Addr) []devAddrs {
	var out []devAddrs
	idx := map[string]int{}
	for _, w := range want {
		i, ok := idx[w.Dev]
		if !ok {
			i = len(out)
			idx[w.Dev] = i
			out = append(out, devAddrs{dev: w.Dev})
		}
		out[i].addrs = append(out[i].addrs, w.Prefix.Addr())
	}
	return out
}
