package main

import (
	"fmt"
	"io"
)

// sigfuncs are the numbers keepalived 2.2.7 prints for --signum on Linux
// with glibc (reference 4.2): SIGRTMIN is 34 there, so JSON is SIGRTMIN+2
// and STATS_CLEAR is SIGRTMAX-1. TDUMP is absent, as in Debian's build.
var sigfuncs = map[string]int{
	"STOP":        15,
	"RELOAD":      1,
	"DATA":        10,
	"STATS":       12,
	"STATS_CLEAR": 63,
	"JSON":        36,
}

func printSignum(name string, stdout, stderr io.Writer) int {
	n, ok := sigfuncs[name]
	if !ok {
		fmt.Fprintf(stderr, "Unknown sigfunc %s\n", name)
		return 1
	}
	fmt.Fprintf(stdout, "%d\n", n)
	return 0
}
