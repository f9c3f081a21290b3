package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"syscall"

	"github.com/spf13/pflag"
	"golang.org/x/sys/unix"

	"github.com/goalived/goalived/parser"
)

// manArgNames name the value of each option that takes one, as
// keepalived's --help writes it.
var manArgNames = map[string]string{
	"use-file":          "FILE",
	"log-facility":      "FACILITY",
	"log-file":          "FILE",
	"umask":             "MASK",
	"pid":               "FILE",
	"vrrp_pid":          "FILE",
	"checkers_pid":      "FILE",
	"bfd_pid":           "FILE",
	"snmp-agent-socket": "SOCKET",
	"namespace":         "NAME",
	"core-dump-pattern": "PATN",
	"config-id":         "ID",
	"signum":            "NAME",
	"config-test":       "FILE",
	"dump-config":       "FORMAT",
	"status-file":       "FILE",
	"metrics-address":   "ADDR",
	"log-format":        "FORMAT",
	"syslog-socket":     "SOCKET",
}

// manSignals say what each of keepalived's signal functions (sigfuncs,
// the names --signum knows) does in goalived; the files a dump signal
// writes are added from dumpFor.
var manSignals = map[string]string{
	"STOP": "Stop: each master instance sends a priority-0 advertisement, the virtual addresses, routes and rules are removed (not with -V), the notify_stop scripts run, and goalived exits. SIGINT does the same.",
	"RELOAD": "Reload the configuration file: unchanged instances keep their state, addresses and timers, changed ones are updated in place, the notify FIFOs are reopened. A file with errors is refused and the running configuration stays (keepalived applies what it could read). " +
		"systemd tells RELOADING=1, then READY=1. This is what \"systemctl reload goalived\" sends. " +
		"If the binary goalived was started from has been replaced (another inode), the daemon hands its running state to the new binary instead (hot upgrade): " +
		"the new process takes over without a transition or a priority-0 advertisement and the old one exits; if the new one fails, the old one carries on.",
	"DATA":        "Write the state dumps, in keepalived 2.2.7's layout.",
	"STATS":       "Write the per-instance statistics.",
	"STATS_CLEAR": "Write the statistics, then set the counters to zero.",
	"JSON":        "Write the state as JSON (nothing without instances).",
}

// daemonPageData is what goalived(8) is written from.
type daemonPageData struct {
	Version, CompatVersion string
	ConfigFile             string
	Options                []manItem
	Signals                []manItem
	Files                  []manItem
	Exit                   map[string]int
}

func daemonPage() daemonPageData {
	return daemonPageData{
		Version:       goalivedVersion,
		CompatVersion: compatVersion,
		ConfigFile:    defaultFlag("use-file"),
		Options:       manOptions(),
		Signals:       manSignalItems(),
		Files:         manFiles(),
		Exit: map[string]int{
			"OK": exitOK, "Fatal": exitFatal, "Config": exitConfig, "NoConfig": exitNoConfig,
			"TestOK": parser.ExitOK, "TestFatal": parser.ExitFatal, "TestWarning": parser.ExitWarning, "TestSecurity": parser.ExitSecurity,
		},
	}
}

// manOptions lists the options as --help does, with their value, default
// and, for keepalived's options that do nothing here, why.
func manOptions() []manItem {
	why := map[string]string{}
	for _, u := range inertOptions {
		if u.set != nil {
			why[u.flag] = "Not acted on by goalived, which warns once at start: " + u.why + "."
		} else {
			why[u.flag] = "Needs nothing in goalived: " + u.why + "."
		}
	}
	var out []manItem
	for _, f := range visibleFlags() {
		text := roff(sentence(f.Usage))
		if d := f.DefValue; d != "" && d != "false" && d != "0" {
			text += "\nDefault: \\fI" + roff(d) + "\\fR."
		}
		if w := why[f.Name]; w != "" {
			text += "\n" + roff(w)
		}
		out = append(out, manItem{Term: optionTerm(f), Text: text})
	}
	return out
}

// optionTerm is the tag of an option: "-f, --use-file=FILE", with the
// value in brackets where it is optional ("-t[FILE], --config-test[=FILE]").
func optionTerm(f *pflag.Flag) string {
	arg := manArgNames[f.Name]
	short, long := "", `\fB\-\-`+roff(f.Name)+`\fR`
	if f.Shorthand != "" {
		short = `\fB\-` + f.Shorthand + `\fR`
	}
	switch {
	case arg == "":
	case f.NoOptDefVal != "":
		short += `[\fI` + arg + `\fR]`
		long += `[=\fI` + arg + `\fR]`
	default:
		short += ` \fI` + arg + `\fR`
		long += `=\fI` + arg + `\fR`
	}
	if f.Shorthand == "" {
		return long
	}
	return short + ", " + long
}

// manSignalItems lists the signals in number order.
func manSignalItems() []manItem {
	names := make([]string, 0, len(sigfuncs))
	for n := range sigfuncs {
		names = append(names, n)
	}
	slices.SortFunc(names, func(a, b string) int { return sigfuncs[a] - sigfuncs[b] })
	var out []manItem
	for _, n := range names {
		sig := syscall.Signal(sigfuncs[n])
		text := roff(manSignals[n])
		if files := dumpFileNames(sig); len(files) > 0 {
			text += "\nFiles: \\fI" + strings.Join(roffAll(files), "\\fR, \\fI") + "\\fR in \\fB$TMPDIR\\fR, or \\fI/tmp\\fR."
		}
		out = append(out, manItem{
			Term: fmt.Sprintf(`\fB%s\fR (%d, \-\-signum=%s)`, roff(signalName(sig)), sig, roff(n)),
			Text: text,
		})
	}
	return out
}

// signalName is a signal's name as keepalived's manual writes it;
// real-time signals are counted from SIGRTMIN (34 with glibc) or back from
// SIGRTMAX (64).
func signalName(sig syscall.Signal) string {
	if n := unix.SignalName(sig); n != "" {
		return n
	}
	if sig > 48 {
		return fmt.Sprintf("SIGRTMAX-%d", 64-int(sig))
	}
	return fmt.Sprintf("SIGRTMIN+%d", int(sig)-34)
}

// dumpFileNames are the files dump signal sig writes, under their
// default names.
func dumpFileNames(sig os.Signal) []string {
	var out []string
	for _, f := range dumpFor(sig, dumpNames{}) {
		out = append(out, f.name)
	}
	return out
}

// dumpNames is an engine for dumpFor that only names the files.
type dumpNames struct{}

func (dumpNames) WriteData(io.Writer) error        { return nil }
func (dumpNames) WriteParentData(io.Writer) error  { return nil }
func (dumpNames) WriteStats(io.Writer, bool) error { return nil }
func (dumpNames) WriteJSON(io.Writer) error        { return nil }
func (dumpNames) DataFileName(name string) string  { return name }

// manFiles lists the files goalived reads and writes under their
// default names.
func manFiles() []manItem {
	item := func(path, text string) manItem {
		return manItem{Term: `\fI` + roff(path) + `\fR`, Text: roff(text)}
	}
	return []manItem{
		item(defaultFlag("use-file"), "The configuration file (-f), keepalived's; see goalived.conf(5)."),
		item(defaultFlag("pid"), "The pid file (-p), keepalived's parent process pid file: goalived is one process."),
		item(defaultFlag("vrrp_pid"), "The VRRP pid file (-r), the same pid."),
		item(versionFile(defaultFlag("pid")), "The running daemon's version and, after a hot upgrade, the version it took over from, beside the pid file; goalived -v reports them."),
		item(defaultFlag("status-file"), "The status file (--status-file): one line an instance, /proc/net/vrrp style, rewritten atomically on every change."),
		item("/etc/default/goalived", "Read by the systemd unit: DAEMON_ARGS are added to goalived's command line, as /etc/default/keepalived for keepalived."),
		item("/usr/lib/systemd/system/goalived.service", "The systemd unit of the package."),
	}
}

func roffAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = roff(s)
	}
	return out
}
