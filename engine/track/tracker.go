package track

import (
	"fmt"
	"log/slog"
	"net/netip"
	"sync"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/netif"
	"github.com/goalived/goalived/script"
)

// Options are what a Tracker works with.
type Options struct {
	Host   Host
	OS     OS
	Logger *slog.Logger
	// Groups receive the configuration's sync groups (see Groups).
	Groups *Groups
	// Reload says the Tracker replaces one of a previous configuration:
	// init_file then never overwrites an existing file.
	Reload bool
	// Carried are the conditions of the vrrp_scripts a reload keeps
	// (see Carry).
	Carried map[string]script.Condition
	// Restored, if set, continues the tracking of another process (see
	// Saved); the Tracker then also counts as a reload's (Reload).
	Restored *Saved
	// VMACs are, by instance name, the VMAC interfaces an instance runs
	// on: keepalived tracks them as it tracks the instance's own
	// interface (weight 0: down is FAULT).
	VMACs map[string][]string
	// ChecksLater leaves the checks idle after Start until StartChecks:
	// the engine starts them once its instances have left INIT, so that
	// their first results come after the instances' first states, as in
	// keepalived.
	ChecksLater bool
}

// Tracker owns the vrrp_script checks, the link watch and the track_file
// and vrrp_track_process followers of one configuration, and turns their
// conditions into each instance's effective priority and fault, coupling
// the members of a sync group. One goroutine applies every change, so the
// arithmetic never races; the checks and followers run in their own
// goroutines. A reload replaces the Tracker.
type Tracker struct {
	cfg         *config.Config
	host        Host
	os          OS
	log         *slog.Logger
	groups      *groupSet
	reload      bool
	checksLater bool
	vmacs       map[string][]string
	// starting is set while Start gives the instances their first
	// priorities.
	starting bool
	insts    []Instance // fixed for the life of the Tracker
	checks   []Check
	events   chan script.CheckEvent
	watch    LinkWatch

	fileW      FileWatch
	procW      *procWatcher
	procEvents chan procEvent

	// derived holds each instance's merged trackers and item
	// interfaces, by name: they follow from cfg and its sync groups
	// alone, so New computes them once instead of every evaluation and
	// check result doing it for every instance. Read-only after New.
	derived map[string]*derivedTracks

	mu    sync.Mutex // guards conds, links, files, good, procs, prio and srcs
	conds map[string]script.Condition
	links map[string]bool // up and running
	files map[string]int64
	good  map[string]int64 // per instance and file: the last value that was not a fault
	procs map[string]bool  // quorum
	prio  map[Instance]int
	srcs  map[netip.Addr]bool // track_src_ip: the source address is present

	// resume and savedProcs are what a restored Tracker continues from
	// (see restore); read only before Start returns.
	resume     map[string]script.CheckState
	savedProcs map[string]bool

	quit chan struct{}
	done chan struct{}
}

// New prepares tracking for cfg and makes cfg's sync groups the current
// ones of o.Groups; nothing runs before Start.
func New(cfg *config.Config, o Options) *Tracker {
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	t := &Tracker{
		cfg: cfg, host: o.Host, os: o.OS, log: log, reload: o.Reload || o.Restored != nil, vmacs: o.VMACs, checksLater: o.ChecksLater,
		events:     make(chan script.CheckEvent, 64),
		procEvents: make(chan procEvent, 16),
		conds:      map[string]script.Condition{}, links: map[string]bool{},
		files: map[string]int64{}, good: map[string]int64{}, procs: map[string]bool{}, prio: map[Instance]int{}, srcs: map[netip.Addr]bool{},
		quit: make(chan struct{}), done: make(chan struct{}), resume: map[string]script.CheckState{},
	}
	var restoredGroups []SavedGroup
	if o.Restored != nil {
		restoredGroups = o.Restored.Groups
	}
	t.groups = o.Groups.replace(cfg, o.Host, log, restoredGroups)
	t.derived = make(map[string]*derivedTracks, len(cfg.Instances))
	for _, in := range cfg.Instances {
		t.derived[in.Name] = kept(t.derive(in))
	}
	for name, c := range o.Carried {
		t.conds[name] = c
	}
	if o.Restored != nil {
		t.restore(o.Restored)
	}
	return t
}

// Start creates the checks of every used vrrp_script, reads the link
// state of tracked interfaces, gives each instance its first priority and
// starts watching. On error, Close still has to be called.
func (t *Tracker) Start(insts []Instance) error {
	t.insts = insts
	t.groups.bind(insts)
	t.logStaticNoTrack()
	t.logOverlaps()
	t.startChecks()
	for _, in := range t.insts {
		for _, name := range t.interfaces(in.Config()) {
			if _, read := t.links[name]; read {
				// One netlink look-up per link, not per instance: a
				// thousand instances on four links made a reload 60 ms
				// longer.
				continue
			}
			ls, err := t.os.Links.Link(name)
			t.links[name] = err == nil && ls.Up && ls.Running
		}
		t.prio[in] = in.Priority()
	}
	t.startFiles()
	t.startProcs()
	w, err := t.os.Links.Watch()
	if err != nil {
		return fmt.Errorf("watch links: %w", err)
	}
	t.watch = w
	t.readSources() // after subscribing, so no change falls in between
	if t.cfg.Global.DynamicInterfaces {
		t.reopenMissing() // after subscribing too
	}
	t.starting = true
	for _, in := range t.insts {
		t.apply(in)
	}
	t.starting = false
	go t.loop()
	return nil
}

// interfaces are the links whose state an instance depends on: its own
// (weight 0, unless dont_track_primary) and its VMACs, the interfaces of
// its items and of the static items of its track_groups (weight 0), and
// its track_interface entries.
func (t *Tracker) interfaces(in *config.Instance) []string {
	out := t.weightZeroIfaces(in)
	for _, ti := range t.tracksOf(in).ifaces {
		out = append(out, ti.Name)
	}
	return out
}

func (t *Tracker) loop() {
	defer close(t.done)
	linkEvents := t.watch.Events()
	var fileChanges <-chan netif.FileChange
	if t.fileW != nil {
		fileChanges = t.fileW.Changes()
	}
	for {
		select {
		case <-t.quit:
			return
		case ev := <-t.events:
			t.checkChanged(ev)
		case ch, ok := <-fileChanges:
			if !ok {
				fileChanges = nil
				continue
			}
			t.fileChanged(ch)
		case ev := <-t.procEvents:
			t.procChanged(ev)
		case ev, ok := <-linkEvents:
			if !ok {
				linkEvents = nil
				continue
			}
			if ev.Kind == netif.WatchFailed {
				linkEvents = t.rewatch(ev.Err)
				continue
			}
			t.linkChanged(ev)
		}
	}
}

// applyWhere re-applies the instances whose trackers match.
func (t *Tracker) applyWhere(uses func(memberTracks) bool) {
	for _, in := range t.insts {
		if uses(t.tracksOf(in.Config())) {
			t.apply(in)
		}
	}
}

func (t *Tracker) linkChanged(ev netif.Event) {
	if ev.Kind == netif.LinkChanged || ev.Kind == netif.AddrAdded {
		t.reopenSockets(ev.Ifname)
	}
	if ev.Kind == netif.AddrRemoved || ev.Kind == netif.AddrAdded {
		t.sourceChanged(ev)
		if ev.Kind == netif.AddrRemoved {
			t.host.AddressRemoved(ev)
		}
		return
	}
	if ev.Kind == netif.LinkDeleted {
		t.host.LinkDeleted(ev.Ifname)
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
	line := fmt.Sprintf("Netlink reports %s down", ev.Ifname)
	switch {
	case up:
		line = fmt.Sprintf("Netlink reports %s up", ev.Ifname)
	case ev.Kind == netif.LinkDeleted:
		line = fmt.Sprintf("Interface %s deleted", ev.Ifname)
	}
	t.log.Info(line, "interface", ev.Ifname, "up", up)
	for _, in := range t.insts {
		for _, name := range t.interfaces(in.Config()) {
			if name == ev.Ifname {
				t.apply(in)
				break
			}
		}
	}
}

// apply recomputes an instance's effective priority and fault; for a
// sync group member, those of every member, which share one fault.
func (t *Tracker) apply(in Instance) {
	g := t.groups.of(in.Config().Name)
	if g == nil {
		ev := t.evaluate(in)
		t.setPriority(in, ev.Effective)
		in.SetFault(ev.InFault())
		return
	}
	var members []Instance
	for _, m := range t.insts {
		if t.groups.of(m.Config().Name) == g {
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
		m.SetFault(fault)
	}
}

func (t *Tracker) evaluate(in Instance) script.Evaluation {
	trs := t.Trackers(in.Config())
	if !in.SocketOpen() {
		trs = append(trs, script.Tracker{Kind: script.TrackInterface, Name: "no socket on " + in.Config().Interface, Cond: script.Down})
	}
	return script.Evaluate(in.Config().Priority, trs)
}

// Close stops the checks, the followers and the goroutine; it is
// idempotent.
func (t *Tracker) Close() {
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
		_ = t.fileW.Close()
	}
	if t.procW != nil {
		t.procW.close()
	}
	t.mu.Lock()
	w := t.watch
	t.mu.Unlock()
	if w != nil {
		_ = w.Close()
		<-t.done
	}
}
