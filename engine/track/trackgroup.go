package track

import (
	"fmt"
	"slices"

	"github.com/goalived/goalived/config"
)

// staticTrackIfaces are the interfaces an instance tracks through
// track_group, as keepalived 2.2.7's static_track_group_init adds them:
// the device of each static address, the output device of each static
// route and the input device of each static rule that names a group the
// instance is a member of, each with weight 0, so the instance is in
// FAULT while one is down. Addresses, routes and rules with no_track
// track nothing ("has both track_group and no_track set - not tracking").
func staticTrackIfaces(cfg *config.Config, name string) []string {
	member := func(group string) bool {
		g := cfg.TrackGroup(group)
		return g != nil && g.Has(name)
	}
	var out []string
	add := func(dev string) {
		if dev != "" && !slices.Contains(out, dev) {
			out = append(out, dev)
		}
	}
	for _, a := range cfg.StaticAddresses {
		if a.TrackGroup() != "" && !a.NoTrack && member(a.TrackGroup()) {
			add(a.Dev)
		}
	}
	for _, r := range cfg.StaticRoutes {
		if r.TrackGroup != "" && !r.NoTrack && member(r.TrackGroup) {
			add(r.Dev)
		}
	}
	for _, r := range cfg.StaticRules {
		if r.TrackGroup != "" && !r.NoTrack && member(r.TrackGroup) {
			add(r.IIF)
		}
	}
	return out
}

// itemIfaces are the interfaces an instance tracks with weight 0 for its
// own items (virtual addresses, routes and rules: config's
// ItemInterfaces) and then for the static items of its track_groups, in
// the order keepalived 2.2.7 adds them.
func itemIfaces(cfg *config.Config, in *config.Instance) []string {
	out := in.ItemInterfaces()
	for _, name := range staticTrackIfaces(cfg, in.Name) {
		if !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out
}

// logStaticNoTrack writes keepalived 2.2.7's line for each static item
// that names a track_group but has no_track (static_track_group_init),
// which then tracks nothing.
func (t *Tracker) logStaticNoTrack() {
	var kinds []string
	for _, a := range t.cfg.StaticAddresses {
		if a.TrackGroup() != "" && a.NoTrack {
			kinds = append(kinds, "address")
		}
	}
	for _, r := range t.cfg.StaticRoutes {
		if r.TrackGroup != "" && r.NoTrack {
			kinds = append(kinds, "route")
		}
	}
	for _, r := range t.cfg.StaticRules {
		if r.TrackGroup != "" && r.NoTrack {
			kinds = append(kinds, "rule")
		}
	}
	for _, k := range kinds {
		t.log.Info(fmt.Sprintf("Static %s has both track_group and no_track set - not tracking", k), "item", k)
	}
}
