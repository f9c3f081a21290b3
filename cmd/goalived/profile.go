//go:build profile

package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/metrics"
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
// window, for -diff_base), a heap profile to GOALIVED_PROFILE.heap and
// the runtime's memory classes (runtime/metrics) to GOALIVED_PROFILE.mem.
// With GOALIVED_PROFILE_MEMONLY=1 it writes the memory classes alone,
// once the delay has passed, with heap profiling off as in a normal build
// (whose linker leaves it off), so that its buckets do not swell the memory looked at. Used to find where a packet and a timer tick spend their time; normal
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
	if os.Getenv("GOALIVED_PROFILE_MEMONLY") != "" {
		// No heap profile: its buckets (1.4 MiB at 1000 instances) are
		// not in a normal build, whose linker leaves profiling off.
		runtime.MemProfileRate = 0
		go func() {
			time.Sleep(delay)
			writeMemClasses(base + ".mem")
		}()
		return
	}
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
		writeMemClasses(base + ".mem")
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

// writeMemClasses writes where the runtime's memory goes: every
// /memory/classes, /gc and /sched metric, in bytes or counts.
func writeMemClasses(path string) {
	var samples []metrics.Sample
	for _, d := range metrics.All() {
		if (strings.HasPrefix(d.Name, "/memory/classes/") || strings.HasPrefix(d.Name, "/gc/") || strings.HasPrefix(d.Name, "/sched/")) &&
			d.Kind == metrics.KindUint64 {
			samples = append(samples, metrics.Sample{Name: d.Name})
		}
	}
	metrics.Read(samples)
	var b strings.Builder
	for _, s := range samples {
		fmt.Fprintf(&b, "%-60s %d\n", s.Name, s.Value.Uint64())
	}
	if r, err := os.ReadFile("/proc/self/smaps_rollup"); err == nil {
		b.Write(r)
	}
	os.WriteFile(path, []byte(b.String()), 0o644)
}
