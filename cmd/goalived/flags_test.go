package main

import (
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestParseOptions: keepalived command lines, as init scripts, units and
// operators write them, parse to keepalived's meaning.
func TestParseOptions(t *testing.T) {
	def := func(f func(o *options)) options {
		o := options{
			useFile: "/etc/keepalived/keepalived.conf", logFacility: "daemon",
			pidFile: "/run/keepalived.pid", vrrpPidFile: "/run/keepalived_vrrp.pid",
			checkersPidFile: "/run/keepalived_checkers.pid", bfdPidFile: "/run/keepalived_bfd.pid",
			statusFile: "/run/goalived/vrrp", logFormat: defaultLogFormat, syslogSocket: "/dev/log",
		}
		f(&o)
		return o
	}
	tests := []struct {
		name string
		args string
		want options
	}{
		{"defaults", "", def(func(o *options) {})},
		{"user's start line", "-f /etc/keepalived/keepalived.conf -D", def(func(o *options) { o.logDetail = 1 })},
		{"debian unit", "--dont-fork -D", def(func(o *options) { o.dontFork, o.logDetail = true, 1 })},
		{"combined shorts", "-nlD -P", def(func(o *options) { o.dontFork, o.logConsole, o.logDetail, o.vrrpOnly = true, true, 1, true })},
		{"detail twice", "-D -D", def(func(o *options) { o.logDetail = 2 })},
		{"config test bare", "-t -f /x.conf", def(func(o *options) { o.configTest, o.useFile = true, "/x.conf" })},
		{"config test attached file", "-t/tmp/t.log", def(func(o *options) { o.configTest, o.configTestLog = true, "/tmp/t.log" })},
		{"config test long with file", "--config-test=/tmp/t.log", def(func(o *options) { o.configTest, o.configTestLog = true, "/tmp/t.log" })},
		{"pid files", "-p /tmp/a.pid -r /tmp/v.pid --checkers_pid=/tmp/c.pid", def(func(o *options) {
			o.pidFile, o.vrrpPidFile, o.checkersPidFile = "/tmp/a.pid", "/tmp/v.pid", "/tmp/c.pid"
		})},
		{"log file bare", "-g", def(func(o *options) { o.logFileGiven = true })},
		{"log file attached", "-g/var/log/k.log", def(func(o *options) { o.logFileGiven, o.logFile = true, "/var/log/k.log" })},
		{"facility and config id", "-S local3 -i backup1 --signum=JSON", def(func(o *options) { o.logFacility, o.configID, o.signum = "local3", "backup1", "JSON" })},
		{"release and umask", "-V -X -u 0022", def(func(o *options) { o.dontReleaseVRRP, o.releaseVIPs, o.umask = true, true, "0022" })},
		{"goalived extras", "--fast-preempt --status-file=/tmp/s --metrics-address=:9650", def(func(o *options) {
			o.fastPreempt, o.statusFile, o.metricsAddr = true, "/tmp/s", ":9650"
		})},
		{"structured logs to a test's syslog", "--log-format=json --syslog-socket /tmp/t/log", def(func(o *options) {
			o.logFormat, o.syslogSocket = "json", "/tmp/t/log"
		})},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, _, err := parseOptions(strings.Fields(tc.args), io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, *got, cmp.AllowUnexported(options{})); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestRunExitStatuses(t *testing.T) {
	tests := []struct {
		args        string
		rc          int
		out, errOut string
	}{
		{"--signum=JSON", 0, "36\n", ""},
		{"--signum=STATS_CLEAR", 0, "63\n", ""},
		{"--signum=TDUMP", 1, "", "Unknown sigfunc TDUMP\n"},
		{"-Z", 1, "", "unknown shorthand flag: 'Z' in -Z\n"},
		{"-v", 0, "", "goalived v2.2.7 "},
		{"--log-format=logfmt", 1, "", `--log-format: invalid log format "logfmt" (want keepalived, text or json)`},
	}
	for _, tc := range tests {
		t.Run(tc.args, func(t *testing.T) {
			var out, errOut strings.Builder
			rc := run(strings.Fields(tc.args), &out, &errOut)
			if rc != tc.rc || out.String() != tc.out || !strings.HasPrefix(errOut.String(), tc.errOut) {
				t.Errorf("rc %d stdout %q stderr %q; want rc %d stdout %q stderr prefix %q", rc, out.String(), errOut.String(), tc.rc, tc.out, tc.errOut)
			}
		})
	}
}
