package main

import (
	"fmt"
	"os"
	"runtime"
	"sync"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Why the realtime threads breathe.
//
// keepalived 2.2.7's VRRP process is one thread: under SCHED_RR it runs
// until it waits for its next event, and RLIMIT_RTTIME (the CPU time a
// realtime thread may use without sleeping) bounds a busy stretch; past
// the limit the kernel kills it and keepalived's parent starts a new one.
// goalived is a Go process: its goroutines run on several threads, which
// all have the policy, and the Go runtime makes threads wait for one
// another in loops that yield to the Go scheduler but not to the kernel.
// Observed with vrrp_cpu_affinity 0 and vrrp_rlimit_rttime 50000, just
// after a reload: the background sweeper spun for 68 ms in its loop
// waiting for the collector's mark termination to lift its sweep
// barrier; the collector's thread, woken on the same CPU at the same
// SCHED_RR priority, could not run before the spinning thread's 100 ms
// round-robin slice ended; the kernel sent SIGXCPU after 36 ms (the
// thread that receives signals for os/signal could not run either) and
// SIGKILL after 68. It happens whenever the runtime runs more processors
// (GOMAXPROCS) than the CPUs it may use, and a burst of real work (a
// thousand instances changing state, a collection of a large heap) can
// pass the limit on any number of CPUs.
//
// The kernel restarts a thread's count when the thread sleeps. So every
// thread the tuner makes realtime gets a timer on its own CPU clock that
// fires each time the thread has used another quarter of the limit, and
// the signal's handler sleeps for breathTime: the count restarts, and the
// threads waiting for the CPU (another of ours at the same priority, a
// SCHED_OTHER one) run meanwhile. The threads keep SCHED_RR at the
// configured priority; a thread that mostly waits for events, as the
// protocol's do, breathes once per quarter of the limit of CPU time it
// uses in all, a pause of no consequence.
// SIGXCPU at the soft limit cannot do this: it comes too late to act on
// (at the 10 ms default a 250 Hz kernel sends SIGKILL first), and Go
// delivers it to a goroutine, which needs a thread that can run.
//
// The handler is a few instructions of assembly (procos_breath_amd64.s),
// installed behind the Go runtime's back for a signal nothing else in
// the process uses: the runtime's handler would hand the signal to a
// goroutine, and only code on the thread itself can make it sleep.

// breathSignal is SIGRTMAX-1: neither the Go runtime nor the C library
// uses it, and goalived never asks os/signal for it (which would put the
// runtime's handler back).
const breathSignal = 63

// breathTime is how long a thread sleeps at each breath: long enough for
// the kernel to take it off the CPU (a sleep shorter than the time to
// arm its timer does not), short enough to cost little (2% of a busy
// thread's time at the 10 ms default).
var breathTime = unix.Timespec{Nsec: 50_000}

// The kernel's constants and structures, not in x/sys/unix.
const (
	saRestorer    = 0x04000000
	saOnstack     = 0x08000000
	saRestart     = 0x10000000
	sigevThreadID = 4
)

// kernelSigaction is struct sigaction as rt_sigaction(2) takes it.
type kernelSigaction struct {
	handler  uintptr
	flags    uint64
	restorer uintptr
	mask     uint64
}

// sigevent is struct sigevent (64 bytes) with SIGEV_THREAD_ID's target.
type sigevent struct {
	value  uintptr
	signo  int32
	notify int32
	tid    int32
	_      [44]byte
}

var breathHandler struct {
	once sync.Once
	err  error
}

// installBreathHandler makes breathe the handler of breathSignal, once.
// The handler runs on the thread's signal stack (every thread of the Go
// runtime has one) with all signals blocked, and SA_RESTART restarts
// the system call it interrupted.
func installBreathHandler() error {
	breathHandler.once.Do(func() {
		handler, restorer, err := breathAddrs()
		if err != nil {
			breathHandler.err = err
			return
		}
		act := kernelSigaction{handler: handler, flags: saOnstack | saRestart | saRestorer, restorer: restorer, mask: ^uint64(0)}
		if _, _, e := unix.RawSyscall6(unix.SYS_RT_SIGACTION, breathSignal, uintptr(unsafe.Pointer(&act)), 0, 8, 0, 0); e != 0 {
			breathHandler.err = fmt.Errorf("install handler of signal %d: %w", breathSignal, e)
		}
	})
	return breathHandler.err
}

// threadCPUClock is the clock of thread tid's CPU time
// (MAKE_THREAD_CPUCLOCK(tid, CPUCLOCK_SCHED) of the kernel).
func threadCPUClock(tid int) int32 { return ^int32(tid)<<3 | 6 }

// Breathe arms a timer on thread tid's CPU clock that makes the thread
// sleep for breathTime each time it has used every of CPU time, and
// returns the timer's id.
func (linuxProc) Breathe(tid int, every time.Duration) (int, error) {
	if err := installBreathHandler(); err != nil {
		return 0, fmt.Errorf("breathe thread %d: %w", tid, err)
	}
	ev := sigevent{signo: breathSignal, notify: sigevThreadID, tid: int32(tid)}
	var id int32
	if _, _, e := unix.Syscall(unix.SYS_TIMER_CREATE, uintptr(threadCPUClock(tid)), uintptr(unsafe.Pointer(&ev)), uintptr(unsafe.Pointer(&id))); e != 0 {
		return 0, fmt.Errorf("create cpu timer of thread %d: %w", tid, e)
	}
	ts := unix.NsecToTimespec(every.Nanoseconds())
	spec := unix.ItimerSpec{Interval: ts, Value: ts}
	if _, _, e := unix.Syscall6(unix.SYS_TIMER_SETTIME, uintptr(id), 0, uintptr(unsafe.Pointer(&spec)), 0, 0, 0); e != 0 {
		unix.Syscall(unix.SYS_TIMER_DELETE, uintptr(id), 0, 0)
		return 0, fmt.Errorf("arm cpu timer of thread %d every %v: %w", tid, every, e)
	}
	return int(id), nil
}

// StopBreathing deletes a timer Breathe armed. The timer of a thread
// that has exited no longer fires but still has to be deleted.
func (linuxProc) StopBreathing(timer int) error {
	if _, _, e := unix.Syscall(unix.SYS_TIMER_DELETE, uintptr(timer), 0, 0); e != 0 {
		return fmt.Errorf("delete cpu timer %d: %w", timer, e)
	}
	return nil
}

// FollowCPUMask lets the Go runtime run as many processors as the CPUs
// in the threads' new mask at once, rather than at its next check (once
// a second): the calling goroutine's thread takes the mask and the
// runtime recounts from it. A runtime running more processors than CPUs
// makes its threads wait for one another (see above). A GOMAXPROCS the
// operator set stands.
func (linuxProc) FollowCPUMask(cpus []int) error {
	if os.Getenv("GOMAXPROCS") != "" {
		return nil
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var set unix.CPUSet
	for _, c := range cpus {
		set.Set(c)
	}
	if err := unix.SchedSetaffinity(0, &set); err != nil {
		return fmt.Errorf("set cpu affinity %v on thread %d: %w", cpus, unix.Gettid(), err)
	}
	runtime.SetDefaultGOMAXPROCS()
	return nil
}
