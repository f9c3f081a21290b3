// Package netiftest provides in-memory stand-ins for netif's address
// manager and announcer, recording what they would have done, for tests
// of code that drives netif (cmd/goalived's adapters) without root.
package netiftest

import (
	"fmt"
	"net/netip"
	"slices"
	"sync"

	"github.com/goalived/goalived/netif"
)

// Addrs mimics *netif.Addrs on one in-memory host: Ensure and Remove are
// idempotent and every call is logged. Safe for concurrent use.
type Addrs struct {
	mu      sync.Mutex
	present []netif.Addr
	log     []string
	fail    map[netip.Addr]error
}

// Fail makes every later Ensure or Remove of ip fail with err (nil clears).
func (a *Addrs) Fail(ip netip.Addr, err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.fail == nil {
		a.fail = map[netip.Addr]error{}
	}
	if err == nil {
		delete(a.fail, ip)
		return
	}
	a.fail[ip] = err
}

// Ensure adds the addresses not yet present, logging "add PREFIX dev DEV"
// for each one actually added.
func (a *Addrs) Ensure(want []netif.Addr) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	var first error
	for _, w := range want {
		if err := a.fail[w.Prefix.Addr()]; err != nil {
			first = cmpErr(first, fmt.Errorf("add vip %v: %w", w, err))
			continue
		}
		if a.indexLocked(w) < 0 {
			a.present = append(a.present, w)
			a.log = append(a.log, "add "+w.String())
		}
	}
	return first
}

// Remove deletes the addresses present, logging "del PREFIX dev DEV".
func (a *Addrs) Remove(addrs []netif.Addr) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	var first error
	for _, r := range addrs {
		if err := a.fail[r.Prefix.Addr()]; err != nil {
			first = cmpErr(first, fmt.Errorf("delete vip %v: %w", r, err))
			continue
		}
		if i := a.indexLocked(r); i >= 0 {
			a.present = slices.Delete(a.present, i, i+1)
			a.log = append(a.log, "del "+r.String())
		}
	}
	return first
}

// Present reports whether p (address, prefix length, device) is present.
func (a *Addrs) Present(p netif.Addr) (bool, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.indexLocked(p) >= 0, nil
}

// Drop removes p behind the owner's back, like "ip addr del" would.
func (a *Addrs) Drop(p netif.Addr) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if i := a.indexLocked(p); i >= 0 {
		a.present = slices.Delete(a.present, i, i+1)
	}
}

// Log returns the add/del operations performed so far.
func (a *Addrs) Log() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.log)
}

func (a *Addrs) indexLocked(p netif.Addr) int {
	return slices.IndexFunc(a.present, func(q netif.Addr) bool {
		return q.Prefix == p.Prefix && q.Dev == p.Dev
	})
}

func cmpErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

// Announcement is one recorded Announce call.
type Announcement struct {
	Ifname string
	Addrs  []netip.Addr
	Rounds int
}

// Announcer records Announce calls instead of sending packets.
type Announcer struct {
	mu    sync.Mutex
	calls []Announcement
	err   error
}

// Fail makes every later Announce return err (nil clears).
func (a *Announcer) Fail(err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.err = err
}

// Announce records the call.
func (a *Announcer) Announce(ifname string, addrs []netip.Addr, rounds int) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.calls = append(a.calls, Announcement{ifname, slices.Clone(addrs), rounds})
	return a.err
}

// Calls returns the recorded calls.
func (a *Announcer) Calls() []Announcement {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.calls)
}
