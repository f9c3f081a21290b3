package dump

import "github.com/goalived/goalived/config"

// writeStatic lists static_ipaddress, static_routes and static_rules
// (installed from the start, so every address shows "set") and the
// track_group blocks with their members, each section only when it has
// entries, as keepalived 2.2.7's VRRP process does.
func writeStatic(d *dumpWriter, cfg *config.Config) {
	if len(cfg.StaticAddresses) > 0 {
		d.line("------< Static Addresses >------")
		for _, v := range cfg.StaticAddresses {
			d.line("     %s", formatVIP(v, v.Dev, true))
		}
	}
	writeRouting(d, "------< Static Routes >------", "------< Static Rules >------", cfg.StaticRoutes, cfg.StaticRules, true)
	if len(cfg.TrackGroups) == 0 {
		return
	}
	d.line("------< Static Track groups >------")
	for _, g := range cfg.TrackGroups {
		d.line(" Static Track Group = %s", g.Name)
		if len(g.Members) > 0 {
			d.line("   VRRP member instances :")
			for _, m := range g.Members {
				d.line("     %s", m)
			}
		}
	}
}

// writeRouting prints routes and rules under their titles, each list
// only when it has entries.
func writeRouting(d *dumpWriter, routesTitle, rulesTitle string, routes []config.Route, rules []config.Rule, static bool) {
	if len(routes) > 0 {
		d.line("%s", routesTitle)
		for _, r := range routes {
			d.line("     %s", formatRoute(r, static))
		}
	}
	if len(rules) > 0 {
		d.line("%s", rulesTitle)
		for _, r := range rules {
			d.line("     %s", formatRule(r))
		}
	}
}

// staticItem is an interface a static item makes its track_group's
// members track.
type staticItem struct {
	ifname, group string
}

// staticTracked lists the interfaces of the static addresses, routes
// (their device) and rules (their iif) that name a track_group, in
// keepalived 2.2.7's order (static_track_group_init); no_track items
// track nothing.
func staticTracked(cfg *config.Config) []staticItem {
	var out []staticItem
	for _, v := range cfg.StaticAddresses {
		if v.TrackGroup() != "" && !v.NoTrack {
			out = append(out, staticItem{v.Dev, v.TrackGroup()})
		}
	}
	for _, r := range cfg.StaticRoutes {
		if r.TrackGroup != "" && !r.NoTrack && r.Dev != "" {
			out = append(out, staticItem{r.Dev, r.TrackGroup})
		}
	}
	for _, r := range cfg.StaticRules {
		if r.TrackGroup != "" && !r.NoTrack && r.IIF != "" {
			out = append(out, staticItem{r.IIF, r.TrackGroup})
		}
	}
	return out
}
