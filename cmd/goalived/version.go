package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"

	"golang.org/x/sys/unix"
)

// goalivedVersion is goalived's own release. A build may set it
// (go build -ldflags "-X main.goalivedVersion=0.1.1"): the hot upgrade's
// log lines name the versions on both sides.
var goalivedVersion = "0.1.0"

// compatVersion is the keepalived release whose behaviour goalived follows.
// It is what the first line of -v reports in keepalived's "NAME vX.Y.Z"
// shape, because tools such as keepalived-exporter take the second word,
// strip the "v" and gate features (JSON dumps, --signum) on that number.
const compatVersion = "2.2.7"

// configureOptions are the keepalived configure options whose features
// goalived has, in keepalived's spelling: no LVS side, the JSON dump
// (keepalived-exporter's JSON mode looks for --enable-json), systemd's
// notify protocol. goalived is not built with configure; the line says
// what a keepalived with the same features would have been built with.
const configureOptions = "--disable-lvs --enable-json --with-init=systemd"

// configOptions are keepalived's names of the features goalived has (no
// LVS, REGEX, VRRP_VMAC, NFTABLES, BFD, SNMP or DBUS).
const configOptions = "VRRP VRRP_AUTH JSON OLD_CHKSUM_COMPAT INIT=systemd SYSTEMD_NOTIFY"

// systemOptions are keepalived's names of the system features goalived
// uses: brace expansion in include patterns.
const systemOptions = "GLOB_BRACE"

// printVersion writes keepalived 2.2.7's -v layout to stderr: the version
// line, copyright, build and system lines, then the configure, config and
// system options, each paragraph after a blank line.
func printVersion(stderr io.Writer) {
	var b strings.Builder
	fmt.Fprintf(&b, "goalived v%s (goalived %s, keepalived %s compatible)\n\n", compatVersion, goalivedVersion, compatVersion)
	fmt.Fprintf(&b, "Copyright(C) 2026 The goalived authors\n\n")
	fmt.Fprintf(&b, "Built with %s for %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	if running := runningOn(); running != "" {
		fmt.Fprintf(&b, "Running on %s\n", running)
	}
	if distro := distroName(); distro != "" {
		fmt.Fprintf(&b, "Distro: %s\n", distro)
	}
	fmt.Fprintf(&b, "\nconfigure options: %s\n", configureOptions)
	fmt.Fprintf(&b, "\nConfig options:  %s\n", configOptions)
	fmt.Fprintf(&b, "\nSystem options:  %s\n", systemOptions)
	_, _ = io.WriteString(stderr, b.String())
}

// runningOn is uname's "SYSNAME RELEASE VERSION", as keepalived prints it.
func runningOn() string {
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		return ""
	}
	return unix.ByteSliceToString(u.Sysname[:]) + " " + unix.ByteSliceToString(u.Release[:]) + " " + unix.ByteSliceToString(u.Version[:])
}

// distroName is os-release's PRETTY_NAME.
func distroName() string {
	f, err := os.Open("/etc/os-release")
	if err != nil {
		return ""
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), "PRETTY_NAME="); ok {
			return strings.Trim(v, `"`)
		}
	}
	return ""
}
