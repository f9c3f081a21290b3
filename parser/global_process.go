package parser

import (
	"math"
	"runtime"
	"time"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/parser/syntax"
)

// maxRTPriority is sched_get_priority_max(SCHED_RR) on Linux.
const maxRTPriority = 99

// taskCommLen is the kernel's TASK_COMM_LEN: a process name keeps 15
// bytes.
const taskCommLen = 16

// globalMaxAutoPriority reads max_auto_priority: alone it means the
// highest realtime priority, -1 disables the automatic raise.
func globalMaxAutoPriority(b *builder, s *syntax.Stmt, g *config.GlobalDefs) {
	if len(s.Args) == 0 {
		g.Process.MaxAutoPriority = maxRTPriority
		return
	}
	v, ok := b.intArg(s, 0, -1, maxRTPriority)
	if !ok {
		b.warnf(argPos(s, 0), s.Keyword, "max_auto_priority '%s' must be in [0, %d] (or -1 to disable) - ignoring", s.Args[0].Text, maxRTPriority)
		return
	}
	g.Process.MaxAutoPriority = v
	b.extraWords(s, 1)
}

// globalMinAutoPriorityDelay reads min_auto_priority_delay in
// microseconds.
func globalMinAutoPriorityDelay(b *builder, s *syntax.Stmt, g *config.GlobalDefs) {
	if len(s.Args) == 0 {
		b.warnf(s.Pos, s.Keyword, "min_auto_priority_delay requires delay time")
		return
	}
	v, ok := b.intArg(s, 0, 1, 10000000)
	if !ok {
		b.warnf(argPos(s, 0), s.Keyword, "min_auto_priority_delay '%s' must be in [1, 10000000] - ignoring", s.Args[0].Text)
		return
	}
	g.Process.MinAutoPriorityDelay = time.Duration(v) * time.Microsecond
	b.extraWords(s, 1)
}

// globalRTPriority reads vrrp_rt_priority; keepalived 2.2.7 clamps a
// number outside [1, 99] with a warning.
func globalRTPriority(b *builder, s *syntax.Stmt, g *config.GlobalDefs) {
	if len(s.Args) == 0 {
		b.warnf(s.Pos, s.Keyword, "No vrrp process real-time priority specified")
		return
	}
	v, ok := b.intArgAny(s, 0)
	if !ok {
		b.warnf(argPos(s, 0), s.Keyword, "vrrp process real-time priority '%s' invalid", s.Args[0].Text)
		return
	}
	switch {
	case v < 1:
		b.warnf(argPos(s, 0), s.Keyword, "vrrp process real-time priority %d less than minimum 1 - setting to minimum", v)
		v = 1
	case v > maxRTPriority:
		b.warnf(argPos(s, 0), s.Keyword, "vrrp process real-time priority %d greater than maximum %d - setting to maximum", v, maxRTPriority)
		v = maxRTPriority
	}
	g.Process.RealtimePriority = v
	b.extraWords(s, 1)
}

// globalRlimitRTTime reads vrrp_rlimit_rttime (and its deprecated
// spelling vrrp_rlimit_rtime) in microseconds; 1 becomes 2, since half
// of it is the soft limit.
func globalRlimitRTTime(b *builder, s *syntax.Stmt, g *config.GlobalDefs) {
	if s.Keyword == "vrrp_rlimit_rtime" {
		// keepalived 2.2.7 logs this at info level.
		b.notef(s.Pos, s.Keyword, "Keyword 'vrrp_rlimit_rtime' is deprecated - please use 'vrrp_rlimit_rttime'")
	}
	v, ok := b.intArg(s, 0, 1, math.MaxUint32)
	if !ok {
		if text, given := arg(s, 0); given {
			b.warnf(argPos(s, 0), s.Keyword, "Invalid vrrp real-time limit - %s", text)
		}
		return
	}
	g.Process.RlimitRTTime = uint64(max(v, 2))
	b.extraWords(s, 1)
}

// globalNice reads vrrp_priority, a nice value.
func globalNice(b *builder, s *syntax.Stmt, g *config.GlobalDefs) {
	if len(s.Args) == 0 {
		b.warnf(s.Pos, s.Keyword, "No vrrp process priority specified")
		return
	}
	v, ok := b.intArg(s, 0, -20, 19)
	if !ok {
		b.warnf(argPos(s, 0), s.Keyword, "Invalid vrrp process priority specified")
		return
	}
	g.Process.Nice = v
	b.extraWords(s, 1)
}

// globalCPUAffinity reads vrrp_cpu_affinity: CPU numbers below the
// number of CPUs; one bad number empties the set, as in keepalived.
func globalCPUAffinity(b *builder, s *syntax.Stmt, g *config.GlobalDefs) {
	if len(s.Args) == 0 {
		b.warnf(s.Pos, s.Keyword, "No vrrp cpu_id set specified")
		return
	}
	g.Process.CPUs = nil
	var cpus []int
	for i := range s.Args {
		v, ok := b.intArg(s, i, 0, runtime.NumCPU()-1)
		if !ok {
			b.warnf(argPos(s, i), s.Keyword, "Invalid cpu_id:%s specified for vrrp process", s.Args[i].Text)
			return
		}
		cpus = append(cpus, v)
	}
	g.Process.CPUs = cpus
}

// globalProcessName returns the handler of process_name or
// vrrp_process_name.
func globalProcessName(field func(p *config.Process) *string) globalHandler {
	return func(b *builder, s *syntax.Stmt, g *config.GlobalDefs) {
		name, ok := arg(s, 0)
		if !ok {
			b.warnf(s.Pos, s.Keyword, "Process name missing")
			return
		}
		*field(&g.Process) = b.processName(s, name)
		b.extraWords(s, 1)
	}
}

// globalProcessNames is process_names: the VRRP process is called
// keepalived_vrrp.
func globalProcessNames(b *builder, s *syntax.Stmt, g *config.GlobalDefs) {
	g.Process.VRRPName = "keepalived_vrrp"
	b.extraWords(s, 0)
}

func (b *builder) processName(s *syntax.Stmt, name string) string {
	if len(name) >= taskCommLen {
		b.warnf(argPos(s, 0), s.Keyword, "Process name %s more than %d characters, truncating", name, taskCommLen-1)
		name = name[:taskCommLen-1]
	}
	return name
}
