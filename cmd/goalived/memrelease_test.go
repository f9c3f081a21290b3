package main

import (
	"runtime"
	"runtime/debug"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// TestMemRelease: a burst of kicks is released once, settle after its
// last kick; a later burst again; stop cancels a pending release.
func TestMemRelease(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex // the releases run on timer goroutines
		var freed []time.Duration
		start := time.Now()
		m := &memRelease{settle: 2 * time.Second, free: func() {
			mu.Lock()
			defer mu.Unlock()
			freed = append(freed, time.Since(start))
		}}
		for range 5 {
			m.kick()
			time.Sleep(500 * time.Millisecond)
		}
		time.Sleep(10 * time.Second)
		m.kick()
		time.Sleep(3 * time.Second)
		m.kick()
		m.stop()
		time.Sleep(10 * time.Second)
		mu.Lock()
		defer mu.Unlock()
		want := []time.Duration{4 * time.Second, 14500 * time.Millisecond}
		if len(freed) != len(want) || freed[0] != want[0] || freed[1] != want[1] {
			t.Errorf("released at %v, want %v", freed, want)
		}
	})
}

// TestLoadGC: the collector's setting is raised for a load and restored
// after it, and a higher setting (GOGC from the environment) is kept.
func TestLoadGC(t *testing.T) {
	old := debug.SetGCPercent(25)
	defer debug.SetGCPercent(old)
	restore := loadGC()
	if got := debug.SetGCPercent(400); got != 400 {
		t.Errorf("during a load GOGC is %d, want 400", got)
	}
	restore()
	if got := debug.SetGCPercent(1000); got != 25 {
		t.Errorf("after a load GOGC is %d, want 25 again", got)
	}
	restore = loadGC()
	if got := debug.SetGCPercent(1000); got != 1000 {
		t.Errorf("a load lowered GOGC 1000 to %d", got)
	}
	restore()
}

// TestMemReleaseWatch: an allocation burst nobody kicks for is released
// settle after the look that found it; allocations below burstBytes are
// not a burst, nor is the same total seen again; stop ends the watch.
func TestMemReleaseWatch(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex // allocs and freed: the watch and the timers read them
		var allocs uint64
		var freed []time.Duration
		start := time.Now()
		m := &memRelease{settle: 2 * time.Second,
			allocs: func() uint64 { mu.Lock(); defer mu.Unlock(); return allocs },
			free: func() {
				mu.Lock()
				defer mu.Unlock()
				freed = append(freed, time.Since(start))
			}}
		m.watch()
		alloc := func(n uint64) { mu.Lock(); allocs += n; mu.Unlock() }
		time.Sleep(time.Second)
		alloc(burstBytes / 2) // not a burst: seen at 2 s
		time.Sleep(4 * time.Second)
		alloc(burstBytes / 2) // with the first half a burst: seen at 6 s, released at 8 s
		time.Sleep(10 * time.Second)
		alloc(3 * burstBytes) // seen at 16 s, released at 18 s
		time.Sleep(5 * time.Second)
		m.stop()
		alloc(3 * burstBytes) // after stop: never seen
		time.Sleep(10 * time.Second)
		mu.Lock()
		defer mu.Unlock()
		want := []time.Duration{8 * time.Second, 18 * time.Second}
		if len(freed) != len(want) || freed[0] != want[0] || freed[1] != want[1] {
			t.Errorf("released at %v, want %v", freed, want)
		}
	})
}

// TestFreeMemoryKeepsProcs: the release shrinks the processors only for
// a moment: the runtime's own count stays, and so does one from the
// environment.
func TestFreeMemoryKeepsProcs(t *testing.T) {
	defer runtime.SetDefaultGOMAXPROCS()
	want := runtime.GOMAXPROCS(0)
	freeMemory()
	if got := runtime.GOMAXPROCS(0); got != want {
		t.Errorf("GOMAXPROCS %d after the release, want %d", got, want)
	}
	t.Setenv("GOMAXPROCS", "3")
	runtime.GOMAXPROCS(3)
	freeMemory()
	if got := runtime.GOMAXPROCS(0); got != 3 {
		t.Errorf("GOMAXPROCS %d after the release, want the environment's 3", got)
	}
}
