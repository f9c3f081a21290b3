package track

import (
	"bytes"
	"time"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/netif"
)

// vrrp_track_process is "up" while the number of matching processes is
// within quorum..quorum_max.
//
// keepalived follows forks, execs and exits through the netlink proc
// connector, which the kernel serves only in the initial network
// namespace (keepalived 2.2.7 in a container or test namespace logs
// "Failed to set/clear process event listen - errno 111" and never sees
// its processes). goalived scans the process table every procInterval
// instead: the same counts, anywhere, without a kernel-event subscription
// that can overflow. The cost is latency (a change is seen within
// procInterval), a process living shorter than procInterval may be
// missed, and the cause of a change (fork, exec, exit; it picks the
// delay, see debounce) is inferred from pids and parent pids between
// scans. Matching is keepalived's read_procs():
//
//   - without parameters and without full_command, /proc/PID/stat's comm
//     (at most 15 bytes) must equal the configured name exactly;
//   - with full_command or parameters, argv[0] of /proc/PID/cmdline must
//     equal it, and the NUL-separated rest is compared with the
//     parameters by param_match (see paramsMatch);
//   - zombies never count.
const procInterval = 150 * time.Millisecond

// procEvent says that a tracked process's quorum changed.
type procEvent struct {
	Name string
	Up   bool
}

// fullCommand reports whether tp is matched against the command line.
func fullCommand(tp *config.TrackProcess) bool {
	return tp.FullCommand || len(tp.Params) > 0 || tp.ParamMatch != ""
}

// processMatches reports whether p counts for tp.
func processMatches(tp *config.TrackProcess, p netif.Process) bool {
	if p.Zombie {
		return false
	}
	if !fullCommand(tp) {
		return p.Comm == tp.Process
	}
	argv0, rest, _ := bytes.Cut(p.Cmdline, []byte{0})
	if string(argv0) != tp.Process {
		return false
	}
	if tp.ParamMatch == "" {
		return true
	}
	return paramsMatch(tp.ParamMatch, tp.Params, rest)
}

// paramsMatch is keepalived 2.2.7's check_params. want is joined with
// NULs and a trailing NUL, got is the command line after argv[0]'s NUL.
// Note the names: in the code "partial" requires the configured
// parameters to be complete leading arguments, while "initial" also lets
// the last configured parameter be a prefix of its argument (the header's
// comments say the opposite; the code is what runs).
func paramsMatch(mode string, params []string, got []byte) bool {
	var want []byte
	for _, p := range params {
		want = append(append(want, p...), 0)
	}
	if mode == "exact" && len(want) == 0 {
		return len(got) == 0
	}
	if len(got) < len(want) {
		return false
	}
	switch mode {
	case "exact":
		return bytes.Equal(got, want)
	case "partial":
		return bytes.HasPrefix(got, want)
	case "initial":
		return len(want) <= 1 || bytes.HasPrefix(got, want[:len(want)-1])
	}
	return false
}

// quorumUp reports whether n processes satisfy tp (QuorumMax < 0 is
// unlimited).
func quorumUp(tp *config.TrackProcess, n int) bool {
	return n >= tp.Quorum && (tp.QuorumMax < 0 || n <= tp.QuorumMax)
}

// debounce delays a tracked process's reported condition. keepalived
// delays a change by fork_delay when a fork of a tracked process caused
// it and by terminate_delay when an exit did; a change caused by an exec
// (a new program matching, or a tracked process exec'ing something else)
// or a comm change is applied at once. A change that reverts before its
// delay ends is never reported (keepalived cancels its timer thread).
type debounce struct {
	up       bool // the reported condition
	pending  bool
	deadline time.Time
}

// observe feeds the raw condition at now; changed says whether the set
// of matching processes changed in this scan and delay is what its cause
// calls for (a scan without changes keeps a pending deadline). It returns
// true when the reported condition changed.
func (d *debounce) observe(raw bool, now time.Time, changed bool, delay time.Duration) bool {
	if raw == d.up {
		d.pending = false
		return false
	}
	if dl := now.Add(delay); !d.pending || changed && dl.Before(d.deadline) {
		d.pending, d.deadline = true, dl
	}
	if now.Before(d.deadline) {
		return false
	}
	d.up, d.pending = raw, false
	return true
}

// changeDelay classifies what changed a tracker's matching set from prev
// to cur (pid -> parent pid); alive are all pids of the scan. Only forks
// (new pids whose parent matched) wait fork_delay, only exits (pids gone
// from the table) wait terminate_delay; anything else is immediate.
// changed is false when the set is the same.
func changeDelay(tp *config.TrackProcess, prev, cur map[int]int, alive map[int]bool) (delay time.Duration, changed bool) {
	forks, exits, other := 0, 0, 0
	for pid, ppid := range cur {
		if _, ok := prev[pid]; ok {
			continue
		}
		_, parentPrev := prev[ppid]
		_, parentCur := cur[ppid]
		if parentPrev || parentCur {
			forks++
		} else {
			other++
		}
	}
	for pid := range prev {
		if _, ok := cur[pid]; ok {
			continue
		}
		if alive[pid] {
			other++
		} else {
			exits++
		}
	}
	switch {
	case other > 0 || forks > 0 && exits > 0:
		return 0, true
	case forks > 0:
		return tp.ForkDelay, true
	case exits > 0:
		return tp.TerminateDelay, true
	}
	return 0, false
}
