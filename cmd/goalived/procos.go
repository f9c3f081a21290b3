package main

import (
	"fmt"
	"os"
	"strconv"
	"time"

	"golang.org/x/sys/unix"
)

// procOS is what the process tuner asks of the kernel. Scheduling policy,
// nice value, CPU mask and name are per thread on Linux, so the tuner
// applies them thread by thread; memory locking and resource limits are
// per process. Breathe and FollowCPUMask keep a realtime Go process
// within RLIMIT_RTTIME (procos_breath.go).
type procOS interface {
	Threads() ([]int, error)
	SetRealtime(tid, prio int) error
	SetNice(tid, nice int) error
	SetAffinity(tid int, cpus []int) error
	SetName(tid int, name string) error
	LockMemory() error
	SetRlimitRTTime(usecs uint64) error
	Breathe(tid int, every time.Duration) (timer int, err error)
	StopBreathing(timer int) error
	FollowCPUMask(cpus []int) error
}

// linuxProc is procOS on the running kernel.
type linuxProc struct{}

// Threads lists the thread ids of this process.
func (linuxProc) Threads() ([]int, error) {
	ents, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return nil, fmt.Errorf("list threads: %w", err)
	}
	tids := make([]int, 0, len(ents))
	for _, e := range ents {
		if tid, err := strconv.Atoi(e.Name()); err == nil {
			tids = append(tids, tid)
		}
	}
	return tids, nil
}

// SetRealtime puts thread tid under SCHED_RR at prio, with
// SCHED_RESET_ON_FORK as keepalived 2.2.7 sets it: the scripts the
// daemon starts run with the normal policy. prio 0 returns the thread to
// SCHED_OTHER.
func (linuxProc) SetRealtime(tid, prio int) error {
	attr := unix.SchedAttr{Policy: unix.SCHED_RR, Flags: unix.SCHED_FLAG_RESET_ON_FORK, Priority: uint32(prio)}
	if prio == 0 {
		attr = unix.SchedAttr{Policy: unix.SCHED_NORMAL}
	}
	if err := unix.SchedSetAttr(tid, &attr, 0); err != nil {
		return fmt.Errorf("set SCHED_RR priority %d on thread %d: %w", prio, tid, err)
	}
	return nil
}

func (linuxProc) SetNice(tid, nice int) error {
	if err := unix.Setpriority(unix.PRIO_PROCESS, tid, nice); err != nil {
		return fmt.Errorf("set nice %d on thread %d: %w", nice, tid, err)
	}
	return nil
}

func (linuxProc) SetAffinity(tid int, cpus []int) error {
	var set unix.CPUSet
	for _, c := range cpus {
		set.Set(c)
	}
	if err := unix.SchedSetaffinity(tid, &set); err != nil {
		return fmt.Errorf("set cpu affinity %v on thread %d: %w", cpus, tid, err)
	}
	return nil
}

// SetName writes the thread's comm, which ps, top and pgrep show.
func (linuxProc) SetName(tid int, name string) error {
	p := fmt.Sprintf("/proc/self/task/%d/comm", tid)
	if err := os.WriteFile(p, []byte(name), 0); err != nil {
		return fmt.Errorf("name thread %d %q: %w", tid, name, err)
	}
	return nil
}

// LockMemory is keepalived's vrrp_no_swap: mlockall with MCL_ONFAULT, so
// pages are locked as they are touched rather than all reserved at once.
func (linuxProc) LockMemory() error {
	if err := unix.Mlockall(unix.MCL_CURRENT | unix.MCL_FUTURE | unix.MCL_ONFAULT); err != nil {
		return fmt.Errorf("lock process in memory: %w", err)
	}
	return nil
}

// SetRlimitRTTime sets RLIMIT_RTTIME with the soft limit at half the hard
// one, as keepalived does, to be warned (SIGXCPU) before the kernel kills.
func (linuxProc) SetRlimitRTTime(usecs uint64) error {
	lim := unix.Rlimit{Cur: usecs / 2, Max: usecs}
	if err := unix.Setrlimit(unix.RLIMIT_RTTIME, &lim); err != nil {
		return fmt.Errorf("set RLIMIT_RTTIME %d us: %w", usecs, err)
	}
	return nil
}
