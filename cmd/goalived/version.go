package main

import (
	"fmt"
	"io"
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

// printVersion writes to stderr, as keepalived does.
func printVersion(stderr io.Writer) {
	fmt.Fprintf(stderr, "goalived v%s (goalived %s, keepalived %s compatible)\n\n", compatVersion, goalivedVersion, compatVersion)
	fmt.Fprintf(stderr, "goalived is a keepalived-compatible VRRP daemon (RFC 3768, RFC 5798).\n")
	fmt.Fprintf(stderr, "It runs the VRRP side only: no LVS, checkers, BFD, SNMP or D-Bus.\n")
}
