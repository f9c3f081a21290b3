package engine

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/goalived/goalived/parser"
)

// vrrp_track_process (reference 2.7, 3.1): "up" while the number of
// matching processes is within quorum..quorum_max.
//
// keepalived follows forks, execs and exits through the netlink proc
// connector. goalived scans /proc every procInterval instead: the same
// counts without a kernel-event subscription that needs CAP_NET_ADMIN in
// the initial user namespace and can overflow. The cost is latency (a
// change is seen within procInterval) and that a process living shorter
// than procInterval may be missed. Matching is keepalived's read_procs():
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
func fullCommand(tp *parser.TrackProcess) bool {
	return tp.FullCommand || len(tp.Params) > 0 || tp.ParamMatch != ""
}

// processMatches reports whether p counts for tp.
func processMatches(tp *parser.TrackProcess, p procInfo) bool {
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
func quorumUp(tp *parser.TrackProcess, n int) bool {
	return n >= tp.Quorum && (tp.QuorumMax < 0 || n <= tp.QuorumMax)
}

// debounce delays a tracked process's reported condition: a gain of
// quorum is reported after fork_delay, a loss after terminate_delay, and
// a change that reverts before its delay ends is never reported (the
// pending timer is cancelled, as keepalived cancels its timer thread).
type debounce struct {
	up       bool // the reported condition
	pending  bool
	deadline time.Time
}

// observe feeds the raw condition at now; it returns true when the
// reported condition changed.
func (d *debounce) observe(raw bool, now time.Time, fork, term time.Duration) bool {
	if raw == d.up {
		d.pending = false
		return false
	}
	delay := term
	if raw {
		delay = fork
	}
	if !d.pending {
		d.pending, d.deadline = true, now.Add(delay)
	}
	if now.Before(d.deadline) {
		return false
	}
	d.up, d.pending = raw, false
	return true
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
		if !e.IsDir() || name[0] < '1' || name[0] > '9' {
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
		if needCmdline {
			p.cmdline, _ = os.ReadFile(filepath.Join(root, name, "cmdline"))
		}
		out = append(out, p)
	}
	return out
}

// parseStat takes comm and the zombie state from /proc/PID/stat:
// "PID (COMM) S ...". comm may contain ')' so the last one ends it.
func parseStat(b []byte) (procInfo, bool) {
	s := string(b)
	open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || end < open || end+2 >= len(s) {
		return procInfo{}, false
	}
	return procInfo{comm: s[open+1 : end], zombie: s[end+2] == 'Z'}, true
}

// procWatcher scans /proc and reports quorum changes of the tracked
// processes.
type procWatcher struct {
	root     string
	tps      []*parser.TrackProcess
	interval time.Duration
	state    map[string]*debounce
	quit     chan struct{}
	done     chan struct{}
}

func newProcWatcher(root string, tps []*parser.TrackProcess, interval time.Duration) *procWatcher {
	return &procWatcher{root: root, tps: tps, interval: interval, state: map[string]*debounce{},
		quit: make(chan struct{}), done: make(chan struct{})}
}

// counts counts the matching processes of every tracked process.
func (w *procWatcher) counts() map[string]int {
	need := false
	for _, tp := range w.tps {
		need = need || fullCommand(tp)
	}
	out := map[string]int{}
	for _, p := range scanProcs(w.root, need) {
		for _, tp := range w.tps {
			if processMatches(tp, p) {
				out[tp.Name]++
			}
		}
	}
	return out
}

// initial scans once and takes the result without delays, as keepalived
// does at start.
func (w *procWatcher) initial() map[string]bool {
	n := w.counts()
	out := map[string]bool{}
	for _, tp := range w.tps {
		up := quorumUp(tp, n[tp.Name])
		w.state[tp.Name] = &debounce{up: up}
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
		n, now := w.counts(), time.Now()
		for _, tp := range w.tps {
			d := w.state[tp.Name]
			if !d.observe(quorumUp(tp, n[tp.Name]), now, tp.ForkDelay, tp.TerminateDelay) {
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
	used := t.used(func(tr memberTracks) []parser.Track { return tr.procs })
	var tps []*parser.TrackProcess
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
