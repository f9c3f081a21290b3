// Package debpkg tests goalived's Debian package, which .ci/package.sh builds
// from .ci/package: its maintainer scripts against stub systemctl and
// deb-systemd-helper, and, as root, the package installed and purged.
// It has no code of its own.
package debpkg

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// packageDir holds the Debian package's unit, default file and
// maintainer scripts (.ci/package.sh builds the package).
const packageDir = "../../../.ci/package"

// fakeHost is what the stub systemctl and deb-systemd-helper answer.
type fakeHost struct {
	systemd               bool // is-system-running says running, else offline
	kaEnabled, kaActive   bool // keepalived.service
	gaActive              bool // goalived.service
	installed, wasEnabled bool // deb-systemd-helper debian-installed, was-enabled
}

// stubs log every call to $STUB_LOG, queries included, and answer the
// queries from the STUB_* variables.
var stubs = map[string]string{
	"systemctl": `[ "$1" = --quiet ] && shift
echo "systemctl $*" >>"$STUB_LOG"
case "$1 $2" in
"is-system-running "*) echo "$STUB_STATE"; [ "$STUB_STATE" = running ] ;;
"is-enabled keepalived.service") [ -n "$STUB_KA_ENABLED" ] ;;
"is-active keepalived.service") [ -n "$STUB_KA_ACTIVE" ] ;;
"is-active goalived.service") [ -n "$STUB_GA_ACTIVE" ] ;;
esac`,
	"deb-systemd-helper": `[ "$1" = --quiet ] && shift
echo "deb-systemd-helper $*" >>"$STUB_LOG"
case "$1" in
debian-installed) [ -n "$STUB_INSTALLED" ] ;;
was-enabled) [ -n "$STUB_WAS_ENABLED" ] ;;
esac`,
	"deb-systemd-invoke": `echo "deb-systemd-invoke $*" >>"$STUB_LOG"`,
}

// runMaintScript runs maintainer script name with args on host and
// returns the calls that change something (queries left out) and stderr.
func runMaintScript(t *testing.T, host fakeHost, name string, args ...string) ([]string, string) {
	t.Helper()
	dir := t.TempDir()
	for stub, body := range stubs {
		if err := os.WriteFile(filepath.Join(dir, stub), []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	log := filepath.Join(dir, "log")
	flag := func(b bool) string {
		if b {
			return "1"
		}
		return ""
	}
	state := "offline"
	if host.systemd {
		state = "running"
	}
	cmd := exec.Command("sh", append([]string{filepath.Join(packageDir, name)}, args...)...)
	cmd.Env = []string{
		"PATH=" + dir + ":/usr/bin:/bin", "STUB_LOG=" + log, "STUB_STATE=" + state,
		"STUB_KA_ENABLED=" + flag(host.kaEnabled), "STUB_KA_ACTIVE=" + flag(host.kaActive),
		"STUB_GA_ACTIVE=" + flag(host.gaActive),
		"STUB_INSTALLED=" + flag(host.installed), "STUB_WAS_ENABLED=" + flag(host.wasEnabled),
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, stderr.String())
	}
	data, err := os.ReadFile(log)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var calls []string
	for _, c := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if c == "" || strings.Contains(c, " is-") || strings.Contains(c, " debian-installed ") || strings.Contains(c, " was-enabled ") {
			continue
		}
		calls = append(calls, c)
	}
	return calls, stderr.String()
}

// TestMaintainerScripts: a first install leaves a keepalived host alone,
// an upgrade reloads (hot upgrade) and never restarts, a removal stops,
// a purge removes the enablement state; without systemd nothing is
// started, reloaded or stopped.
func TestMaintainerScripts(t *testing.T) {
	const (
		enable   = "deb-systemd-helper enable goalived.service"
		record   = "deb-systemd-helper update-state goalived.service"
		sdReload = "systemctl --system daemon-reload"
		start    = "deb-systemd-invoke start goalived.service"
		reload   = "deb-systemd-invoke reload goalived.service"
		stop     = "deb-systemd-invoke stop goalived.service"
		purge    = "deb-systemd-helper purge goalived.service"
	)
	installed := fakeHost{systemd: true, installed: true, wasEnabled: true, gaActive: true}
	tests := []struct {
		name   string
		host   fakeHost
		script string
		args   []string
		want   []string
	}{
		{"first install", fakeHost{systemd: true}, "postinst", []string{"configure", ""}, []string{enable, sdReload, start}},
		{"first install, keepalived enabled", fakeHost{systemd: true, kaEnabled: true}, "postinst", []string{"configure", ""}, []string{record, sdReload}},
		{"first install, keepalived running", fakeHost{systemd: true, kaActive: true}, "postinst", []string{"configure", ""}, []string{record, sdReload}},
		{"first install, no systemd", fakeHost{}, "postinst", []string{"configure", ""}, []string{enable}},
		{"first install, no systemd, keepalived enabled", fakeHost{kaEnabled: true}, "postinst", []string{"configure", ""}, []string{record}},
		{"upgrade, running", installed, "postinst", []string{"configure", "0.0.9"}, []string{enable, sdReload, reload}},
		{"upgrade, keepalived running too", fakeHost{systemd: true, installed: true, wasEnabled: true, gaActive: true, kaActive: true}, "postinst", []string{"configure", "0.0.9"}, []string{enable, sdReload, reload}},
		{"upgrade, stopped", fakeHost{systemd: true, installed: true, wasEnabled: true}, "postinst", []string{"configure", "0.0.9"}, []string{enable, sdReload}},
		{"upgrade, disabled but running", fakeHost{systemd: true, installed: true, gaActive: true}, "postinst", []string{"configure", "0.0.9"}, []string{record, sdReload, reload}},
		{"upgrade, no systemd", fakeHost{installed: true, wasEnabled: true}, "postinst", []string{"configure", "0.0.9"}, []string{enable}},
		{"failed upgrade rolled back", installed, "postinst", []string{"abort-upgrade", "0.2.0"}, []string{enable, sdReload, reload}},
		{"prerm of an upgrade", installed, "prerm", []string{"upgrade", "0.2.0"}, nil},
		{"prerm of a removal", installed, "prerm", []string{"remove"}, []string{stop}},
		{"prerm of a removal, no systemd", fakeHost{installed: true}, "prerm", []string{"remove"}, nil},
		{"postrm of an upgrade", installed, "postrm", []string{"upgrade", "0.2.0"}, nil},
		{"postrm of a removal", fakeHost{systemd: true}, "postrm", []string{"remove"}, []string{sdReload}},
		{"postrm of a removal, no systemd", fakeHost{}, "postrm", []string{"remove"}, nil},
		{"purge", fakeHost{}, "postrm", []string{"purge"}, []string{purge}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := runMaintScript(t, tc.host, tc.script, tc.args...)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("calls (-want +got):\n%s", diff)
			}
		})
	}
}

// TestMaintainerScriptsSayWhy: a first install next to keepalived tells
// the operator how to switch.
func TestMaintainerScriptsSayWhy(t *testing.T) {
	_, stderr := runMaintScript(t, fakeHost{systemd: true, kaActive: true}, "postinst", "configure", "")
	if !strings.Contains(stderr, "systemctl disable --now keepalived.service && systemctl enable --now goalived.service") {
		t.Errorf("stderr %q does not say how to switch", stderr)
	}
}
