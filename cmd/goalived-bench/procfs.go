package main

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// clockTicks is USER_HZ, the unit of utime and stime in /proc/PID/stat:
// 100 on every Linux architecture Go supports (the kernel hides its
// own HZ behind it).
const clockTicks = 100

// parseVmRSS returns the VmRSS line of a /proc/PID/status text in KiB.
// Kernel threads and zombies have none: that is an error, not zero.
func parseVmRSS(status string) (int64, error) {
	for line := range strings.SplitSeq(status, "\n") {
		rest, ok := strings.CutPrefix(line, "VmRSS:")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) != 2 || f[1] != "kB" {
			return 0, fmt.Errorf("parse VmRSS %q: want \"<n> kB\"", strings.TrimSpace(rest))
		}
		n, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("parse VmRSS %q: bad number", f[0])
		}
		return n, nil
	}
	return 0, errors.New("parse status: no VmRSS line")
}

// procStat is what the benchmark needs of a /proc/PID/stat line.
type procStat struct {
	PPid  int
	Ticks int64 // utime + stime, in clockTicks
}

// parseStat parses a /proc/PID/stat line. The command name (field 2) is
// in parentheses and may itself hold spaces and parentheses, so the
// fields are counted from the last ')'.
func parseStat(stat string) (procStat, error) {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return procStat{}, errors.New("parse stat: no ')' after the command name")
	}
	// After ')': state(3) ppid(4) ... utime(14) stime(15).
	f := strings.Fields(stat[i+1:])
	if len(f) < 13 {
		return procStat{}, fmt.Errorf("parse stat: %d fields after the command name, want at least 13", len(f))
	}
	nums := make([]int64, 3)
	for j, idx := range []int{1, 11, 12} {
		n, err := strconv.ParseInt(f[idx], 10, 64)
		if err != nil || n < 0 {
			return procStat{}, fmt.Errorf("parse stat: field %d %q: not a count", idx+3, f[idx])
		}
		nums[j] = n
	}
	return procStat{PPid: int(nums[0]), Ticks: nums[1] + nums[2]}, nil
}

// procTree returns root and all its descendants, found through the
// parent pids of every process in /proc.
func procTree(root int) ([]int, error) {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil, fmt.Errorf("list processes: %w", err)
	}
	children := map[int][]int{}
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue // gone meanwhile
		}
		st, err := parseStat(string(b))
		if err != nil {
			continue
		}
		children[st.PPid] = append(children[st.PPid], pid)
	}
	return descendants(root, children), nil
}

// descendants walks a parent -> children map from root, root first.
func descendants(root int, children map[int][]int) []int {
	out := []int{root}
	for i := 0; i < len(out); i++ {
		out = append(out, children[out[i]]...)
	}
	return out
}

// usage is one sample of a process tree.
type usage struct {
	RSSKiB int64         // summed VmRSS
	Ticks  map[int]int64 // pid -> utime+stime
}

// sampleTree reads VmRSS and CPU ticks of root and its descendants.
// Processes that vanish between listing and reading are left out.
func sampleTree(root int) (usage, error) {
	pids, err := procTree(root)
	if err != nil {
		return usage{}, err
	}
	u := usage{Ticks: map[int]int64{}}
	for _, pid := range pids {
		sb, err1 := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
		tb, err2 := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err1 != nil || err2 != nil {
			if pid == root {
				return u, fmt.Errorf("sample process %d: %w", pid, errors.Join(err1, err2))
			}
			continue
		}
		rss, err := parseVmRSS(string(sb))
		if err != nil {
			return u, fmt.Errorf("sample process %d: %w", pid, err)
		}
		st, err := parseStat(string(tb))
		if err != nil {
			return u, fmt.Errorf("sample process %d: %w", pid, err)
		}
		u.RSSKiB += rss
		u.Ticks[pid] = st.Ticks
	}
	return u, nil
}

// cpuDelta is the CPU time the tree used between two samples: per pid
// end minus start, a pid born in between counting from zero.
func cpuDelta(start, end usage) float64 {
	var ticks int64
	for pid, t := range end.Ticks {
		ticks += t - start.Ticks[pid]
	}
	return float64(ticks) / clockTicks
}

// loadAvg returns the 1, 5 and 15 minute load averages as the kernel
// prints them, for the report.
func loadAvg() string {
	f, err := loadFields()
	if err != nil || len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// loadFields are the fields of /proc/loadavg.
func loadFields() ([]string, error) {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return nil, err
	}
	return strings.Fields(string(b)), nil
}

// runTimeTree is the CPU time of root and its descendants, summed over
// their threads' scheduler statistics (nanoseconds, unlike the 10 ms
// ticks of /proc/PID/stat).
func runTimeTree(root int) (time.Duration, error) {
	pids, err := procTree(root)
	if err != nil {
		return 0, err
	}
	var sum time.Duration
	for _, pid := range pids {
		tasks, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
		if err != nil {
			continue // gone meanwhile
		}
		for _, t := range tasks {
			b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/schedstat", pid, t.Name()))
			if err != nil {
				continue
			}
			var ns int64
			if _, err := fmt.Sscan(string(b), &ns); err == nil {
				sum += time.Duration(ns)
			}
		}
	}
	return sum, nil
}
