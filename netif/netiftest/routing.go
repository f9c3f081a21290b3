package netiftest

import (
	"errors"
	"fmt"
	"slices"

	"github.com/goalived/goalived/netif"
)

// routing is the host as engine.Routing.
type routing struct{ h *Host }

// Add installs addresses, then routes, then rules.
func (x routing) Add(it netif.Items) error {
	h := x.h
	h.mu.Lock()
	defer h.mu.Unlock()
	var errs []error
	for _, a := range it.Addrs {
		l := h.linkLocked(a.Dev)
		if l == nil {
			errs = append(errs, fmt.Errorf("add vip %v: link not found", a))
			continue
		}
		h.addAddrLocked(l, a)
	}
	for _, r := range it.Routes {
		if r.Dev != "" && h.linkLocked(r.Dev) == nil {
			errs = append(errs, fmt.Errorf("add route %v: link not found", r))
			continue
		}
		// The kernel replaces a route with the same destination, table
		// and metric (RouteReplace).
		if i := slices.IndexFunc(h.routes, func(o netif.Route) bool { return sameRoute(o, r) }); i >= 0 {
			h.routes[i] = r
			continue
		}
		h.routes = append(h.routes, r)
	}
	for _, r := range it.Rules {
		// A rule with a preference is there once; one without gets
		// a preference from the kernel, so adding it again adds a copy.
		if r.Preference != 0 && slices.Contains(h.rules, r) {
			continue
		}
		h.rules = append(h.rules, r)
	}
	return errors.Join(errs...)
}

// Delete removes rules, then routes, then addresses; what is absent is
// not an error.
func (x routing) Delete(it netif.Items) error {
	h := x.h
	h.mu.Lock()
	defer h.mu.Unlock()
	for i := len(it.Rules) - 1; i >= 0; i-- {
		if j := slices.Index(h.rules, it.Rules[i]); j >= 0 {
			h.rules = slices.Delete(h.rules, j, j+1)
		}
	}
	for i := len(it.Routes) - 1; i >= 0; i-- {
		h.routes = slices.DeleteFunc(h.routes, func(o netif.Route) bool { return sameRoute(o, it.Routes[i]) })
	}
	for _, a := range it.Addrs {
		if l := h.linkLocked(a.Dev); l != nil {
			h.deleteAddrLocked(l, a.Prefix)
		}
	}
	return nil
}

func sameRoute(a, b netif.Route) bool {
	return a.Dst == b.Dst && a.Table == b.Table && a.Metric == b.Metric
}

// RouteTable knows the names SetRouteTable gave.
func (x routing) RouteTable(name string) (int, bool) {
	x.h.mu.Lock()
	defer x.h.mu.Unlock()
	id, ok := x.h.tables[name]
	return id, ok
}

// SetRouteTable names a routing table, as a line of rt_tables does.
func (h *Host) SetRouteTable(name string, id int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.tables[name] = id
}
