//go:build profile

package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"
)

// A goalived built with -tags profile writes a CPU profile of
// GOALIVED_PROFILE_SECONDS (default 30) seconds, starting
// GOALIVED_PROFILE_DELAY seconds after start (default 5), to
// GOALIVED_PROFILE.cpu, then an allocation profile to
// GOALIVED_PROFILE.allocs (a %d in GOALIVED_PROFILE becomes the pid;
// GOALIVED_PROFILE.allocs0 at the start of the
// window, for -diff_base) and a heap profile to GOALIVED_PROFILE.heap.
// Used to find where a packet and a timer tick spend their time; normal
// builds have none of it.
func init() {
	base := os.Getenv("GOALIVED_PROFILE")
	if base == "" {
		return
	}
	if strings.Contains(base, "%d") {
		// Several daemons (a benchmark's master and backup) apart.
		base = fmt.Sprintf(base, os.Getpid())
	}
	secs := envSeconds("GOALIVED_PROFILE_SECONDS", 30)
	delay := envSeconds("GOALIVED_PROFILE_DELAY", 5)
	runtime.MemProfileRate = 4096
	go func() {
		time.Sleep(delay)
		if g, err := os.Create(base + ".allocs0"); err == nil {
			pprof.Lookup("allocs").WriteTo(g, 0)
			g.Close()
		}
		f, err := os.Create(base + ".cpu")
		if err != nil {
			return
		}
		pprof.StartCPUProfile(f)
		time.Sleep(secs)
		pprof.StopCPUProfile()
		f.Close()
		for _, name := range []string{"allocs", "heap", "goroutine"} {
			if g, err := os.Create(base + "." + name); err == nil {
				pprof.Lookup(name).WriteTo(g, 0)
				g.Close()
			}
		}
	}()
}

func envSeconds(name string, def int) time.Duration {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return time.Duration(n) * time.Second
	}
	return time.Duration(def) * time.Second
}
