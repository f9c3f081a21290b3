package dump

import (
	"slices"
	"strings"

	"github.com/goalived/goalived/config"
)

// trackKind picks one kind of tracker list from instances and groups.
type trackKind int

const (
	trackInterfaces trackKind = iota
	trackScripts
	trackFiles
	trackProcesses
)

func (k trackKind) ofInstance(in *config.Instance) []config.Track {
	return [...][]config.Track{in.TrackInterfaces(), in.TrackScripts(), in.TrackFiles(), in.TrackProcesses()}[k]
}

func (k trackKind) ofGroup(g *config.SyncGroup) []config.Track {
	return [...][]config.Track{g.TrackInterfaces, g.TrackScripts, g.TrackFiles, g.TrackProcesses}[k]
}

// trackingOf lists the instances tracking the object called name in
// keepalived 2.2.7's order: the instances' own track lists, then each
// sync group's, once for every member.
func trackingOf(cfg *config.Config, name string, kind trackKind) []Tracker {
	var out []Tracker
	for _, in := range cfg.Instances {
		for _, t := range kind.ofInstance(in) {
			if t.Name == name {
				out = addTracker(out, Tracker{Name: in.Name, Weight: t.Weight, Reverse: t.Reverse})
			}
		}
	}
	for _, g := range cfg.SyncGroups {
		for _, t := range kind.ofGroup(g) {
			if t.Name != name {
				continue
			}
			for _, m := range g.Members {
				nt := Tracker{Name: m, Weight: t.Weight, Reverse: t.Reverse}
				if i := slices.IndexFunc(out, func(x Tracker) bool { return x.Name == m }); i >= 0 && kind == trackProcesses {
					// keepalived 2.2.7's add_vrrp_to_track_process
					// takes the group's weight but not its reverse.
					nt.Reverse = out[i].Reverse
				}
				out = addTracker(out, nt)
			}
		}
	}
	return out
}

// addTracker adds t to the trackers of an object as keepalived 2.2.7
// does (add_vrrp_to_track_script, add_vrrp_to_interface and their kin):
// an instance already listed keeps its one entry, which takes the new
// weight unless its own is 0 (unweighted) or the new one is keepalived's
// "not tracked" marker.
func addTracker(list []Tracker, t Tracker) []Tracker {
	for i := range list {
		if list[i].Name != t.Name {
			continue
		}
		if list[i].Weight != 0 && t.Weight != notVRRPTracked {
			list[i].Weight, list[i].Reverse = t.Weight, t.Reverse
		}
		return list
	}
	return append(list, t)
}

// writeTrackFiles lists the track_file blocks in use with the value last
// read (keepalived's "Status").
func writeTrackFiles(d *dumpWriter, s *Snapshot) {
	first := true
	for _, tf := range s.Config.TrackFiles {
		v, used := s.FileValues[tf.Name]
		if !used {
			continue
		}
		if first {
			d.line("------< VRRP Track files >------")
			first = false
		}
		d.line(" Track file = %s", tf.Name)
		d.line("   File = %s", tf.File)
		d.line("   Status = %d", v)
		d.line("   Weight = %d%s", tf.Weight, reverse(tf.Reverse))
		d.line("   Tracking instances :")
		for _, t := range trackingOf(s.Config, tf.Name, trackFiles) {
			d.line("     %s, weight %d%s", t.Name, t.Weight, reverse(t.Reverse))
		}
	}
}

// writeTrackProcesses lists the vrrp_track_process blocks in use with
// the processes counted now and the quorum the instances see.
func writeTrackProcesses(d *dumpWriter, s *Snapshot) {
	first := true
	for _, tp := range s.Config.TrackProcesses {
		quorum, used := s.ProcQuorum[tp.Name]
		if !used {
			continue
		}
		if first {
			d.line("------< VRRP Track processes >------")
			first = false
		}
		d.line(" VRRP Track process = %s", tp.Name)
		d.line("   Process = %s", tp.Process)
		writeProcessParams(d, tp)
		d.line("   Min processes = %d", tp.Quorum)
		if tp.QuorumMax >= 0 {
			d.line("   Max processes = %d", tp.QuorumMax)
		}
		d.line("   Current processes = %d", s.ProcCounts[tp.Name])
		d.line("   Have quorum = %s", trueFalse(quorum))
		d.line("   Weight = %d%s", tp.Weight, reverse(tp.Reverse))
		d.line("   Terminate delay = %fs", tp.TerminateDelay.Seconds())
		d.line("   Fork delay = %fs", tp.ForkDelay.Seconds())
		d.line("   Fork delay timer not running")
		d.line("   Terminate delay timer not running")
		d.line("   Full command = %s", trueFalse(tp.FullCommand))
		d.line("   Tracking instances :")
		for _, t := range trackingOf(s.Config, tp.Name, trackProcesses) {
			d.line("     %s, weight %d%s", t.Name, t.Weight, reverse(t.Reverse))
		}
	}
}

func writeProcessParams(d *dumpWriter, tp *config.TrackProcess) {
	if len(tp.Params) == 0 {
		return
	}
	d.line("   Parameters = %s", strings.Join(tp.Params, " "))
	switch tp.ParamMatch {
	case "partial", "initial":
		d.line("   Param match = %s", tp.ParamMatch)
	default:
		d.line("   Param match")
	}
}
