//go:build !amd64

package main

import (
	"fmt"
	"runtime"
)

// breathAddrs: the breathing handler is written for amd64 only; elsewhere
// the realtime threads do not breathe (the tuner says so once).
func breathAddrs() (handler, restorer uintptr, err error) {
	return 0, 0, fmt.Errorf("no breathing handler on %s", runtime.GOARCH)
}
