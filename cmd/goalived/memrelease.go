package main

import (
	"runtime/debug"
	"sync"
	"time"
)

// settleTime is how long the daemon must be quiet after a burst of work
// before the burst's garbage is handed back.
const settleTime = 2 * time.Second

// memRelease hands the memory of a burst of work back to the system once
// the daemon has been quiet for settle: a configuration load, and the
// transitions of many instances at once (start-up, a failover), each
// leave several MiB of short-lived allocations (log lines, status file
// renderings, netlink messages) that the runtime would otherwise keep
// resident for minutes. A daemon that runs for months should not carry
// its start-up peak: at 1000 instances the heap peaks at 40 MiB while
// the instances become master and settles at 7. Every kick restarts the
// wait, so a burst is released once, after its end.
type memRelease struct {
	settle time.Duration
	free   func()

	mu sync.Mutex // guards t
	t  *time.Timer
}

func newMemRelease() *memRelease {
	return &memRelease{settle: settleTime, free: debug.FreeOSMemory}
}

// kick notes work; the release follows settle after the last kick.
func (m *memRelease) kick() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.t == nil {
		m.t = time.AfterFunc(m.settle, m.free)
		return
	}
	m.t.Reset(m.settle)
}

// stop cancels a pending release.
func (m *memRelease) stop() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.t != nil {
		m.t.Stop()
	}
}

// loadGC lets the heap grow fourfold while a reload's configuration is
// loaded and applied, and returns the function that restores the
// daemon's setting: a load is a burst of short-lived allocations (24 MB
// for 1000 instances) that at GOGC=25 cost a dozen collections, a third
// of a reload's CPU time. memRelease hands the burst back afterwards.
// The first load keeps GOGC=25: there the instances themselves are
// allocated amid the burst, and a collector that lets garbage pile up
// leaves them scattered over twice the pages (8.7 instead of 6.7 MiB in
// use at 1000 instances).
func loadGC() (restore func()) {
	old := debug.SetGCPercent(400)
	if old >= 400 || old < 0 {
		debug.SetGCPercent(old)
	}
	return func() { debug.SetGCPercent(old) }
}
