package engine

import (
	"bytes"
	"fmt"
	"sync"

	"github.com/goalived/goalived/netif"
	"github.com/goalived/goalived/parser"
	"github.com/goalived/goalived/script"
)

// tracking owns the vrrp_script checks and the link watcher, and turns
// their conditions into each instance's effective priority and fault
// (reference 3.1). One goroutine applies every change, so the arithmetic
// never races; the checks themselves run in their own goroutines.
type tracking struct {
	e       *Engine
	cfg     *parser.Config
	insts   []*instance // fixed for the life of this tracking
	checks  []*script.Check
	events  chan script.CheckEvent
	watcher *netif.Watcher

	mu    sync.Mutex // guards conds and links
	conds map[string]script.Condition
	links map[string]bool // up and running

	quit chan struct{}
	done chan struct{}
}

// newTracking prepares tracking for cfg. carried are the conditions of
// scripts that survive a reload unchanged (keepalived keeps their state,
// reference 3.2).
func newTracking(e *Engine, cfg *parser.Config, carried map[string]script.Condition) *tracking {
	t := &tracking{
		e: e, cfg: cfg, events: make(chan script.CheckEvent, 64),
		conds: map[string]script.Condition{}, links: map[string]bool{},
		quit: make(chan struct{}), done: make(chan struct{}),
	}
	for name, c := range carried {
		t.conds[name] = c
	}
	return t
}

// start creates the checks of every used vrrp_script, reads the link
// state of tracked interfaces, gives each instance its first priority and
// starts watching.
func (t *tracking) start(insts []*instance) error {
	t.insts = insts
	for _, s := range t.cfg.Scripts {
		if !s.Used {
			continue
		}
		if err := t.startCheck(s); err != nil {
			t.e.log.Error("vrrp_script disabled", "script", s.Name, "err", err)
			t.conds[s.Name] = disabled
		}
	}
	for _, in := range t.insts {
		for _, name := range t.interfaces(in.conf()) {
			ls, err := t.e.addrs.Link(name)
			t.links[name] = err == nil && ls.Up && ls.Running
		}
		if len(in.conf().TrackFiles) > 0 || len(in.conf().TrackProcesses) > 0 {
			t.e.log.Error("track_file and track_process are not supported by goalived yet; ignored", "instance", in.conf().Name)
		}
	}
	w, err := t.e.addrs.Watch()
	if err != nil {
		return fmt.Errorf("watch links: %w", err)
	}
	t.watcher = w
	for _, in := range t.insts {
		t.apply(in)
	}
	go t.loop()
	return nil
}

// disabled marks a script that cannot run: its track_script entries are
// ignored, as keepalived removes them.
const disabled = script.Condition(-1)

func (t *tracking) startCheck(s *parser.VRRPScript) error {
	if s.Script == nil {
		return fmt.Errorf("no script set")
	}
	cmd, warns, err := t.e.cmds.command(s.Script)
	for _, w := range warns {
		t.e.log.Warn(w, "script", s.Name)
	}
	if err != nil {
		return err
	}
	c, err := script.NewCheck(script.CheckConfig{
		Name: s.Name, Command: cmd, Interval: s.Interval, Timeout: s.Timeout, Rise: s.Rise, Fall: s.Fall,
	})
	if err != nil {
		return err
	}
	if err := c.Start(t.events); err != nil {
		return err
	}
	t.checks = append(t.checks, c)
	return nil
}

// interfaces are the links whose state an instance depends on: its own
// (weight 0, unless dont_track_primary) and its track_interface entries.
func (t *tracking) interfaces(in *parser.Instance) []string {
	var out []string
	if !in.DontTrackPrimary && in.Interface != "" {
		out = append(out, in.Interface)
	}
	for _, ti := range in.TrackInterfaces {
		out = append(out, ti.Name)
	}
	return out
}

func (t *tracking) loop() {
	defer close(t.done)
	var linkEvents <-chan netif.Event
	if t.watcher != nil {
		linkEvents = t.watcher.Events()
	}
	for {
		select {
		case <-t.quit:
			return
		case ev := <-t.events:
			t.checkChanged(ev)
		case ev, ok := <-linkEvents:
			if !ok {
				linkEvents = nil
				continue
			}
			t.linkChanged(ev)
		}
	}
}

func (t *tracking) checkChanged(ev script.CheckEvent) {
	cond := script.Down
	verdict := "failed"
	if ev.OK {
		cond, verdict = script.Up, "succeeded"
	}
	if ev.TimedOut {
		verdict = "timed out"
	}
	attrs := []any{"script", ev.Name, "result", verdict, "duration", ev.Duration}
	if !ev.OK && len(ev.Output) > 0 {
		attrs = append(attrs, "output", string(bytes.TrimSpace(ev.Output)))
	}
	t.e.log.Info("VRRP_Script "+verdict, attrs...)
	t.mu.Lock()
	t.conds[ev.Name] = cond
	t.mu.Unlock()
	for _, in := range t.insts {
		for _, ts := range in.conf().TrackScripts {
			if ts.Name == ev.Name {
				t.apply(in)
				break
			}
		}
	}
}

func (t *tracking) linkChanged(ev netif.Event) {
	if ev.Kind == netif.WatchFailed {
		t.e.log.Error("link watch failed; interface tracking stopped", "err", ev.Err)
		return
	}
	if ev.Kind != netif.LinkChanged && ev.Kind != netif.LinkDeleted {
		return
	}
	up := ev.Kind == netif.LinkChanged && ev.Up && ev.Running
	t.mu.Lock()
	old, known := t.links[ev.Ifname]
	if known {
		t.links[ev.Ifname] = up
	}
	t.mu.Unlock()
	if !known || old == up {
		return
	}
	t.e.log.Info("tracked interface changed", "interface", ev.Ifname, "up", up)
	for _, in := range t.insts {
		for _, name := range t.interfaces(in.conf()) {
			if name == ev.Ifname {
				t.apply(in)
				break
			}
		}
	}
}

// apply recomputes an instance's effective priority and fault.
func (t *tracking) apply(in *instance) {
	ev := script.Evaluate(in.conf().Priority, t.trackers(in.conf()))
	in.vi.SetPriority(ev.Effective)
	in.vi.SetFault(ev.InFault())
}

func (t *tracking) trackers(in *parser.Instance) []script.Tracker {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []script.Tracker
	for _, ts := range in.TrackScripts {
		cond, ok := t.conds[ts.Name]
		if cond == disabled {
			continue
		}
		if !ok {
			cond = script.Unknown
		}
		out = append(out, script.Tracker{Kind: script.TrackScript, Name: ts.Name, Weight: ts.Weight, Reverse: ts.Reverse, Cond: cond})
	}
	if !in.DontTrackPrimary && in.Interface != "" {
		out = append(out, script.Tracker{Kind: script.TrackInterface, Name: in.Interface, Cond: linkCond(t.links[in.Interface])})
	}
	for _, ti := range in.TrackInterfaces {
		out = append(out, script.Tracker{Kind: script.TrackInterface, Name: ti.Name, Weight: ti.Weight, Reverse: ti.Reverse, Cond: linkCond(t.links[ti.Name])})
	}
	return out
}

func linkCond(up bool) script.Condition {
	if up {
		return script.Up
	}
	return script.Down
}

func (t *tracking) close() {
	select {
	case <-t.quit:
		return
	default:
	}
	close(t.quit)
	for _, c := range t.checks {
		_ = c.Close()
	}
	if t.watcher != nil {
		_ = t.watcher.Close()
		<-t.done
	}
}
