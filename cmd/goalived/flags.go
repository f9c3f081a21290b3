package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"

	"github.com/goalived/goalived/engine/kalog"
)

// options holds every keepalived 2.2.7 command-line option (reference 4.1)
// with its keepalived spelling and default, plus goalived's own.
type options struct {
	useFile          string
	vrrpOnly         bool
	checkOnly        bool
	noBFD            bool
	all              bool
	logConsole       bool
	logDetail        int
	logFacility      string
	logFile          string
	logFileGiven     bool
	flushLogFile     bool
	noSyslog         bool
	umask            string
	releaseVIPs      bool
	dontReleaseVRRP  bool
	dontReleaseIPVS  bool
	dontRespawn      bool
	dontFork         bool
	dumpConf         bool
	pidFile          string
	vrrpPidFile      string
	checkersPidFile  string
	bfdPidFile       string
	genhash          bool
	addrMonitoring   bool
	snmp             bool
	snmpSocket       string
	namespace        string
	coreDump         bool
	corePattern      string
	corePatternGiven bool
	allConfig        bool
	configID         string
	signum           string
	configTest       bool
	configTestLog    string
	version          bool
	help             bool

	// goalived's own options.
	dumpConfig  string
	statusFile  string
	metricsAddr string
	fastPreempt bool
	manPage     string // hidden: the packaging writes the manual from it
	// logFormat is --log-format: keepalived, text or json (kalog).
	logFormat string
	// syslogSocket is where syslog lines go (/dev/log, as glibc's
	// syslog()); tests point it at a socket of their own.
	syslogSocket string
	// strict makes -t count goalived's notes (findings keepalived 2.2.7
	// passes over in silence) as warnings.
	strict bool
}

// optNoValue marks an optional-argument flag given without a value.
const optNoValue = "\x00"

func newFlagSet(o *options, stderr io.Writer) *pflag.FlagSet {
	fs := pflag.NewFlagSet("goalived", pflag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.SortFlags = false
	fs.StringVarP(&o.useFile, "use-file", "f", "/etc/keepalived/keepalived.conf", "Use the specified configuration file")
	fs.BoolVarP(&o.vrrpOnly, "vrrp", "P", false, "Only run with VRRP subsystem")
	fs.BoolVarP(&o.checkOnly, "check", "C", false, "Only run with Health-checker subsystem (not in goalived)")
	fs.BoolVarP(&o.noBFD, "no_bfd", "B", false, "Don't run BFD subsystem")
	fs.BoolVar(&o.all, "all", false, "Force all child processes to run, even if have no configuration")
	fs.BoolVarP(&o.logConsole, "log-console", "l", false, "Log messages to local console")
	fs.CountVarP(&o.logDetail, "log-detail", "D", "Detailed log messages")
	fs.StringVarP(&o.logFacility, "log-facility", "S", "daemon", "Set syslog facility to LOG_LOCAL[0-7], user or daemon (default)")
	optional(fs, &o.logFile, "log-file", "g", "Also log to FILE")
	fs.BoolVar(&o.flushLogFile, "flush-log-file", false, "Flush log file on write")
	fs.BoolVarP(&o.noSyslog, "no-syslog", "G", false, "Don't log via syslog")
	fs.StringVarP(&o.umask, "umask", "u", "", "umask for file creation (in numeric form)")
	fs.BoolVarP(&o.releaseVIPs, "release-vips", "X", false, "Drop VIP on transition from signal.")
	fs.BoolVarP(&o.dontReleaseVRRP, "dont-release-vrrp", "V", false, "Don't remove VRRP VIPs and VROUTEs on daemon stop")
	fs.BoolVarP(&o.dontReleaseIPVS, "dont-release-ipvs", "I", false, "Don't remove IPVS topology on daemon stop")
	fs.BoolVarP(&o.dontRespawn, "dont-respawn", "R", false, "Don't respawn child processes")
	fs.BoolVarP(&o.dontFork, "dont-fork", "n", false, "Don't fork the daemon process")
	fs.BoolVarP(&o.dumpConf, "dump-conf", "d", false, "Dump the configuration data")
	fs.StringVarP(&o.pidFile, "pid", "p", "/run/keepalived.pid", "Use specified pidfile for parent process")
	fs.StringVarP(&o.vrrpPidFile, "vrrp_pid", "r", "/run/keepalived_vrrp.pid", "Use specified pidfile for VRRP child process")
	fs.BoolVarP(&o.genhash, "genhash", "T", false, "Enter into genhash utility mode (not in goalived)")
	fs.StringVarP(&o.checkersPidFile, "checkers_pid", "c", "/run/keepalived_checkers.pid", "Use specified pidfile for checkers child process")
	fs.BoolVarP(&o.addrMonitoring, "address-monitoring", "a", false, "Report all address additions/deletions notified via netlink")
	fs.StringVarP(&o.bfdPidFile, "bfd_pid", "b", "/run/keepalived_bfd.pid", "Use specified pidfile for BFD child process")
	fs.BoolVarP(&o.snmp, "snmp", "x", false, "Enable SNMP subsystem (not in goalived)")
	fs.StringVarP(&o.snmpSocket, "snmp-agent-socket", "A", "", "Use the specified socket for master agent (not in goalived)")
	fs.StringVarP(&o.namespace, "namespace", "s", "", "Run in network namespace NAME (overrides config)")
	fs.BoolVarP(&o.coreDump, "core-dump", "m", false, "Produce core dump if terminate abnormally")
	optional(fs, &o.corePattern, "core-dump-pattern", "M", "Also set /proc/sys/kernel/core_pattern to PATN (default 'core')")
	fs.BoolVarP(&o.allConfig, "all-config", "e", false, "Error if any configuration file missing (same as includea)")
	fs.StringVarP(&o.configID, "config-id", "i", "", "Skip any configuration lines beginning '@' that don't match id")
	fs.StringVar(&o.signum, "signum", "", "Return signal number for STOP, RELOAD, DATA, STATS, STATS_CLEAR, JSON")
	optional(fs, &o.configTestLog, "config-test", "t", "Check the configuration for obvious errors, output to stderr by default")
	fs.BoolVarP(&o.version, "version", "v", false, "Display the version number")
	fs.BoolVarP(&o.help, "help", "h", false, "Display this help message")

	fs.StringVar(&o.dumpConfig, "dump-config", "", "With -t: print the typed configuration model (json)")
	fs.StringVar(&o.statusFile, "status-file", "/run/goalived/vrrp", "Write the /proc/net/vrrp-style status file here")
	fs.StringVar(&o.metricsAddr, "metrics-address", "", "Serve Prometheus metrics on ADDR (off by default)")
	fs.BoolVar(&o.fastPreempt, "fast-preempt", false, "Take over from a lower-priority master after the skew time")
	fs.StringVar(&o.manPage, "man-page", "", "Print the manual page of SECTION (8: goalived, 5: goalived.conf) in roff")
	// Only .ci/package.sh asks for it: the pages are written from this
	// flag set and the parser's keyword tables, so they cannot drift.
	_ = fs.MarkHidden("man-page")
	fs.StringVar(&o.logFormat, "log-format", defaultLogFormat, "Log as keepalived (its lines), text or json (slog's, with fields)")
	fs.StringVar(&o.syslogSocket, "syslog-socket", kalog.DefaultSyslogPath, "Send syslog lines to this socket")
	fs.BoolVar(&o.strict, "strict", false, "With -t: count notes (what keepalived passes over in silence) as warnings")
	return fs
}

// optional makes a string flag take an optional value, as keepalived's
// getopt "t::" does: -t alone, -tFILE, --config-test, --config-test=FILE.
func optional(fs *pflag.FlagSet, dst *string, name, short, usage string) {
	fs.VarP((*optValue)(dst), name, short, usage)
	fs.Lookup(name).NoOptDefVal = optNoValue
}

type optValue string

func (v *optValue) String() string     { return string(*v) }
func (v *optValue) Type() string       { return "string" }
func (v *optValue) Set(s string) error { *v = optValue(s); return nil }

// given reports whether an optional-argument flag was used.
func given(fs *pflag.FlagSet, name string) bool { return fs.Changed(name) }

// value returns an optional-argument flag's value, "" when given bare.
func value(s string) string {
	if s == optNoValue {
		return ""
	}
	return s
}

// normaliseArgs turns getopt's attached optional values (-tFILE, -gFILE,
// -MPATN) into the long form pflag understands, so that keepalived command
// lines keep working unchanged.
func normaliseArgs(args []string) []string {
	long := map[byte]string{'t': "config-test", 'g': "log-file", 'M': "core-dump-pattern"}
	out := make([]string, 0, len(args))
	for i, a := range args {
		if a == "--" {
			return append(out, args[i:]...)
		}
		if len(a) > 2 && a[0] == '-' && a[1] != '-' {
			if name, ok := long[a[1]]; ok {
				out = append(out, "--"+name+"="+strings.TrimPrefix(a[2:], "="))
				continue
			}
		}
		out = append(out, a)
	}
	return out
}

func parseOptions(args []string, stderr io.Writer) (*options, *pflag.FlagSet, error) {
	o := &options{}
	fs := newFlagSet(o, stderr)
	fs.Usage = func() {}
	if err := fs.Parse(normaliseArgs(args)); err != nil {
		return nil, fs, fmt.Errorf("%w", err)
	}
	o.configTest = given(fs, "config-test")
	o.configTestLog = value(o.configTestLog)
	o.logFileGiven = given(fs, "log-file")
	o.logFile = value(o.logFile)
	o.corePatternGiven = given(fs, "core-dump-pattern")
	o.corePattern = value(o.corePattern)
	if _, err := kalog.ParseFormat(o.logFormat); err != nil {
		return nil, fs, fmt.Errorf("--log-format: %w", err)
	}
	return o, fs, nil
}
