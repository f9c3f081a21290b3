package main

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
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
// its start-up peak: at 1000 instances the start-up allocates some 45
// MiB in all (the parse, the status file's renderings, the gratuitous ARP
// bursts), the heap peaking at 8 MiB while the file is parsed and
// settling at 3 live (once 40 and 7, before the allocations per advert
// and per transition were cut). Every kick restarts the wait, so a burst
// is released once, after its end.
//
// The binary's own pages are left mapped. A burst maps most of them (the
// kernel maps 64 KiB around each page run: 10.7 of the 12 MiB loaded at
// 1000 instances, where adverts and timers use about 1 MiB), and
// unmapping them after it (madvise DONTNEED) took 6-8 MiB off the
// resident size; but unmapped, they are the first page cache the kernel
// evicts (on the test machine, without memory pressure, a few MiB within
// minutes), and the code of a failover then has to be read from disk
// when it runs (in one of five benchmark runs with them unmapped, a
// 1000-instance master's adverts stalled for 1.2 s).
//
// Bursts nobody kicks for (the second gratuitous ARP burst after
// garp_master_delay, a flood of log lines) are found by watching the
// allocations: burstBytes or more allocated since the last kick counts
// as one. A daemon whose adverts allocate nothing does not collect by
// itself after such a burst (the runtime forces a collection only every
// two minutes): at 1000 instances the second ARP burst left 19.6 MiB of
// anonymous memory resident instead of 12.8.
type memRelease struct {
	settle time.Duration
	free   func()
	allocs func() uint64 // bytes allocated so far

	mu        sync.Mutex // guards t
	t         *time.Timer
	stopWatch chan struct{}
	watching  sync.WaitGroup
	once      sync.Once
}

// burstBytes is the allocation between two looks that counts as a burst.
const burstBytes = 1 << 20

func newMemRelease() *memRelease {
	m := &memRelease{settle: settleTime, free: freeMemory, allocs: heapAllocs}
	m.watch()
	return m
}

// freeMemory hands the heap's free pages back, and first the stacks
// of a burst's ended goroutines. The runtime keeps up to 64 ended
// goroutines per processor with their stacks for reuse, and this
// runtime starts goroutines with the average stack it saw in use (8 KiB
// here, not 2): after the thousand short goroutines of 1000 instances
// becoming master, those stacks, and the 32 KiB stack spans they pin,
// held 2.1-2.9 MiB where the living goroutines used 0.15. Shrinking the
// processors to one and back hands the others' ended goroutines to the
// collector, which frees their stacks (1.7 MiB left; the first
// processor's stay). The two stops of the world take microseconds, once
// per burst.
func freeMemory() {
	if os.Getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(1)
		runtime.SetDefaultGOMAXPROCS() // the runtime's own count, followed again
	} else if n := runtime.GOMAXPROCS(1); n > 1 {
		runtime.GOMAXPROCS(n)
	}
	debug.FreeOSMemory()
}

// heapAllocs is the bytes allocated on the heap since the start.
func heapAllocs() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

// watch looks at the allocations every settle until stop, and kicks
// when they grew by burstBytes or more.
func (m *memRelease) watch() {
	m.stopWatch = make(chan struct{})
	m.watching.Add(1)
	go func() {
		defer m.watching.Done()
		tick := time.NewTicker(m.settle)
		defer tick.Stop()
		last := m.allocs()
		for {
			select {
			case <-m.stopWatch:
				return
			case <-tick.C:
			}
			if n := m.allocs(); n-last >= burstBytes {
				m.kick()
				last = n
			}
		}
	}()
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

// stop cancels a pending release and ends the watch; it is idempotent.
func (m *memRelease) stop() {
	m.once.Do(func() {
		if m.stopWatch != nil {
			close(m.stopWatch)
		}
	})
	m.watching.Wait()
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
