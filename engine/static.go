package engine

import (
	"errors"
	"fmt"

	"github.com/goalived/goalived/config"
)

// staticSet converts static_ipaddress, static_routes and static_rules:
// configured at start, brought in line with the configuration at each
// reload and removed at stop, never moved (reference 2.8).
// Static addresses without "dev" go on default_interface.
func staticSet(cfg *config.Config) (ownedSet, error) {
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
	if s.routes, err = netifRoutes(cfg.StaticRoutes); err != nil {
		return s, fmt.Errorf("static_routes: %w", err)
	}
	if s.rules, err = netifRules(cfg.StaticRules); err != nil {
		return s, fmt.Errorf("static_rules: %w", err)
	}
	return s, nil
}

// startStatic installs the static items.
func (e *Engine) startStatic() error {
	s, err := staticSet(e.cfg)
	if err != nil {
		return err
	}
	e.static = &vipOwner{addrs: e.addrs, set: s}
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

// reloadStatic applies the static items of a reloaded configuration as
// keepalived 2.2.7 does (clear_diff_saddresses, clear_diff_srules,
// clear_diff_sroutes; observed in a namespace): the items that left the
// configuration are removed, the new ones added, and those in both are
// left alone — a rule without a preference added again would be a
// second copy. A new configuration whose static items cannot be
// converted leaves the running ones as they are.
func (e *Engine) reloadStatic(cfg *config.Config) error {
	next, err := staticSet(cfg)
	if err != nil {
		return fmt.Errorf("reload static items (kept as they were): %w", err)
	}
	if e.static == nil {
		return nil // the engine was closed
	}
	old := e.static.current()
	err = errors.Join(e.static.replace(next),
		e.addrs.Ensure(missing(next.addrs, old.addrs)),
		e.addrs.EnsureRoutes(missing(next.routes, old.routes)),
		e.addrs.EnsureRules(missing(next.rules, old.rules)))
	if err != nil {
		return fmt.Errorf("reload static items: %w", err)
	}
	return nil
}
