package track

import (
	"fmt"

	"github.com/goalived/goalived/config"
)

// memberTracks are an instance's trackers plus those of its sync group.
type memberTracks struct {
	scripts, ifaces, files, procs []config.Track
}

// derivedTracks are what an instance's trackers follow from the
// configuration: its trackers merged with its sync group's and the
// interfaces its items make it track.
type derivedTracks struct {
	tracks memberTracks
	items  []string
}

func (t *Tracker) derive(in *config.Instance) derivedTracks {
	var g *config.SyncGroup
	if sg := t.groups.of(in.Name); sg != nil {
		g = sg.cfg
	}
	items := itemIfaces(t.cfg, in)
	tr, _ := mergeTracks(in, g, items)
	return derivedTracks{tracks: tr, items: items}
}

// derivedOf returns in's derived trackers, computed by New for the
// instances of its configuration.
func (t *Tracker) derivedOf(in *config.Instance) derivedTracks {
	if d, ok := t.derived[in.Name]; ok {
		return *d
	}
	return t.derive(in)
}

// noDerived is what the many instances that track nothing share.
var noDerived derivedTracks

// kept is d as t.derived keeps it: instances that track nothing share
// one value, so that a fleet of plain instances costs a pointer each in
// the map instead of five empty slice headers.
func kept(d derivedTracks) *derivedTracks {
	if len(d.items) == 0 && len(d.tracks.scripts)+len(d.tracks.ifaces)+len(d.tracks.files)+len(d.tracks.procs) == 0 {
		return &noDerived
	}
	return &d
}

func (t *Tracker) tracksOf(in *config.Instance) memberTracks { return t.derivedOf(in).tracks }

// overlap is a tracker that a sync group and one of its members both
// name: keepalived 2.2.7 keeps one entry for it.
type overlap struct {
	kind, name string
}

// mergeTracks adds the trackers of the sync group g (nil: none) to the
// instance's own as keepalived 2.2.7 does (add_vrrp_to_track_script,
// add_obj_to_track_file, add_vrrp_to_track_process, add_vrrp_to_interface):
// a tracker both name stays one entry, which takes the group's weight
// unless the member's is 0 (unweighted: its fault stays). keepalived
// takes the group's reverse flag with the weight, except for processes,
// whose entry keeps the member's. A group track_interface on the
// member's own interface meets the entry keepalived has for that
// interface, weight 0, which it keeps (see mergeIfaces; items are the
// interfaces of the member's addresses, routes and rules and of the
// static items of its track_groups: itemIfaces). The overlaps are
// returned in the group's order.
func mergeTracks(in *config.Instance, g *config.SyncGroup, items []string) (memberTracks, []overlap) {
	ifaces, ifOverlaps := mergeIfaces(in, g, items)
	tr := memberTracks{scripts: in.TrackScripts(), ifaces: ifaces, files: in.TrackFiles(), procs: in.TrackProcesses()}
	if g == nil {
		return tr, ifOverlaps
	}
	var ov []overlap
	merge := func(kind string, own, group []config.Track, keepReverse bool) []config.Track {
		out := append([]config.Track(nil), own...)
		for _, gt := range group {
			i := trackIndex(out, gt.Name)
			if i < 0 {
				out = append(out, gt)
				continue
			}
			ov = append(ov, overlap{kind, gt.Name})
			if out[i].Weight != 0 {
				out[i].Weight = gt.Weight
				if !keepReverse {
					out[i].Reverse = gt.Reverse
				}
			}
		}
		return out
	}
	// keepalived's order: scripts, files, processes, then interfaces.
	tr.scripts = merge("track_script", tr.scripts, g.TrackScripts, false)
	tr.files = merge("track_file", tr.files, g.TrackFiles, false)
	tr.procs = merge("track_process", tr.procs, g.TrackProcesses, true)
	return tr, append(ov, ifOverlaps...)
}

func trackIndex(list []config.Track, name string) int {
	for i, tr := range list {
		if tr.Name == name {
			return i
		}
	}
	return -1
}

func hasTrack(list []config.Track, name string) bool {
	return trackIndex(list, name) >= 0
}

// logOverlaps writes keepalived 2.2.7's line for each tracker that a
// sync group and one of its members both name, in the order its
// configuration completes them: for each group, its scripts, files and
// processes, each for every member. The track_interface overlaps are
// configuration errors in keepalived, which the parser reports.
func (t *Tracker) logOverlaps() {
	for _, g := range t.cfg.SyncGroups {
		seen := map[overlap][]string{} // members, by overlap
		for _, m := range g.Members {
			if in := t.cfg.Instance(m); in != nil {
				_, ov := mergeTracks(in, g, itemIfaces(t.cfg, in))
				for _, o := range ov {
					seen[o] = append(seen[o], m)
				}
			}
		}
		for _, k := range []struct {
			kind string
			list []config.Track
		}{{"track_script", g.TrackScripts}, {"track_file", g.TrackFiles}, {"track_process", g.TrackProcesses}} {
			for _, gt := range k.list {
				for _, m := range seen[overlap{k.kind, gt.Name}] {
					t.log.Info(fmt.Sprintf("(%s) %s %s is configured on VRRP instance and sync group. Remove vrrp instance config", m, k.kind, gt.Name),
						"instance", m, "group", g.Name, "tracker", gt.Name)
				}
			}
		}
	}
}

// used collects the names of the trackers of one kind that some
// instance or group refers to.
func (t *Tracker) used(get func(tr memberTracks) []config.Track) map[string]bool {
	out := map[string]bool{}
	for _, in := range t.insts {
		for _, tr := range get(t.tracksOf(in.Config())) {
			out[tr.Name] = true
		}
	}
	return out
}
