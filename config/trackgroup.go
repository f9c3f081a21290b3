package config

import "slices"

// TrackGroup is a track_group block: the instances that
// track the interface of each static address, route and rule naming the
// group (weight 0: FAULT while it is down), as keepalived 2.2.7's
// static_track_group_init sets them up.
type TrackGroup struct {
	Name    string   `json:"name"`
	Members []string `json:"group"`
}

// Has reports whether instance name is a member.
func (g *TrackGroup) Has(name string) bool { return slices.Contains(g.Members, name) }

// TrackGroup returns the track_group called name, or nil.
func (c *Config) TrackGroup(name string) *TrackGroup {
	for _, g := range c.TrackGroups {
		if g.Name == name {
			return g
		}
	}
	return nil
}
