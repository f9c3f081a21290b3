package main

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestCommandLineLines checks the wrapping against keepalived 2.2.7's own
// lines for the same argv (observed in a namespace).
func TestCommandLineLines(t *testing.T) {
	for _, tc := range []struct {
		argv string
		want []string
	}{
		{"/usr/sbin/keepalived -p /tmp/obs/s1D/a/k.pid -r /tmp/obs/s1D/a/v.pid -n -l -D -f /tmp/obs/s1D/a/k.conf", []string{
			"Command line: '/usr/sbin/keepalived' '-p' '/tmp/obs/s1D/a/k.pid' '-r' '/tmp/obs/s1D/a/v.pid' '-n' '-l'",
			"              '-D' '-f' '/tmp/obs/s1D/a/k.conf'",
		}},
		{"/usr/sbin/keepalived -p /tmp/obs/s6F/a/k.pid -r /tmp/obs/s6F/a/v.pid -D -f /tmp/obs/s6F/a/k.conf", []string{
			"Command line: '/usr/sbin/keepalived' '-p' '/tmp/obs/s6F/a/k.pid' '-r' '/tmp/obs/s6F/a/v.pid' '-D' '-f'",
			"              '/tmp/obs/s6F/a/k.conf'",
		}},
		{"/usr/sbin/keepalived --dont-fork", []string{"Command line: '/usr/sbin/keepalived' '--dont-fork'"}},
		// A word longer than a line is cut, as keepalived's get_end does.
		{"/" + strings.Repeat("x", 100), []string{
			"Command line: '/" + strings.Repeat("x", 86),
			"              " + strings.Repeat("x", 14) + "'",
		}},
	} {
		if diff := cmp.Diff(tc.want, commandLineLines(strings.Fields(tc.argv))); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.argv, diff)
		}
	}
}

// TestLogFileNames checks keepalived's make_file_name for -g.
func TestLogFileNames(t *testing.T) {
	t.Setenv("TMPDIR", "/var/tmp")
	for _, tc := range []struct{ name, parent, vrrp string }{
		{"", "/var/tmp/keepalived.log", "/var/tmp/keepalived_vrrp.log"},
		{"/var/log/keepalived.log", "/var/log/keepalived.log", "/var/log/keepalived_vrrp.log"},
		{"/var/log/ka", "/var/log/ka", "/var/log/ka_vrrp"},
		{"/var/log.d/ka", "/var/log.d/ka", "/var/log.d/ka_vrrp"},
		{"/var/log/ka.old.log", "/var/log/ka.old.log", "/var/log/ka.old_vrrp.log"},
		{"k.log", "/var/tmp/k.log", "/var/tmp/k_vrrp.log"},
	} {
		parent, vrrp := logFileNames(tc.name)
		if parent != tc.parent || vrrp != tc.vrrp {
			t.Errorf("logFileNames(%q) = %q, %q; want %q, %q", tc.name, parent, vrrp, tc.parent, tc.vrrp)
		}
	}
}
