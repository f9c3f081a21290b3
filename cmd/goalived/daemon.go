package main

import (
	"fmt"
	"io"
)

// runDaemon runs the configured VRRP instances until stopped.
func runDaemon(o *options, stderr io.Writer) int {
	fmt.Fprintln(stderr, "goalived: the VRRP engine is not wired in yet; only -t, -v, --signum work in this build")
	return exitFatal
}
