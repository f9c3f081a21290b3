package parser

import (
	"io/fs"
	"net"
	"os"
	"os/exec"
	"os/user"
	"strings"

	"github.com/goalived/goalived/parser/syntax"
)

// Options control a load. The zero value works: hooks default to the host.
type Options struct {
	// ConfigID selects @ID conditional lines (keepalived -i); default the
	// host name up to the first dot.
	ConfigID string
	// InterfaceExists reports whether a network interface exists; default
	// net.InterfaceByName. keepalived -t warns about missing interfaces.
	InterfaceExists func(name string) bool
	// LookupUser and LookupGroup report whether a script user or group
	// exists; default os/user. The daemon passes the lookups its scripts
	// run with (which also ask the name service switch), so that -t and
	// the runtime agree.
	LookupUser  func(name string) bool
	LookupGroup func(name string) bool
	// ScriptUsable reports whether a script's program (argv[0]) can be
	// run; keepalived drops scripts it cannot find. Default: an existing
	// non-directory path, or a name found in PATH.
	ScriptUsable func(argv0 string) bool
	// Hostname is the default router_id and, with an smtp_server, the
	// default smtp_helo_name; default os.Hostname.
	Hostname string
	// Username names the user the daemon runs as, for the default
	// notification_email_from (USER@HOSTNAME); default the current user.
	Username string
	// AllConfig makes every include check strict (keepalived -e).
	AllConfig bool
	// FS, when set, is where files are read from (see syntax.Options).
	FS fs.FS
	// RandomSeed seeds ${_RANDOM}; zero means the clock.
	RandomSeed uint64
	// Limits bound the load (see syntax.Limits); zero fields take the
	// defaults.
	Limits syntax.Limits
	// Report, when set, receives each diagnostic that is kept as soon as
	// it is found: -t and the daemon show the first ones at once.
	Report func(syntax.Diagnostic)
}

// unknownHost is keepalived's local name when the host's cannot be had.
const unknownHost = "[unknown]"

func (o *Options) fill() {
	if o.InterfaceExists == nil {
		o.InterfaceExists = hostInterfaces()
	}
	if o.LookupUser == nil {
		o.LookupUser = func(name string) bool {
			_, err := user.Lookup(name)
			return err == nil
		}
	}
	if o.LookupGroup == nil {
		o.LookupGroup = func(name string) bool {
			_, err := user.LookupGroup(name)
			return err == nil
		}
	}
	if o.ScriptUsable == nil {
		o.ScriptUsable = memoized(scriptUsable)
	}
	if o.Hostname == "" {
		h, err := os.Hostname()
		if err != nil || h == "" {
			h = unknownHost
		}
		o.Hostname = h
	}
	if o.Username == "" {
		if u, err := user.Current(); err == nil {
			o.Username = u.Username
		}
	}
	if o.ConfigID == "" {
		o.ConfigID, _, _ = strings.Cut(o.Hostname, ".")
	}
}

// UserExists reports whether the script user exists (through the hook).
func (o *Options) UserExists(name string) bool { return name != "" && o.LookupUser(name) }

// GroupExists reports whether the script group exists (through the hook).
func (o *Options) GroupExists(name string) bool { return name != "" && o.LookupGroup(name) }

func scriptUsable(argv0 string) bool {
	if strings.HasPrefix(argv0, "<") {
		return true // shell file test, run through /bin/sh
	}
	if !strings.Contains(argv0, "/") {
		_, err := exec.LookPath(argv0)
		return err == nil
	}
	fi, err := os.Stat(argv0)
	return err == nil && !fi.IsDir()
}

// memoized asks fn once per argument: a load checks every script's argv[0]
// (a stat each), and 1000 scripts usually share a handful of programs.
func memoized(fn func(string) bool) func(string) bool {
	seen := map[string]bool{}
	return func(s string) bool {
		ok, done := seen[s]
		if !done {
			ok = fn(s)
			seen[s] = ok
		}
		return ok
	}
}

// hostInterfaces lists the host's interfaces once, on first use: asking
// the kernel per instance (net.InterfaceByName dumps every link each time)
// made a 1000-instance load spend most of its time in netlink.
func hostInterfaces() func(string) bool {
	var names map[string]bool
	return func(name string) bool {
		if names == nil {
			names = map[string]bool{}
			ifs, _ := net.Interfaces()
			for _, i := range ifs {
				names[i.Name] = true
			}
		}
		return names[name]
	}
}
