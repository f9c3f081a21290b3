package engine

import (
	"bufio"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/netif"
)

// routeTypes, routeScopes and routeProtocols are iproute2's names.
var (
	routeTypes = map[string]int{"": 0, "unicast": unix.RTN_UNICAST, "blackhole": unix.RTN_BLACKHOLE,
		"unreachable": unix.RTN_UNREACHABLE, "prohibit": unix.RTN_PROHIBIT, "throw": unix.RTN_THROW}
	routeScopes    = map[string]int{"": 0, "global": 0, "universe": 0, "site": 200, "link": 253, "host": 254, "nowhere": 255}
	routeProtocols = map[string]int{"": netif.ProtoKeepalived, "kernel": 2, "boot": 3, "static": 4, "keepalived": netif.ProtoKeepalived}
)

// instanceNet converts what an instance installs while it is master.
func instanceNet(pin *config.Instance) (ownedSet, error) {
	var s ownedSet
	var err error
	if s.addrs, err = netifAddrs(pin); err != nil {
		return s, err
	}
	for _, list := range [][]config.VIP{pin.VIPs, pin.ExcludedVIPs} {
		for _, v := range list {
			s.noTrack = append(s.noTrack, v.NoTrack)
		}
	}
	if s.routes, err = netifRoutes(pin.Routes); err != nil {
		return s, fmt.Errorf("instance %s: %w", pin.Name, err)
	}
	if s.rules, err = netifRules(pin.Rules); err != nil {
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

func (s ownedSet) equal(o ownedSet) bool {
	return slices.Equal(s.addrs, o.addrs) && slices.Equal(s.noTrack, o.noTrack) &&
		slices.Equal(s.routes, o.routes) && slices.Equal(s.rules, o.rules)
}

// netifRoutes converts routes.
func netifRoutes(rs []config.Route) ([]netif.Route, error) {
	out := make([]netif.Route, 0, len(rs))
	for _, r := range rs {
		nr := netif.Route{Dst: r.Dst, Src: r.Src, Via: r.Via, Dev: r.Dev, Metric: r.Metric}
		var err error
		if nr.Table, err = routeTable(r.Table); err != nil {
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

func netifRules(rs []config.Rule) ([]netif.Rule, error) {
	out := make([]netif.Rule, 0, len(rs))
	for _, r := range rs {
		nr := netif.Rule{From: r.From, To: r.To, Preference: r.Preference, IIF: r.IIF, OIF: r.OIF}
		var err error
		if nr.Table, err = routeTable(r.Table); err != nil {
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

// routeTable resolves a table name through iproute2's rt_tables files, as
// keepalived does, or takes a number. "" is the main table.
func routeTable(s string) (int, error) {
	switch s {
	case "", "main":
		return unix.RT_TABLE_MAIN, nil
	case "local":
		return unix.RT_TABLE_LOCAL, nil
	case "default":
		return unix.RT_TABLE_DEFAULT, nil
	}
	if v, err := strconv.ParseUint(s, 0, 32); err == nil {
		return int(v), nil
	}
	for _, f := range []string{"/etc/iproute2/rt_tables", "/usr/share/iproute2/rt_tables", "/usr/lib/iproute2/rt_tables"} {
		if v, ok := lookupTable(f, s); ok {
			return v, nil
		}
	}
	return 0, fmt.Errorf("unknown routing table %q", s)
}

func lookupTable(path, name string) (int, bool) {
	f, err := os.Open(path)
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && !strings.HasPrefix(fields[0], "#") && fields[1] == name {
			if v, err := strconv.ParseUint(fields[0], 0, 32); err == nil {
				return int(v), true
			}
		}
	}
	return 0, false
}
