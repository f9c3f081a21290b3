package main

import (
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/goalived/goalived/config"
)

// minRTPriority is sched_get_priority_min(SCHED_RR) on Linux, where an
// automatic raise starts.
const minRTPriority = 1

// defaultRlimitRTTime is keepalived 2.2.7's vrrp_rlimit_rttime (10 ms of
// CPU without blocking) for a process it makes realtime.
const defaultRlimitRTTime = 10000

// threadRescan is how often the tuner looks for threads the Go runtime
// started since its last pass. A thread inherits its creator's CPU mask
// but, with SCHED_RESET_ON_FORK, not its realtime policy.
const threadRescan = time.Second

// procTuner applies global_defs' process keywords (config.Process) the way
// keepalived 2.2.7 applies them to its VRRP process, translated to a Go
// process: the Go runtime runs the protocol's goroutines on whichever of
// its threads is free, so every thread of the daemon gets the realtime
// policy, nice value, CPU mask and name, including threads started later.
// Each realtime thread breathes (procos_breath.go): the process must
// never be killed for passing RLIMIT_RTTIME, having no parent to start
// it again. With max_auto_priority it raises the realtime priority one step each
// time a timer fires more than min_auto_priority_delay late, as keepalived
// does when its scheduler finds a timer overdue.
type procTuner struct {
	os  procOS
	log *slog.Logger
	pid int

	late   chan time.Duration
	reconf chan *config.Process
	relax  chan chan struct{}
	stop   chan struct{}
	done   chan struct{}
	once   sync.Once

	// Owned by the run goroutine.
	cfg       config.Process
	rtPrio    int           // current SCHED_RR priority, 0 for none
	relaxed   bool          // threads are SCHED_OTHER for a reload
	rlimitSet bool          // RLIMIT_RTTIME was set
	breath    time.Duration // CPU time between a realtime thread's breaths
	tuned     map[int]bool  // threads that have the current settings
	breathing map[int]int   // realtime threads' breathing timers by thread
	failed    map[string]bool

	// curPrio and curRTTime are rtPrio and the RLIMIT_RTTIME set, for
	// the dumps from other goroutines.
	curPrio, curRTTime atomic.Int64
}

// Realtime is the SCHED_RR priority and the RLIMIT_RTTIME (microseconds)
// in force, 0 for none: keepalived's VRRP process dumps them as its
// "current realtime priority" and "current realtime time limit". p may
// be nil (not started yet).
func (p *procTuner) Realtime() (prio int, rttime uint64) {
	if p == nil {
		return 0, 0
	}
	return int(p.curPrio.Load()), uint64(p.curRTTime.Load())
}

// startProcTuner applies cfg at once and keeps applying it to new
// threads until Close.
func startProcTuner(cfg config.Process, pos procOS, log *slog.Logger) *procTuner {
	p := newProcTuner(cfg, pos, log)
	go p.run()
	return p
}

// logProcessNotice is the line keepalived 2.2.7's parent writes at every
// start without max_auto_priority, before it starts its VRRP child.
func logProcessNotice(parent *slog.Logger, cfg config.Process) {
	if cfg.MaxAutoPriority == 0 {
		parent.Info("NOTICE: setting config option max_auto_priority should result in better keepalived performance")
	}
}

// newProcTuner applies cfg; its run goroutine is not started.
func newProcTuner(cfg config.Process, pos procOS, log *slog.Logger) *procTuner {
	p := &procTuner{
		os: pos, log: log, pid: os.Getpid(), cfg: cfg,
		late: make(chan time.Duration, 1), reconf: make(chan *config.Process, 1), relax: make(chan chan struct{}),
		stop: make(chan struct{}), done: make(chan struct{}),
		tuned: map[int]bool{}, breathing: map[int]int{}, failed: map[string]bool{},
	}
	p.applyProcess()
	p.tuneThreads()
	p.followCPUMask(nil)
	return p
}

// TimerLate tells the tuner a timer fired late by d. It never blocks: it
// is called on an instance's report path.
func (p *procTuner) TimerLate(d time.Duration) {
	select {
	case p.late <- d:
	default:
	}
}

// Reconfigure applies the process keywords of a reloaded configuration,
// or, with nil, applies the current ones again (after Relax).
func (p *procTuner) Reconfigure(cfg *config.Process) {
	select {
	case <-p.reconf:
	default:
	}
	p.reconf <- cfg
}

// Relax returns every thread to SCHED_OTHER until the next Reconfigure.
// A reload parses the whole file and rebuilds the instances, a burst of
// CPU that can pass RLIMIT_RTTIME; keepalived 2.2.7 does it under SCHED_RR
// and its VRRP process is then killed by the kernel (its parent starts a
// new one; observed with vrrp_rlimit_rttime 50000). goalived has no
// parent to restart it, so it reloads under the normal policy.
func (p *procTuner) Relax() {
	done := make(chan struct{})
	select {
	case p.relax <- done:
		<-done
	case <-p.done:
	}
}

// Close stops the tuner; the threads keep their settings. It is
// idempotent.
func (p *procTuner) Close() {
	p.once.Do(func() { close(p.stop) })
	<-p.done
}

func (p *procTuner) run() {
	defer close(p.done)
	xcpu := make(chan os.Signal, 1)
	signal.Notify(xcpu, syscall.SIGXCPU)
	defer signal.Stop(xcpu)
	tick := time.NewTicker(threadRescan)
	defer tick.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-tick.C:
			if !p.relaxed {
				p.tuneThreads()
			}
		case d := <-p.late:
			p.timerLate(d)
		case cfg := <-p.reconf:
			p.reconfigure(cfg)
		case done := <-p.relax:
			p.relaxThreads()
			close(done)
		case <-xcpu:
			p.log.Info("VRRP process has used too much CPU time, vrrp_rlimit_rttime may need to be increased")
		}
	}
}

// applyProcess sets what is per process, in keepalived's order: the
// configured realtime priority (with its CPU time limit), memory locking.
// The CPU mask, nice value and names are per thread (tuneThreads).
func (p *procTuner) applyProcess() {
	if p.cfg.RealtimePriority > 0 {
		p.setRealtime(p.cfg.RealtimePriority)
	}
	if p.cfg.NoSwap {
		p.try("no_swap", p.os.LockMemory())
	}
}

// setRealtime makes prio the threads' priority (at their next tuning)
// and sets RLIMIT_RTTIME the first time. A realtime thread breathes after
// each quarter of the limit in CPU time: the kernel counts the ticks
// (4 ms at 250 Hz) at which a realtime thread runs without having slept
// and kills at the first past the limit, and a thread running on
// breathes at the first tick past a quarter, before that. This holds for
// limits above two ticks; below (10 ms on a 100 Hz kernel) the kernel
// kills a thread caught running at two ticks in a row, keepalived too.
func (p *procTuner) setRealtime(prio int) {
	p.rtPrio = prio
	p.curPrio.Store(int64(prio))
	clear(p.tuned)
	if !p.rlimitSet {
		lim := p.cfg.RlimitRTTime
		if lim == 0 {
			lim = defaultRlimitRTTime
		}
		p.breath = time.Duration(lim) * time.Microsecond / 4
		p.rlimitSet = p.try("rlimit", p.os.SetRlimitRTTime(lim))
		if p.rlimitSet {
			p.curRTTime.Store(int64(lim))
		}
	}
}

// timerLate is keepalived's reaction to an overdue timer: raise the
// realtime priority one step, from the lowest, up to max_auto_priority.
func (p *procTuner) timerLate(d time.Duration) {
	if d <= p.cfg.MinAutoPriorityDelay {
		return
	}
	// keepalived writes it whether or not it may raise its priority.
	p.log.Info(fmt.Sprintf("A thread timer expired %d.%06d seconds ago", d/time.Second, d%time.Second/time.Microsecond))
	if p.cfg.MaxAutoPriority <= 0 {
		return
	}
	next := minRTPriority
	if p.rtPrio > 0 {
		if p.rtPrio >= p.cfg.MaxAutoPriority {
			return
		}
		next = p.rtPrio + 1
	}
	p.setRealtime(next)
	p.tuneThreads()
	p.log.Info(fmt.Sprintf("Set realtime priority %d", next))
}

func (p *procTuner) relaxThreads() {
	if p.rtPrio == 0 || p.relaxed {
		return
	}
	p.relaxed = true
	tids, err := p.os.Threads()
	if !p.try("threads", err) {
		return
	}
	for _, tid := range tids {
		p.try("realtime", p.os.SetRealtime(tid, 0))
	}
	clear(p.tuned)
	for tid := range p.breathing {
		p.stopBreathing(tid)
	}
}

func (p *procTuner) reconfigure(next *config.Process) {
	old := p.cfg
	cfg := old
	if next != nil {
		cfg = *next
	}
	p.cfg = cfg
	p.relaxed = false
	clear(p.tuned)
	if cfg.RealtimePriority > 0 && cfg.RealtimePriority != old.RealtimePriority {
		p.setRealtime(cfg.RealtimePriority)
	}
	if cfg.NoSwap && !old.NoSwap {
		p.try("no_swap", p.os.LockMemory())
	}
	p.tuneThreads()
	p.followCPUMask(old.CPUs)
}

// followCPUMask has the Go runtime count its processors from a new CPU
// mask at once (procOS.FollowCPUMask).
func (p *procTuner) followCPUMask(old []int) {
	if cpus := p.cfg.CPUs; len(cpus) > 0 && !slices.Equal(cpus, old) {
		p.try("affinity", p.os.FollowCPUMask(cpus))
	}
}

// tuneThreads gives every thread not yet tuned the current settings.
func (p *procTuner) tuneThreads() {
	if !p.perThread() {
		return
	}
	tids, err := p.os.Threads()
	if !p.try("threads", err) {
		return
	}
	live := make(map[int]bool, len(tids))
	for _, tid := range tids {
		live[tid] = true
		if p.tuned[tid] {
			continue
		}
		p.tuneThread(tid)
		p.tuned[tid] = true
	}
	for tid := range p.tuned {
		if !live[tid] {
			delete(p.tuned, tid)
		}
	}
	for tid := range p.breathing {
		if !live[tid] {
			p.stopBreathing(tid)
		}
	}
}

func (p *procTuner) perThread() bool {
	c := p.cfg
	return p.rtPrio > 0 || c.Nice != 0 || len(c.CPUs) > 0 || p.name() != ""
}

// tuneThread applies the per-thread settings. keepalived sets the nice
// value only when the process is not realtime. A thread breathes before
// it is realtime.
func (p *procTuner) tuneThread(tid int) {
	if p.rtPrio > 0 {
		p.breathe(tid)
		p.try("realtime", p.os.SetRealtime(tid, p.rtPrio))
	} else if p.cfg.Nice != 0 {
		p.try("nice", p.os.SetNice(tid, p.cfg.Nice))
	}
	if len(p.cfg.CPUs) > 0 {
		p.try("affinity", p.os.SetAffinity(tid, p.cfg.CPUs))
	}
	if n := p.name(); n != "" {
		p.try("name", p.os.SetName(tid, n))
	}
}

func (p *procTuner) breathe(tid int) {
	if _, ok := p.breathing[tid]; ok {
		return
	}
	if timer, err := p.os.Breathe(tid, p.breath); p.try("rttime guard", err) {
		p.breathing[tid] = timer
	}
}

func (p *procTuner) stopBreathing(tid int) {
	p.try("rttime guard", p.os.StopBreathing(p.breathing[tid]))
	delete(p.breathing, tid)
}

// name is the name the daemon's threads take: goalived is keepalived's
// VRRP process, so vrrp_process_name (process_names) wins over
// process_name.
func (p *procTuner) name() string {
	if p.cfg.VRRPName != "" {
		return p.cfg.VRRPName
	}
	return p.cfg.Name
}

// try logs err once per kind of setting (a thread that exits between
// listing and setting is not worth a line each second) and reports
// success.
func (p *procTuner) try(kind string, err error) bool {
	if err == nil {
		return true
	}
	if !p.failed[kind] {
		p.failed[kind] = true
		p.log.Warn(fmt.Sprintf("process setting %s failed: %v", kind, err), "setting", kind, "err", err)
	}
	return false
}
