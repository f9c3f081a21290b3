package track

import (
	"slices"

	"github.com/goalived/goalived/config"
)

// ifaceEntry is keepalived 2.2.7's one entry for an instance on a
// tracked interface (its tracking_obj_t).
type ifaceEntry struct {
	config.Track
	// notTracked is keepalived's VRRP_NOT_TRACK_IF: the own interface
	// under dont_track_primary.
	notTracked bool
	// configured is set for an entry of the instance's own interface or
	// its track_interface (keepalived's TRACK_VRRP, TRACK_IF, TRACK_SG),
	// not for one an item made (TRACK_ADDR, TRACK_ROUTE, TRACK_RULE, or a
	// static item's track_group).
	configured bool
	// listed entries are the ones mergeIfaces returns: the own
	// interface and the items' interfaces are tracked apart.
	listed bool
}

// mergeIfaces builds an instance's interface entries in the order
// keepalived 2.2.7's add_vrrp_to_interface sees them: the instance's
// track_interface, its own interface (weight 0, or not tracked under
// dont_track_primary), the interfaces of its addresses, routes and rules
// and then of the static items of its track_groups (items, weight 0:
// itemIfaces), then its sync group's track_interface. An interface met
// again keeps one entry, which takes the new weight unless its own is 0
// (a weight-0 entry stays weight 0: its fault is all it does) or the new
// one is "not tracked"; keepalived counts a configuration error
// (returned as an overlap) when a group entry meets a configured one
// that is tracked. It returns the track_interface entries with their
// resulting weights, and a group entry that the own interface (under
// dont_track_primary) took.
func mergeIfaces(in *config.Instance, g *config.SyncGroup, items []string) ([]config.Track, []overlap) {
	if len(items) == 0 && (g == nil || len(g.TrackInterfaces) == 0) {
		return in.TrackInterfaces(), nil // the parser drops the own interface from them
	}
	var es []*ifaceEntry
	var ov []overlap
	add := func(e ifaceEntry, group bool) {
		i := slices.IndexFunc(es, func(x *ifaceEntry) bool { return x.Name == e.Name })
		if i < 0 {
			es = append(es, &e)
			return
		}
		old := es[i]
		if group && old.configured && !old.notTracked {
			ov = append(ov, overlap{"track_interface", e.Name})
		}
		took := (old.Weight != 0 || old.notTracked) && !e.notTracked
		if took {
			old.Weight, old.Reverse, old.notTracked = e.Weight, e.Reverse, false
		}
		old.configured = old.configured || e.configured
		// A weight-0 entry the group met is tracked apart already.
		old.listed = old.listed || group && took
	}
	for _, t := range in.TrackInterfaces() {
		add(ifaceEntry{Track: t, configured: true, listed: true}, false)
	}
	if in.Interface != "" {
		add(ifaceEntry{Track: config.Track{Name: in.Interface}, notTracked: in.DontTrackPrimary, configured: true}, false)
	}
	for _, name := range items {
		add(ifaceEntry{Track: config.Track{Name: name}}, false)
	}
	if g != nil {
		for _, t := range g.TrackInterfaces {
			add(ifaceEntry{Track: t, configured: true, listed: true}, true)
		}
	}
	var out []config.Track
	for _, e := range es {
		if e.listed && !e.notTracked {
			out = append(out, e.Track)
		}
	}
	return out, ov
}
