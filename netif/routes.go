package netif

import (
	"errors"
	"fmt"
	"net/netip"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// ProtoKeepalived is the route protocol keepalived gives its routes and
// rules by default (RTPROT_KEEPALIVED, 18), virtual_routes as static_routes.
const ProtoKeepalived = 18

// Route is one virtual_routes / static_routes line. Zero values are the
// kernel's defaults except Protocol, which defaults to ProtoKeepalived.
type Route struct {
	Dst      netip.Prefix
	Src      netip.Addr
	Via      netip.Addr
	Dev      string
	Table    int // 0 = main
	Metric   int
	Scope    int // 0 = universe (global)
	Protocol int
	// Type is a route type such as unix.RTN_BLACKHOLE; 0 is unicast.
	Type int
}

func (r Route) String() string {
	s := r.Dst.String()
	if r.Via.IsValid() {
		s += " via " + r.Via.String()
	}
	if r.Dev != "" {
		s += " dev " + r.Dev
	}
	if r.Table != 0 {
		s += fmt.Sprintf(" table %d", r.Table)
	}
	return s
}

func (a *Addrs) toNetlinkRoute(r Route) (*netlink.Route, error) {
	if !r.Dst.IsValid() {
		return nil, errors.New("no destination")
	}
	nr := &netlink.Route{
		Dst:      prefixToIPNet(r.Dst.Masked()),
		Table:    r.Table,
		Priority: r.Metric,
		Scope:    netlink.Scope(r.Scope),
		Protocol: netlink.RouteProtocol(r.Protocol),
		Type:     r.Type,
	}
	if nr.Protocol == 0 {
		nr.Protocol = ProtoKeepalived
	}
	if nr.Type == 0 {
		nr.Type = unix.RTN_UNICAST
	}
	if r.Src.IsValid() {
		nr.Src = r.Src.AsSlice()
	}
	if r.Via.IsValid() {
		nr.Gw = r.Via.AsSlice()
	}
	if r.Dev != "" {
		link, err := a.h.LinkByName(r.Dev)
		if err != nil {
			return nil, err
		}
		nr.LinkIndex = link.Attrs().Index
	}
	return nr, nil
}

// EnsureRoutes installs the routes (replacing a route with the same
// destination, table and metric), in order. It tries all of them and
// returns the joined errors.
func (a *Addrs) EnsureRoutes(routes []Route) error {
	var errs []error
	for _, r := range routes {
		nr, err := a.toNetlinkRoute(r)
		if err == nil {
			err = a.h.RouteReplace(nr)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("add route %v: %w", r, err))
		}
	}
	return errors.Join(errs...)
}

// RemoveRoutes deletes the routes in reverse order; routes already gone
// are not errors.
func (a *Addrs) RemoveRoutes(routes []Route) error {
	var errs []error
	for i := len(routes) - 1; i >= 0; i-- {
		r := routes[i]
		nr, err := a.toNetlinkRoute(r)
		if errors.As(err, new(netlink.LinkNotFoundError)) {
			continue
		}
		if err == nil {
			err = a.h.RouteDel(nr)
			if errors.Is(err, unix.ESRCH) || errors.Is(err, unix.ENOENT) {
				err = nil
			}
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("delete route %v: %w", r, err))
		}
	}
	return errors.Join(errs...)
}

// Rule is one virtual_rules / static_rules line.
type Rule struct {
	From, To   netip.Prefix
	Table      int
	Preference int
	IIF, OIF   string
	Mark       uint32
	Mask       uint32
	HasMask    bool // fwmark M/MASK
	Family     int  // 4 or 6; 0 takes it from From/To, else 4
}

func (r Rule) String() string {
	return fmt.Sprintf("from %v to %v table %d pref %d", r.From, r.To, r.Table, r.Preference)
}

func (r Rule) toNetlink() *netlink.Rule {
	nr := netlink.NewRule()
	nr.Table, nr.Priority, nr.IifName, nr.OifName = r.Table, r.Preference, r.IIF, r.OIF
	nr.Protocol = ProtoKeepalived
	if r.Mark != 0 || r.HasMask {
		nr.Mark = r.Mark
		if r.HasMask {
			mask := r.Mask
			nr.Mask = &mask
		}
	}
	nr.Family = unix.AF_INET
	if r.Family == 6 || r.From.Addr().Is6() || r.To.Addr().Is6() {
		nr.Family = unix.AF_INET6
	}
	if r.From.IsValid() {
		nr.Src = prefixToIPNet(r.From.Masked())
	}
	if r.To.IsValid() {
		nr.Dst = prefixToIPNet(r.To.Masked())
	}
	return nr
}

// EnsureRules adds the rules that are not there yet.
func (a *Addrs) EnsureRules(rules []Rule) error {
	var errs []error
	for _, r := range rules {
		err := a.h.RuleAdd(r.toNetlink())
		if err != nil && !errors.Is(err, unix.EEXIST) {
			errs = append(errs, fmt.Errorf("add rule %v: %w", r, err))
		}
	}
	return errors.Join(errs...)
}

// RemoveRules deletes the rules in reverse order; missing ones are fine.
func (a *Addrs) RemoveRules(rules []Rule) error {
	var errs []error
	for i := len(rules) - 1; i >= 0; i-- {
		err := a.h.RuleDel(rules[i].toNetlink())
		if err != nil && !errors.Is(err, unix.ENOENT) && !errors.Is(err, unix.ESRCH) {
			errs = append(errs, fmt.Errorf("delete rule %v: %w", rules[i], err))
		}
	}
	return errors.Join(errs...)
}
