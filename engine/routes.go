package engine

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/netif"
)

// routeTypes, routeScopes and routeProtocols are iproute2's names.
var (
	routeTypes = map[string]int{"": 0, "unicast": netif.RouteUnicast, "blackhole": netif.RouteBlackhole,
		"unreachable": netif.RouteUnreachable, "prohibit": netif.RouteProhibit, "throw": netif.RouteThrow}
	routeScopes    = map[string]int{"": 0, "global": 0, "universe": 0, "site": 200, "link": 253, "host": 254, "nowhere": 255}
	routeProtocols = map[string]int{"": netif.ProtoKeepalived, "kernel": 2, "boot": 3, "static": 4, "keepalived": netif.ProtoKeepalived}
)

// tableFunc resolves a routing table name through iproute2's rt_tables
// files (Routing.RouteTable).
type tableFunc func(name string) (int, bool)

// instanceNet converts what an instance installs while it is master.
func instanceNet(pin *config.Instance, tables tableFunc) (ownedSet, error) {
	var s ownedSet
	var err error
	if s.addrs, err = netifAddrs(pin); err != nil {
		return s, err
	}
	for _, list := range [][]config.VIP{pin.VIPs, pin.ExcludedVIPs()} {
		for _, v := range list {
			s.noTrack = append(s.noTrack, v.NoTrack)
		}
	}
	if s.routes, err = netifRoutes(pin.Routes(), tables); err != nil {
		return s, fmt.Errorf("instance %s: %w", pin.Name, err)
	}
	if s.rules, err = netifRules(pin.Rules(), tables); err != nil {
		return s, fmt.Errorf("instance %s: %w", pin.Name, err)
	}
	return s, nil
}

// ownedSet is what an instance owns: addresses, routes and rules.
type ownedSet struct {
	addrs   []netif.Addr
	noTrack []bool // per address: no_track, not restored when deleted
	routes  []netif.Route
	rules   []netif.Rule
}

// items are the set as the host installs it.
func (s ownedSet) items() netif.Items {
	return netif.Items{Addrs: s.addrs, Routes: s.routes, Rules: s.rules}
}

// minus returns the items of s that are not in o.
func (s ownedSet) minus(o ownedSet) netif.Items {
	return netif.Items{Addrs: missing(s.addrs, o.addrs), Routes: missing(s.routes, o.routes), Rules: missing(s.rules, o.rules)}
}

func (s ownedSet) equal(o ownedSet) bool {
	return slices.Equal(s.addrs, o.addrs) && slices.Equal(s.noTrack, o.noTrack) &&
		slices.Equal(s.routes, o.routes) && slices.Equal(s.rules, o.rules)
}

// netifRoutes converts routes.
func netifRoutes(rs []config.Route, tables tableFunc) ([]netif.Route, error) {
	out := make([]netif.Route, 0, len(rs))
	for _, r := range rs {
		nr := netif.Route{Dst: r.Dst, Src: r.Src, Via: r.Via, Dev: r.Dev, Metric: r.Metric}
		var err error
		if nr.Table, err = routeTable(r.Table, tables); err != nil {
			return nil, fmt.Errorf("route %s: %w", strings.Join(r.Words, " "), err)
		}
		var ok bool
		if nr.Type, ok = routeTypes[r.Type]; !ok {
			return nil, fmt.Errorf("route %s: unknown type %q", strings.Join(r.Words, " "), r.Type)
		}
		if nr.Scope, err = named(routeScopes, r.Scope); err != nil {
			return nil, fmt.Errorf("route %s: scope: %w", strings.Join(r.Words, " "), err)
		}
		if nr.Protocol, err = named(routeProtocols, r.Protocol); err != nil {
			return nil, fmt.Errorf("route %s: protocol: %w", strings.Join(r.Words, " "), err)
		}
		out = append(out, nr)
	}
	return out, nil
}

func netifRules(rs []config.Rule, tables tableFunc) ([]netif.Rule, error) {
	out := make([]netif.Rule, 0, len(rs))
	for _, r := range rs {
		nr := netif.Rule{From: r.From, To: r.To, Preference: r.Preference, IIF: r.IIF, OIF: r.OIF}
		var err error
		if nr.Table, err = routeTable(r.Table, tables); err != nil {
			return nil, fmt.Errorf("rule %s: %w", strings.Join(r.Words, " "), err)
		}
		if r.FWMark != "" {
			mark, mask, hasMask := strings.Cut(r.FWMark, "/")
			m, err := strconv.ParseUint(mark, 0, 32)
			if err != nil {
				return nil, fmt.Errorf("rule %s: fwmark %q: %w", strings.Join(r.Words, " "), r.FWMark, err)
			}
			nr.Mark = uint32(m)
			if hasMask {
				k, err := strconv.ParseUint(mask, 0, 32)
				if err != nil {
					return nil, fmt.Errorf("rule %s: fwmark mask %q: %w", strings.Join(r.Words, " "), r.FWMark, err)
				}
				nr.Mask, nr.HasMask = uint32(k), true
			}
		}
		out = append(out, nr)
	}
	return out, nil
}

// named resolves an iproute2 name or a number.
func named(names map[string]int, s string) (int, error) {
	if v, ok := names[s]; ok {
		return v, nil
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < 0 || v > 255 {
		return 0, fmt.Errorf("unknown value %q", s)
	}
	return v, nil
}

// routeTable resolves a table name as keepalived does: main, local and
// default, a number, else a name from iproute2's rt_tables files. "" is
// the main table.
func routeTable(s string, tables tableFunc) (int, error) {
	switch s {
	case "", "main":
		return netif.TableMain, nil
	case "local":
		return netif.TableLocal, nil
	case "default":
		return netif.TableDefault, nil
	}
	if v, err := strconv.ParseUint(s, 0, 32); err == nil {
		return int(v), nil
	}
	if v, ok := tables(s); ok {
		return v, nil
	}
	return 0, fmt.Errorf("unknown routing table %q", s)
}
