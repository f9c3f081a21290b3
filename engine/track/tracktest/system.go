package tracktest

import "github.com/goalived/goalived/engine/track"

// System bundles the fakes of the system side.
type System struct {
	Links  *Links
	Files  *Files
	Procs  *Procs
	Checks *Checks
}

// NewSystem returns empty fakes.
func NewSystem() *System {
	return &System{Links: NewLinks(), Files: NewFiles(), Procs: NewProcs(), Checks: NewChecks()}
}

// OS is the system side for track.Options.
func (s *System) OS() track.OS {
	return track.OS{Links: s.Links, Files: s.Files, Processes: s.Procs, Checks: s.Checks}
}
