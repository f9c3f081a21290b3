package track

import "github.com/goalived/goalived/config"

// memberTracks are an instance's trackers plus those of its sync group.
type memberTracks struct {
	scripts, ifaces, files, procs []config.Track
}

func (t *Tracker) tracksOf(in *config.Instance) memberTracks {
	tr := memberTracks{scripts: in.TrackScripts, ifaces: in.TrackInterfaces, files: in.TrackFiles, procs: in.TrackProcesses}
	if g := t.groups.of(in.Name); g != nil {
		c := g.cfg
		tr.scripts = append(append([]config.Track(nil), tr.scripts...), c.TrackScripts...)
		tr.ifaces = append(append([]config.Track(nil), tr.ifaces...), c.TrackInterfaces...)
		tr.files = append(append([]config.Track(nil), tr.files...), c.TrackFiles...)
		tr.procs = append(append([]config.Track(nil), tr.procs...), c.TrackProcesses...)
	}
	return tr
}

func hasTrack(list []config.Track, name string) bool {
	for _, tr := range list {
		if tr.Name == name {
			return true
		}
	}
	return false
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
