package syntax

import (
	"io/fs"
	"os"
	"strings"
)

// Options control preprocessing. The zero value reads from the operating
// system and uses DefaultConfigID.
type Options struct {
	// ConfigID selects @ID / @^ID lines and is ${_INSTANCE} (keepalived's
	// -i/--config-id). Empty means DefaultConfigID().
	ConfigID string
	// FS, when set, is where files are read from; paths are taken as
	// rooted at the top of FS ("/etc/k.conf" and "etc/k.conf" are the
	// same file). Nil means the operating system.
	FS fs.FS
	// IncludeCheck is the include error classes that are fatal from the
	// start (keepalived's -e/--all-config sets IncludeAll).
	IncludeCheck IncludeClass
	// RandomSeed seeds ${_RANDOM}; zero means seeded from the clock, as
	// keepalived does without random_seed.
	RandomSeed uint64
	// Limits bound the load; zero fields take DefaultLimits.
	Limits Limits
	// Report, when set, receives each kept diagnostic as it is found
	// (see diagList), so that the first ones can be shown at once.
	Report func(Diagnostic)
}

// DefaultConfigID is keepalived's default config-id: the node name from
// uname(2) cut at the first '.'.
func DefaultConfigID() string {
	h, err := os.Hostname()
	if err != nil {
		return ""
	}
	if i := strings.IndexByte(h, '.'); i >= 0 {
		h = h[:i]
	}
	return h
}

func (o Options) configID() string {
	if o.ConfigID == "" {
		return DefaultConfigID()
	}
	return o.ConfigID
}
