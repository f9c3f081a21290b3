package engine

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/goalived/goalived/config"
)

// vrrp_track_process (reference 2.7, 3.1): "up" while the number of
// matching processes is within quorum..quorum_max.
//
// keepalived follows forks, execs and exits through the netlink proc
// connector, which the kernel serves only in the initial network
// namespace (keepalived 2.2.7 in a container or test namespace logs
// "Failed to set/clear process event listen - errno 111" and never sees
// its processes). goalived scans /proc every procInterval instead: the
// same counts, anywhere, without a kernel-event subscription that can
// overflow. The cost is latency (a change is seen within procInterval),
// a process living shorter than procInterval may be missed, and the
// cause of a change (fork, exec, exit; it picks the delay, see debounce)
// is inferred from pids and parent pids between scans. Matching is
// keepalived's read_procs():
//
//   - without parameters and without full_command, /proc/PID/stat's comm
//     (at most 15 bytes) must equal the configured name exactly;
//   - with full_command or parameters, argv[0] of /proc/PID/cmdline must
//     equal it, and the NUL-separated rest is compared with the
//     parameters by param_match (see paramsMatch);
//   - zombies never count.
const procInterval = 150 * time.Millisecond

// procInfo is what a /proc scan knows of one process.
type procInfo struct {
	pid     int
	ppid    int
	comm    string
	cmdline []byte // NUL separated, as in /proc/PID/cmdline
	zombie  bool
}

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
func processMatches(tp *config.TrackProcess, p procInfo) bool {
	if p.zombie {
		return false
	}
	if !fullCommand(tp) {
		return p.comm == tp.Process
	}
	argv0, rest, _ := bytes.Cut(p.cmdline, []byte{0})
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
// from /proc) wait terminate_delay; anything else is immediate. changed
// is false when the set is the same.
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

// scanProcs reads every process under root (normally /proc). cmdline is
// only read when needed: reading it touches the process's memory.
func scanProcs(root string, needCmdline bool) []procInfo {
	ents, err := os.ReadDir(root)
	if err != nil {
		return nil
	}
	var out []procInfo
	for _, e := range ents {
		name := e.Name()
		pid, err := strconv.Atoi(name)
		if !e.IsDir() || err != nil || pid <= 0 {
			continue
		}
		stat, err := os.ReadFile(filepath.Join(root, name, "stat"))
		if err != nil {
			continue // exited meanwhile
		}
		p, ok := parseStat(stat)
		if !ok {
			continue
		}
		p.pid = pid
		if needCmdline {
			p.cmdline, _ = os.ReadFile(filepath.Join(root, name, "cmdline"))
		}
		out = append(out, p)
	}
	return out
}

// parseStat takes comm, the zombie state and the parent pid from
// /proc/PID/stat: "PID (COMM) S PPID ...". comm may contain ')' so the
// last one ends it.
func parseStat(b []byte) (procInfo, bool) {
	s := string(b)
	open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || end < open || end+2 >= len(s) {
		return procInfo{}, false
	}
	f := strings.Fields(s[end+1:])
	if len(f) < 2 {
		return procInfo{}, false
	}
	ppid, err := strconv.Atoi(f[1])
	if err != nil {
		return procInfo{}, false
	}
	return procInfo{comm: s[open+1 : end], zombie: f[0] == "Z", ppid: ppid}, true
}

// procWatcher scans /proc and reports quorum changes of the tracked
// processes.
type procWatcher struct {
	root     string
	tps      []*config.TrackProcess
	interval time.Duration
	state    map[string]*debounce
	last     map[string]map[int]int // tracker -> matching pid -> parent pid
	quit     chan struct{}
	done     chan struct{}
}

func newProcWatcher(root string, tps []*config.TrackProcess, interval time.Duration) *procWatcher {
	return &procWatcher{root: root, tps: tps, interval: interval, state: map[string]*debounce{},
		last: map[string]map[int]int{}, quit: make(chan struct{}), done: make(chan struct{})}
}

// scan returns the matching processes of every tracker and every live pid.
func (w *procWatcher) scan() (match map[string]map[int]int, alive map[int]bool) {
	need := false
	for _, tp := range w.tps {
		need = need || fullCommand(tp)
	}
	match, alive = map[string]map[int]int{}, map[int]bool{}
	for _, tp := range w.tps {
		match[tp.Name] = map[int]int{}
	}
	for _, p := range scanProcs(w.root, need) {
		if !p.zombie { // a zombie has exited: keepalived saw its exit event
			alive[p.pid] = true
		}
		for _, tp := range w.tps {
			if processMatches(tp, p) {
				match[tp.Name][p.pid] = p.ppid
			}
		}
	}
	return match, alive
}

// counts counts the matching processes of every tracker.
func (w *procWatcher) counts() map[string]int {
	match, _ := w.scan()
	out := map[string]int{}
	for name, m := range match {
		out[name] = len(m)
	}
	return out
}

// initial scans once and takes the result without delays, as keepalived
// does at start.
func (w *procWatcher) initial() map[string]bool {
	match, _ := w.scan()
	out := map[string]bool{}
	for _, tp := range w.tps {
		up := quorumUp(tp, len(match[tp.Name]))
		w.state[tp.Name] = &debounce{up: up}
		w.last[tp.Name] = match[tp.Name]
		out[tp.Name] = up
	}
	return out
}

func (w *procWatcher) run(events chan<- procEvent) {
	defer close(w.done)
	t := time.NewTicker(w.interval)
	defer t.Stop()
	for {
		select {
		case <-w.quit:
			return
		case <-t.C:
		}
		match, alive := w.scan()
		now := time.Now()
		for _, tp := range w.tps {
			cur := match[tp.Name]
			delay, changed := changeDelay(tp, w.last[tp.Name], cur, alive)
			w.last[tp.Name] = cur
			d := w.state[tp.Name]
			if !d.observe(quorumUp(tp, len(cur)), now, changed, delay) {
				continue
			}
			select {
			case events <- procEvent{Name: tp.Name, Up: d.up}:
			case <-w.quit:
				return
			}
		}
	}
}

func (w *procWatcher) close() {
	close(w.quit)
	<-w.done
}

// startProcs counts the used tracked processes, then polls /proc.
func (t *tracking) startProcs() {
	used := t.used(func(tr memberTracks) []config.Track { return tr.procs })
	var tps []*config.TrackProcess
	for _, tp := range t.cfg.TrackProcesses {
		if used[tp.Name] {
			tps = append(tps, tp)
		}
	}
	if len(tps) == 0 {
		return
	}
	t.procW = newProcWatcher("/proc", tps, procInterval)
	t.procs = t.procW.initial()
	go t.procW.run(t.procEvents)
}

func (t *tracking) procChanged(ev procEvent) {
	verdict := "lost quorum"
	if ev.Up {
		verdict = "gained quorum"
	}
	t.e.log.Info("track_process "+verdict, "name", ev.Name)
	t.mu.Lock()
	t.procs[ev.Name] = ev.Up
	t.mu.Unlock()
	t.applyWhere(func(tr memberTracks) bool { return hasTrack(tr.procs, ev.Name) })
}
