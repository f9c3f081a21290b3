package track

import (
	"fmt"
	"maps"
	"time"

	"github.com/goalived/goalived/config"
)

// procWatcher scans the process table and reports quorum changes of the
// tracked processes.
type procWatcher struct {
	procs    Processes
	tps      []*config.TrackProcess
	interval time.Duration
	state    map[string]*debounce
	last     map[string]map[int]int // tracker -> matching pid -> parent pid
	quit     chan struct{}
	done     chan struct{}
}

func newProcWatcher(procs Processes, tps []*config.TrackProcess, interval time.Duration) *procWatcher {
	return &procWatcher{procs: procs, tps: tps, interval: interval, state: map[string]*debounce{},
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
	for _, p := range w.procs.Scan(need) {
		if !p.Zombie { // a zombie has exited: keepalived saw its exit event
			alive[p.PID] = true
		}
		for _, tp := range w.tps {
			if processMatches(tp, p) {
				match[tp.Name][p.PID] = p.PPID
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

// startProcs counts the used tracked processes, then scans the process
// table every procInterval.
func (t *Tracker) startProcs() {
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
	t.procW = newProcWatcher(t.os.Processes, tps, procInterval)
	t.procs = t.procW.initial()
	for name, up := range t.savedProcs {
		if d, ok := t.procW.state[name]; ok {
			// Handed over: the quorum the instances saw stays until a
			// scan says otherwise (a change during the handover is then
			// applied at the first scan).
			t.procs[name], d.up = up, up
		}
	}
	go t.procW.run(t.procEvents)
}

func (t *Tracker) procChanged(ev procEvent) {
	verdict := "lost"
	if ev.Up {
		verdict = "gained"
	}
	t.log.Info(fmt.Sprintf("Quorum %s for tracked process %s", verdict, ev.Name), "name", ev.Name, "quorum", ev.Up)
	t.mu.Lock()
	t.procs[ev.Name] = ev.Up
	t.mu.Unlock()
	t.applyWhere(func(tr memberTracks) bool { return hasTrack(tr.procs, ev.Name) })
}

// Processes are the tracked processes' quorum as the instances see it
// and, counted now, their matching processes (nil when none is
// tracked).
func (t *Tracker) Processes() (quorum map[string]bool, counts map[string]int) {
	t.mu.Lock()
	quorum, w := maps.Clone(t.procs), t.procW
	t.mu.Unlock()
	if w != nil {
		counts = w.counts()
	}
	return quorum, counts
}
