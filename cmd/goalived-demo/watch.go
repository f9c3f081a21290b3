package main

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// statusLine is the part of a goalived status file line the demo shows.
type statusLine struct {
	State   string
	EffPrio int
}

func (s statusLine) String() string {
	if s.State == "" {
		return "not running"
	}
	return fmt.Sprintf("%s, priority %d", s.State, s.EffPrio)
}

// parseStatus reads the first instance line of a goalived status file
// ("name interface vrid ver state base_prio eff_prio ...").
func parseStatus(text string) (statusLine, error) {
	lines := strings.Split(strings.TrimSpace(text), "\n")
	if len(lines) < 2 || !strings.HasPrefix(lines[0], "name ") {
		return statusLine{}, fmt.Errorf("parse status file: want a header and an instance line, got %q", text)
	}
	f := strings.Fields(lines[1])
	if len(f) < 7 {
		return statusLine{}, fmt.Errorf("parse status line %q: %d fields, want at least 7", lines[1], len(f))
	}
	prio, err := strconv.Atoi(f[6])
	if err != nil {
		return statusLine{}, fmt.Errorf("parse status line %q: eff_prio: %w", lines[1], err)
	}
	return statusLine{State: f[4], EffPrio: prio}, nil
}

// snapshot is what the watcher saw at one poll.
type snapshot struct {
	Holds  map[string]bool       // router role -> holds the VIP
	Status map[string]statusLine // router role -> status file
}

// watcher polls who holds the VIP and what each status file says every
// pollEvery and puts every change on the timeline, so the timeline shows
// what an operator would see, stamped within pollEvery of the change.
type watcher struct {
	tl      *timeline
	vip     netip.Addr
	roles   []string
	hasAddr func(role string, a netip.Addr) (bool, error)
	status  map[string]string // role -> status file path

	mu   sync.Mutex // guards last and err
	last snapshot
	err  error
}

const pollEvery = 10 * time.Millisecond

func (w *watcher) run(ctx context.Context) {
	for {
		snap, err := w.poll()
		w.mu.Lock()
		prev := w.last
		if err != nil && w.err == nil {
			w.err = err
		}
		if err == nil {
			w.last = snap
		}
		w.mu.Unlock()
		if err == nil {
			w.report(prev, snap)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(pollEvery):
		}
	}
}

func (w *watcher) poll() (snapshot, error) {
	s := snapshot{Holds: map[string]bool{}, Status: map[string]statusLine{}}
	for _, r := range w.roles {
		ok, err := w.hasAddr(r, w.vip)
		if err != nil {
			return s, err
		}
		s.Holds[r] = ok
		b, err := os.ReadFile(w.status[r])
		if err != nil {
			continue // not written yet, or goalived stopped
		}
		if st, err := parseStatus(string(b)); err == nil {
			s.Status[r] = st
		}
	}
	return s, nil
}

func (w *watcher) report(prev, cur snapshot) {
	now := time.Now()
	for _, r := range w.roles {
		if prev.Holds != nil && prev.Holds[r] != cur.Holds[r] {
			verb := "removed from"
			if cur.Holds[r] {
				verb = "added on"
			}
			w.tl.add(now, "VIP %v %s %s", w.vip, verb, r)
		} else if prev.Holds == nil && cur.Holds[r] {
			w.tl.add(now, "VIP %v on %s", w.vip, r)
		}
		if prev.Status[r] != cur.Status[r] && cur.Status[r].State != "" {
			w.tl.add(now, "%s: %v (status file)", r, cur.Status[r])
		}
	}
}

// wait polls the latest snapshot until cond holds, ctx ends or within
// passes, and returns the time cond was first seen to hold.
func (w *watcher) wait(ctx context.Context, within time.Duration, what string, cond func(snapshot) bool) (time.Time, error) {
	deadline := time.Now().Add(within)
	for {
		w.mu.Lock()
		snap, err := w.last, w.err
		w.mu.Unlock()
		if err != nil {
			return time.Time{}, fmt.Errorf("watch %s: %w", what, err)
		}
		if snap.Holds != nil && cond(snap) {
			return time.Now(), nil
		}
		if time.Now().After(deadline) {
			return time.Time{}, fmt.Errorf("wait for %s: not seen within %v", what, within)
		}
		select {
		case <-ctx.Done():
			return time.Time{}, ctx.Err()
		case <-time.After(pollEvery):
		}
	}
}

// soleHolder is a condition: role holds the VIP and no other router does.
func soleHolder(role string) func(snapshot) bool {
	return func(s snapshot) bool {
		for r, h := range s.Holds {
			if h != (r == role) {
				return false
			}
		}
		return true
	}
}
