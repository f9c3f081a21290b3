package dump

import (
	"strings"

	"github.com/goalived/goalived/config"
)

// trackingOf lists the instances whose track list (picked by get) names
// the tracked object, with their weights.
func trackingOf(cfg *config.Config, name string, get func(*config.Instance) []config.Track) []Tracker {
	var out []Tracker
	for _, in := range cfg.Instances {
		for _, t := range get(in) {
			if t.Name == name {
				out = append(out, Tracker{Name: in.Name, Weight: t.Weight, Reverse: t.Reverse})
			}
		}
	}
	return out
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
		for _, t := range trackingOf(s.Config, tf.Name, func(in *config.Instance) []config.Track { return in.TrackFiles }) {
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
		for _, t := range trackingOf(s.Config, tp.Name, func(in *config.Instance) []config.Track { return in.TrackProcesses }) {
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
