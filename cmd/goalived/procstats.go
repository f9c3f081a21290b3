package main

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

// addProcessSeries adds the standard series of the daemon itself under
// the names, help texts and types Prometheus' client_golang writes them
// (its process and Go collectors), so that the usual dashboards and
// alerts on a process work: CPU, memory, file descriptors, start time,
// goroutines. A series whose source cannot be read is left out, as
// client_golang leaves it out.
func addProcessSeries(e *exposition) {
	if st, err := readSelfStat(); err == nil {
		e.add("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", counter, st.cpuSeconds)
		e.add("process_resident_memory_bytes", "Resident memory size in bytes.", gauge, st.rssBytes)
		e.add("process_virtual_memory_bytes", "Virtual memory size in bytes.", gauge, st.vsizeBytes)
		if boot, err := bootTime(); err == nil {
			e.add("process_start_time_seconds", "Start time of the process since unix epoch in seconds.", gauge, boot+st.startTicks/userHZ)
		}
	}
	if ents, err := os.ReadDir("/proc/self/fd"); err == nil {
		e.add("process_open_fds", "Number of open file descriptors.", gauge, float64(len(ents)))
	}
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err == nil {
		e.add("process_max_fds", "Maximum number of open file descriptors.", gauge, float64(lim.Cur))
	}
	e.add("go_goroutines", "Number of goroutines that currently exist.", gauge, float64(runtime.NumGoroutine()))
}

// userHZ is the unit of the times in /proc (USER_HZ), 100 on Linux
// whatever the kernel's own tick, as client_golang's procfs takes it.
const userHZ = 100

type selfStat struct {
	cpuSeconds, rssBytes, vsizeBytes, startTicks float64
}

// readSelfStat reads /proc/self/stat (proc(5)): utime and stime (fields
// 14 and 15) in ticks, starttime (22) in ticks since boot, vsize (23) in
// bytes and rss (24) in pages.
func readSelfStat() (selfStat, error) {
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return selfStat{}, err
	}
	// The command name, field 2, is in parentheses and may hold blanks
	// and parentheses: the fields that follow start after the last ')'.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return selfStat{}, fmt.Errorf("read /proc/self/stat: no command name")
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 22 {
		return selfStat{}, fmt.Errorf("read /proc/self/stat: %d fields after the name", len(f))
	}
	field := func(n int) float64 {
		v, _ := strconv.ParseFloat(f[n-3], 64)
		return v
	}
	return selfStat{
		cpuSeconds: (field(14) + field(15)) / userHZ,
		startTicks: field(22),
		vsizeBytes: field(23),
		rssBytes:   field(24) * float64(os.Getpagesize()),
	}, nil
}

// bootTime is the "btime" line of /proc/stat: when the system booted, in
// seconds since the epoch. It does not change, so it is read once.
var bootTime = sync.OnceValues(func() (float64, error) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "btime "); ok {
			return strconv.ParseFloat(strings.TrimSpace(v), 64)
		}
	}
	return 0, fmt.Errorf("read /proc/stat: no btime")
})
