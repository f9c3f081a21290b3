package config

import "time"

// Process holds the global_defs keywords that tune the daemon process
// itself rather than the protocol: scheduling, memory locking, CPU mask
// and names (keepalived 2.2.7 applies them to its VRRP child process;
// goalived, one process, applies them to its own threads).
type Process struct {
	// MaxAutoPriority is max_auto_priority: the highest SCHED_RR priority
	// the daemon raises itself to when it finds its timers running late.
	// 0 when not written (keepalived then logs a NOTICE at start), -1
	// when disabled.
	MaxAutoPriority int `json:"max_auto_priority"`
	// MinAutoPriorityDelay is how late a timer must fire before the
	// priority is raised (min_auto_priority_delay, 1 s by default).
	MinAutoPriorityDelay time.Duration `json:"min_auto_priority_delay"`
	// RealtimePriority is vrrp_rt_priority: SCHED_RR from the start at
	// this priority (1-99), 0 for none.
	RealtimePriority int `json:"vrrp_rt_priority,omitempty"`
	// RlimitRTTime is vrrp_rlimit_rttime in microseconds of CPU a
	// realtime thread may use without blocking (RLIMIT_RTTIME; the soft
	// limit is half of it), 0 for none.
	RlimitRTTime uint64 `json:"vrrp_rlimit_rttime,omitempty"`
	// Nice is vrrp_priority (-20..19), used only without a realtime
	// priority, as keepalived does.
	Nice int `json:"vrrp_priority,omitempty"`
	// NoSwap is vrrp_no_swap: lock the process in memory.
	NoSwap bool `json:"vrrp_no_swap,omitempty"`
	// CPUs is vrrp_cpu_affinity: the CPUs the daemon may run on, empty
	// for no restriction.
	CPUs []int `json:"vrrp_cpu_affinity,omitempty"`
	// Name is process_name and VRRPName vrrp_process_name (process_names
	// sets the latter to "keepalived_vrrp"); empty when not written.
	Name     string `json:"process_name,omitempty"`
	VRRPName string `json:"vrrp_process_name,omitempty"`
}

// DefaultMinAutoPriorityDelay is keepalived 2.2.7's min_auto_priority_delay.
const DefaultMinAutoPriorityDelay = time.Second
