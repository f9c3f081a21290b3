package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/goalived/goalived/engine/kalog"
)

// defaultLogFormat is --log-format's default: keepalived 2.2.7's lines,
// so that what matched keepalived's log matches goalived's.
const defaultLogFormat = "keepalived"

// versionString stands where keepalived logs its version_string
// ("Keepalived v2.2.7 (01/16,2022)"): the same first two words, so that
// what matches "Starting Keepalived v2.2.7" or "Stopped Keepalived"
// still matches, and goalived's own release where keepalived puts its
// build date.
var versionString = "Keepalived v" + compatVersion + " (goalived " + goalivedVersion + ")"

// logOptions turns keepalived's logging options into kalog's outputs, as
// keepalived 2.2.7 (lib/logger.c, main.c) uses them: syslog unless -G,
// also with -l; the console (stderr) only with both -l and -n; -S the
// facility; -D and -DD the detail. The log files of -g are opened by
// newLogger.
func logOptions(o *options, stderr io.Writer) (kalog.Options, error) {
	format, err := kalog.ParseFormat(o.logFormat)
	if err != nil {
		return kalog.Options{}, err
	}
	ko := kalog.Options{Format: format, Level: kalog.DetailLevel(o.logDetail)}
	if o.logConsole && o.dontFork {
		ko.Console = stderr
	}
	if !o.noSyslog {
		fac, err := facility(o.logFacility)
		if err != nil {
			return kalog.Options{}, err
		}
		ko.Syslog = kalog.NewSyslog(o.syslogSocket, fac)
	}
	return ko, nil
}

// logFileNames are the files keepalived 2.2.7 writes for -g NAME
// (make_file_name in lib/utils.c): its parent writes NAME and its VRRP
// child NAME with "_vrrp" before the extension; a relative NAME is in
// $TMPDIR (or /tmp), and -g alone is keepalived.log there.
func logFileNames(name string) (parent, vrrp string) {
	if name == "" {
		name = "keepalived.log"
	}
	if !strings.HasPrefix(name, "/") {
		name = dumpDir(os.Getenv) + "/" + name
	}
	ext := strings.LastIndexByte(name, '.')
	if ext < strings.LastIndexByte(name, '/') {
		ext = -1
	}
	if ext < 0 {
		return name, name + "_vrrp"
	}
	return name, name[:ext] + "_vrrp" + name[ext:]
}

// logStarting writes the banner keepalived's parent starts with.
func logStarting(log *slog.Logger, argv []string) {
	parent := log.With(kalog.Parent)
	parent.Info("Starting " + versionString)
	var u unix.Utsname
	if err := unix.Uname(&u); err == nil {
		// keepalived adds "(built for Linux X.Y.Z)", the kernel headers
		// it was built with; goalived has none to name.
		parent.Info(fmt.Sprintf("Running on %s %s %s",
			unix.ByteSliceToString(u.Sysname[:]), unix.ByteSliceToString(u.Release[:]), unix.ByteSliceToString(u.Version[:])))
	}
	for _, l := range commandLineLines(argv) {
		parent.Info(l)
	}
}

// commandLineLines are keepalived's "Command line:" lines
// (log_command_line in lib/scheduler.c): each argument in single quotes,
// wrapped at a space so that no line carries more than 88 characters of
// them, continuation lines indented under the first argument.
func commandLineLines(argv []string) []string {
	const label = "Command line"
	quoted := make([]string, len(argv))
	for i, a := range argv {
		quoted[i] = "'" + a + "'"
	}
	rest := strings.Join(quoted, " ")
	width := 100 - len(label)
	var out []string
	for rest = strings.TrimLeft(rest, " "); rest != ""; rest = strings.TrimLeft(rest, " ") {
		end := len(rest)
		if end > width {
			end = width
			if rest[end] != ' ' {
				if sp := strings.LastIndexByte(rest[:end], ' '); sp > 0 {
					end = sp
				}
			}
		}
		if out == nil {
			out = append(out, label+": "+rest[:end])
		} else {
			out = append(out, strings.Repeat(" ", len(label)+2)+rest[:end])
		}
		rest = rest[end:]
	}
	return out
}

// logStopped writes the lines keepalived's VRRP child and parent end
// with (log_stopping in lib/utils.c, the end of main.c): with -D the CPU
// time used, in seconds and microseconds.
func logStopped(log *slog.Logger, detail bool) {
	parent := log.With(kalog.Parent)
	if !detail {
		log.Info("Stopped")
		parent.Info("Stopped " + versionString)
		return
	}
	var self, children syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &self)
	syscall.Getrusage(syscall.RUSAGE_CHILDREN, &children)
	if children.Utime.Sec != 0 || children.Utime.Usec != 0 {
		log.Info(fmt.Sprintf("Stopped - used (self/children) %s/%s user time, %s/%s system time",
			tv(self.Utime), tv(children.Utime), tv(self.Stime), tv(children.Stime)))
	} else {
		log.Info(fmt.Sprintf("Stopped - used %s user time, %s system time", tv(self.Utime), tv(self.Stime)))
	}
	parent.Info(fmt.Sprintf("CPU usage (self/children) user: %s/%s system: %s/%s",
		tv(self.Utime), tv(children.Utime), tv(self.Stime), tv(children.Stime)))
	parent.Info("Stopped " + versionString)
}

// tv is keepalived's "%ld.%6.6ld" of a timeval.
func tv(t syscall.Timeval) string { return fmt.Sprintf("%d.%06d", t.Sec, t.Usec) }
