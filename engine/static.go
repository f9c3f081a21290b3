package engine

import (
	"fmt"

	"github.com/goalived/goalived/config"
)

// staticSet converts static_ipaddress, static_routes and static_rules,
// which keepalived installs at start whatever the instances' states,
// brings in line with the configuration at each reload and removes at
// stop; they never move between routers. Static addresses without "dev"
// go on default_interface.
func staticSet(cfg *config.Config, tables tableFunc) (ownedSet, error) {
	var s ownedSet
	for _, v := range cfg.StaticAddresses {
		a, err := netifAddr(v, cfg.Global.DefaultInterface)
		if err != nil {
			return s, fmt.Errorf("static_ipaddress: %w", err)
		}
		if a.Dev == "" {
			return s, fmt.Errorf("static_ipaddress %v: no interface and no default_interface", v.Prefix)
		}
		s.addrs = append(s.addrs, a)
	}
	var err error
	if s.routes, err = netifRoutes(cfg.StaticRoutes, tables); err != nil {
		return s, fmt.Errorf("static_routes: %w", err)
	}
	if s.rules, err = netifRules(cfg.StaticRules, tables); err != nil {
		return s, fmt.Errorf("static_rules: %w", err)
	}
	return s, nil
}

// startStatic installs the static items.
func (e *Engine) startStatic() error {
	s, err := staticSet(e.cfg, e.host.Routing.RouteTable)
	if err != nil {
		return err
	}
	e.static = &vipOwner{routing: e.host.Routing, clock: e.clock, set: s}
	return e.static.Own(true)
}

// stopStatic removes the static items, as keepalived does at shutdown.
func (e *Engine) stopStatic() error {
	if e.static == nil {
		return nil
	}
	err := e.static.Own(false)
	e.static = nil
	return err
}
