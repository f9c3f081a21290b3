package netif

import "errors"

// Items are addresses, routes and rules that are installed together: a
// VRRP instance's virtual ones while it is master, or the static ones.
// The engine hands them over in one declarative call.
type Items struct {
	Addrs  []Addr
	Routes []Route
	Rules  []Rule
}

// Add installs the addresses, then the routes (which may need them as
// source or gateway), then the rules, as keepalived does. Like Ensure it
// is idempotent, tries every item and joins the errors.
func (a *Addrs) Add(it Items) error {
	return onOwnStack(func() error {
		return errors.Join(a.Ensure(it.Addrs), a.EnsureRoutes(it.Routes), a.EnsureRules(it.Rules))
	})
}

// Delete removes the items in the reverse order: rules, routes,
// addresses. What is already gone is not an error.
func (a *Addrs) Delete(it Items) error {
	return onOwnStack(func() error {
		return errors.Join(a.RemoveRules(it.Rules), a.RemoveRoutes(it.Routes), a.Remove(it.Addrs))
	})
}

// RouteTable is LookupRouteTable.
func (a *Addrs) RouteTable(name string) (int, bool) { return LookupRouteTable(name) }
