package engine

import (
	"bytes"
	"fmt"
	"net/netip"
	"sync"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/netif"
	"github.com/goalived/goalived/script"
)

// tracking owns the vrrp_script checks, the link watcher and the
// track_file and vrrp_track_process pollers, and turns their conditions
// into each instance's effective priority and fault (reference 3.1),
// coupling the members of a sync group (syncgroup.go). One goroutine
// applies every change, so the arithmetic never races; the checks and
// pollers run in their own goroutines.
type tracking struct {
	e       *Engine
	cfg     *config.Config
	groups  *syncGroups
	reload  bool        // started by a reload, not at boot
	insts   []*instance // fixed for the life of this tracking
	checks  []*script.Check
	events  chan script.CheckEvent
	watcher *netif.Watcher

	fileW      *fileWatcher
	fileEvents chan fileEvent
	procW      *procWatcher
	procEvents chan procEvent

	mu    sync.Mutex // guards conds, links, files, procs and prio
	conds map[string]script.Condition
	links map[string]bool // up and running
	files map[string]int64
	good  map[string]int64 // per instance and file: the last value that was not a fault
	procs map[string]bool  // quorum
	prio  map[*instance]int
	srcs  map[netip.Addr]bool // track_src_ip: the source address is present

	quit chan struct{}
	done chan struct{}
}

// newTracking prepares tracking for cfg. carried are the conditions of
// scripts that survive a reload unchanged (keepalived keeps their state,
// reference 3.2).
func newTracking(e *Engine, cfg *config.Config, carried map[string]script.Condition) *tracking {
	t := &tracking{
		e: e, cfg: cfg, events: make(chan script.CheckEvent, 64),
		fileEvents: make(chan fileEvent, 16), procEvents: make(chan procEvent, 16),
		conds: map[string]script.Condition{}, links: map[string]bool{},
		files: map[string]int64{}, good: map[string]int64{}, procs: map[string]bool{}, prio: map[*instance]int{}, srcs: map[netip.Addr]bool{},
		quit: make(chan struct{}), done: make(chan struct{}),
	}
	t.reload = carried != nil
	t.groups = e.newSyncGroups(cfg, e.groups.Load())
	e.groups.Store(t.groups)
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
	t.groups.bind(insts)
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
		t.prio[in] = int(in.vi.Priority())
	}
	t.startFiles()
	t.startProcs()
	w, err := t.e.addrs.Watch()
	if err != nil {
		return fmt.Errorf("watch links: %w", err)
	}
	t.watcher = w
	t.readSources() // after subscribing, so no change falls in between
	if t.cfg.Global.DynamicInterfaces {
		t.reopenMissing() // after subscribing too
	}
	for _, in := range t.insts {
		t.apply(in)
	}
	go t.loop()
	return nil
}

// disabled marks a script that cannot run: its track_script entries are
// ignored, as keepalived removes them.
const disabled = script.Condition(-1)

func (t *tracking) startCheck(s *config.VRRPScript) error {
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
// (weight 0, unless dont_track_primary), its track_interface entries and
// those of the static items of its track_groups (weight 0).
func (t *tracking) interfaces(in *config.Instance) []string {
	var out []string
	if !in.DontTrackPrimary && in.Interface != "" {
		out = append(out, in.Interface)
	}
	for _, ti := range t.tracksOf(in).ifaces {
		out = append(out, ti.Name)
	}
	return append(out, staticTrackIfaces(t.cfg, in.Name)...)
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
		case ev := <-t.fileEvents:
			t.fileChanged(ev)
		case ev := <-t.procEvents:
			t.procChanged(ev)
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
	t.applyWhere(func(tr memberTracks) bool { return hasTrack(tr.scripts, ev.Name) })
}

// applyWhere re-applies the instances whose trackers match.
func (t *tracking) applyWhere(uses func(memberTracks) bool) {
	for _, in := range t.insts {
		if uses(t.tracksOf(in.conf())) {
			t.apply(in)
		}
	}
}

func (t *tracking) linkChanged(ev netif.Event) {
	if ev.Kind == netif.WatchFailed {
		t.e.log.Error("link watch failed; interface tracking stopped", "err", ev.Err)
		return
	}
	if ev.Kind == netif.LinkChanged || ev.Kind == netif.AddrAdded {
		t.reopenSockets(ev.Ifname)
	}
	if ev.Kind == netif.AddrRemoved || ev.Kind == netif.AddrAdded {
		t.sourceChanged(ev)
		if ev.Kind == netif.AddrRemoved {
			t.e.vipRemoved(ev)
		}
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

// apply recomputes an instance's effective priority and fault; for a
// sync group member, those of every member, which share one fault.
func (t *tracking) apply(in *instance) {
	g := t.groups.of(in.conf().Name)
	if g == nil {
		ev := t.evaluate(in)
		t.setPriority(in, ev.Effective)
		in.vi.SetFault(ev.InFault())
		return
	}
	var members []*instance
	for _, m := range t.insts {
		if t.groups.of(m.conf().Name) == g {
			members = append(members, m)
		}
	}
	evs := make([]script.Evaluation, len(members))
	fault := false
	for i, m := range members {
		evs[i] = t.evaluate(m)
		fault = fault || evs[i].InFault()
	}
	for i, m := range members {
		t.setPriority(m, evs[i].Effective)
		m.vi.SetFault(fault)
	}
}

func (t *tracking) evaluate(in *instance) script.Evaluation {
	return script.Evaluate(in.conf().Priority, t.withSocket(in, t.trackers(in.conf())))
}

func (t *tracking) trackers(in *config.Instance) []script.Tracker {
	tr := t.tracksOf(in)
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []script.Tracker
	for _, ts := range tr.scripts {
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
	if st, ok := t.sourceTrackerLocked(in); ok {
		out = append(out, st)
	}
	for _, name := range staticTrackIfaces(t.cfg, in.Name) {
		out = append(out, script.Tracker{Kind: script.TrackInterface, Name: name, Cond: linkCond(t.links[name])})
	}
	if in.UnicastFaultNoPeer && len(in.UnicastPeers) == 0 {
		// unicast_fault_no_peer: a unicast instance without peers stays in
		// FAULT instead of falling back to multicast (reference 3.11).
		out = append(out, script.Tracker{Kind: script.TrackInterface, Name: "unicast_fault_no_peer", Cond: script.Down})
	}
	for _, ti := range tr.ifaces {
		out = append(out, script.Tracker{Kind: script.TrackInterface, Name: ti.Name, Weight: ti.Weight, Reverse: ti.Reverse, Cond: linkCond(t.links[ti.Name])})
	}
	for _, tf := range tr.files {
		v, ok := t.files[tf.Name]
		if !ok {
			continue // not configured: dropped by the parser's checks
		}
		out = append(out, t.fileTrackers(in.Name, tf, v)...)
	}
	for _, tp := range tr.procs {
		up, ok := t.procs[tp.Name]
		if !ok {
			continue
		}
		out = append(out, script.Tracker{Kind: script.TrackProcess, Name: tp.Name, Weight: tp.Weight, Reverse: tp.Reverse, Cond: linkCond(up)})
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
	if t.fileW != nil {
		t.fileW.close()
	}
	if t.procW != nil {
		t.procW.close()
	}
	if t.watcher != nil {
		_ = t.watcher.Close()
		<-t.done
	}
}
