package engine

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"sync"
	"time"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/engine/track"
	"github.com/goalived/goalived/netif"
	"github.com/goalived/goalived/vrrp"
)

// A hot upgrade hands a running engine to a new goalived process without
// a transition. The new process prepares an engine of its configuration
// (Prepare: the sockets are open) and asks for the state; the old one
// freezes (Freeze: checks and notify scripts in progress finish within a
// bound, then every instance stops where it is, sending, releasing and
// notifying nothing) and hands over the State; the new one resumes from
// it (Resume), adopting the nftables table and the VMACs, and applies
// its configuration as a reload would; the old one then retires
// (Retire), leaving every address, route, rule, kernel setting, the table
// and the VMACs in place, and once it has exited the new one settles
// (Settle: what only the old one's dropped instances had goes). If the
// new process fails, the old one thaws (Thaw) and carries on from its own
// State.

// StateFormat is the layout of State; a process refuses a State of
// another format (the old process then carries on).
const StateFormat = 1

// State is a running engine's state. encoding/json carries it.
type State struct {
	Format int `json:"format"`
	// At is when the engine froze, on its clock. Across processes its
	// monotonic reading is lost: the receiver converts it (see Resume).
	At        time.Time       `json:"at"`
	Instances []InstanceState `json:"instances"`
	// Static are the static addresses, routes and rules installed.
	Static  Items         `json:"static"`
	Sysctls []SavedSysctl `json:"sysctls,omitempty"`
	Track   track.Saved   `json:"track"`
	// Net is the nftables table and the VMACs, which stay in place.
	Net NetState `json:"net"`
}

// InstanceKey is how a reload pairs a running instance with one of a new
// configuration (see matchKey): not by name but by what it is on the
// wire.
type InstanceKey struct {
	VRID      int           `json:"vrid"`
	Family    config.Family `json:"family"`
	Interface string        `json:"interface"`
	Unicast   bool          `json:"unicast,omitempty"`
	Src       netip.Addr    `json:"src,omitzero"`
	Group     netip.Addr    `json:"group,omitzero"`
	AH        bool          `json:"ah,omitempty"`
	// VMAC describes the instance's VMACs (vmacKey): keepalived pairs no
	// old instance with a new one whose use_vmac changed, so neither
	// does a hot upgrade.
	VMAC string `json:"vmac,omitempty"`
}

func keyFor(pin *config.Instance) InstanceKey {
	k := keyOf(pin)
	return InstanceKey{VRID: k.vrid, Family: k.family, Interface: k.ifname, Unicast: k.unicast, Src: k.src, Group: k.group,
		AH: k.ah, VMAC: vmacKey(pin)}
}

// Keys are the keys of cfg's instances: a new process sends them to the
// old one, which keeps running the instances no key pairs with until the
// handover is done, and then stops them as a reload removes them.
func Keys(cfg *config.Config) []InstanceKey {
	out := make([]InstanceKey, len(cfg.Instances))
	for i, pin := range cfg.Instances {
		out[i] = keyFor(pin)
	}
	return out
}

// InstanceState is one frozen instance.
type InstanceState struct {
	Name string      `json:"name"`
	Key  InstanceKey `json:"key"`
	VRRP vrrp.Saved  `json:"vrrp"`
	// Config is the protocol configuration it ran with: the new process
	// starts it so and reloads the new one into it, as a reload does.
	Config vrrp.Config `json:"config"`
	// Items are its addresses, routes and rules; Owned says they are
	// installed (a master's).
	Items Items `json:"items"`
	Owned bool  `json:"owned,omitempty"`
	// Since and Reason are the status file's.
	Since  time.Time `json:"since"`
	Reason string    `json:"reason,omitempty"`
}

// Items are addresses, routes and rules as a State carries them.
type Items struct {
	Addrs   []netif.Addr  `json:"addrs,omitempty"`
	NoTrack []bool        `json:"no_track,omitempty"`
	Routes  []netif.Route `json:"routes,omitempty"`
	Rules   []netif.Rule  `json:"rules,omitempty"`
}

func itemsOf(s ownedSet) Items {
	return Items{Addrs: s.addrs, NoTrack: s.noTrack, Routes: s.routes, Rules: s.rules}
}

func (it Items) set() ownedSet {
	return ownedSet{addrs: it.Addrs, noTrack: it.NoTrack, routes: it.Routes, rules: it.Rules}
}

// SavedSysctl is a kernel setting the engine changed and the value to
// put back when the daemon finally stops.
type SavedSysctl struct {
	Name     string `json:"name"`
	Original string `json:"original"`
}

// errFrozen refuses what a frozen engine cannot do.
var errFrozen = errors.New("engine frozen for a handover")

// Freeze stops the engine for a handover and returns its state. Notify
// scripts queued or running and checks in progress are allowed to
// finish until ctx ends (then the checks are killed; the notify scripts
// go on and Retire waits for them); meanwhile the instances run. Then the
// trackers stop and every instance keep selects freezes: nothing is sent,
// released, announced or notified, and every address, route, rule and
// setting stays. The others (those the new configuration drops; keep
// nil keeps all) run on until Retire or Thaw. On error nothing is frozen.
func (e *Engine) Freeze(ctx context.Context, keep func(InstanceKey) bool) (*State, error) {
	if e.notifier != nil {
		if err := e.notifier.Idle(ctx); err != nil {
			e.log.Warn(fmt.Sprintf("handover: notify scripts still running: %v", err), "err", err)
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.freezable(); err != nil {
		return nil, fmt.Errorf("freeze: %w", err)
	}
	st := &State{Format: StateFormat, Track: e.track.Freeze(ctx), At: e.clock.Now()}
	if e.static != nil {
		st.Static = itemsOf(e.static.current())
	}
	for _, name := range e.sysctl.names {
		st.Sysctls = append(st.Sysctls, SavedSysctl{Name: name, Original: e.sysctl.original[name]})
	}
	st.Net = e.saveNet()
	var mu sync.Mutex
	var wg sync.WaitGroup
	var errs []error
	for _, in := range e.insts {
		pin := in.conf()
		if keep != nil && !keep(keyFor(pin)) {
			continue
		}
		wg.Go(func() {
			is, err := e.freezeInstance(in)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			st.Instances = append(st.Instances, is)
		})
	}
	wg.Wait()
	e.orderStates(st)
	e.frozen = st
	if err := errors.Join(errs...); err != nil {
		e.thawLocked(st, st.At)
		return nil, fmt.Errorf("freeze: %w", err)
	}
	e.notifier.SetFIFOs(nil)
	stopFIFOReaders(e.fifos)
	if err := closeFIFOs(e.fifos); err != nil {
		e.log.Warn(fmt.Sprintf("handover: closing notify fifo: %v", err), "err", err)
	}
	e.fifos = nil
	return st, nil
}

// freezable reports why the engine cannot be frozen now: a closed or
// frozen engine, instances that have not left INIT (vrrp_startup_delay).
func (e *Engine) freezable() error {
	switch {
	case e.closed:
		return errors.New("engine closed")
	case e.frozen != nil:
		return errFrozen
	case e.track == nil:
		return errors.New("engine not started")
	}
	for _, in := range e.insts {
		switch in.vi.State() {
		case vrrp.StateBackup, vrrp.StateMaster, vrrp.StateFault:
		default:
			return fmt.Errorf("instance %s is in %v", in.conf().Name, in.vi.State())
		}
	}
	return nil
}

// freezeInstance freezes one instance and stops its retries.
func (e *Engine) freezeInstance(in *instance) (InstanceState, error) {
	pin := in.conf()
	cfg := vrrpConfig(pin, in.sock.source(), e.opts)
	saved, err := in.vi.Freeze()
	if err != nil {
		return InstanceState{}, err
	}
	set, owned := in.vips.freeze()
	st := in.status.get(pin)
	return InstanceState{Name: pin.Name, Key: keyFor(pin), VRRP: saved, Config: cfg, Items: itemsOf(set),
		Owned: owned, Since: st.Since, Reason: st.Reason}, nil
}

// orderStates puts the instances' states in configuration order.
func (e *Engine) orderStates(st *State) {
	byName := map[string]InstanceState{}
	for _, is := range st.Instances {
		byName[is.Name] = is
	}
	st.Instances = st.Instances[:0]
	for _, in := range e.insts {
		if is, ok := byName[in.conf().Name]; ok {
			st.Instances = append(st.Instances, is)
		}
	}
}

// Thaw resumes a frozen engine from its own state after a failed
// handover: its instances carry on where they stopped (their timers
// count from the freeze), tracking starts again from the saved
// conditions and the FIFOs are opened again; nothing is notified.
func (e *Engine) Thaw() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.frozen == nil {
		return errors.New("thaw: engine not frozen")
	}
	e.reopenFIFOs(e.cfg.Global)
	err := e.thawLocked(e.frozen, e.frozen.At)
	// The new process may have changed the table before it failed, and
	// the process before it is gone (an upgrade waits for that): the
	// table is brought back in line with this engine's instances.
	if serr := e.settleLocked(); serr != nil {
		e.log.Warn(fmt.Sprintf("handover: %v", serr), "err", serr)
	}
	return err
}

// thawLocked replaces the frozen instances of st by restored ones and
// starts tracking again; e.mu is held.
func (e *Engine) thawLocked(st *State, savedAt time.Time) error {
	byName := map[string]*InstanceState{}
	for i := range st.Instances {
		byName[st.Instances[i].Name] = &st.Instances[i]
	}
	var errs []error
	for i, in := range e.insts {
		is := byName[in.conf().Name]
		if is == nil {
			continue
		}
		in.sock.detach(uint8(in.conf().VRID))
		next, _, err := e.restoreInstance(in.conf(), is, savedAt)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		e.insts[i] = next
		e.forgetOwner(in)
	}
	e.track = e.newTracking(e.cfg, nil, &st.Track)
	if err := e.track.Start(e.members(e.insts)); err != nil {
		errs = append(errs, err)
	}
	for _, in := range e.insts {
		if err := in.vi.Start(); err != nil {
			errs = append(errs, err)
		}
	}
	e.startReaders()
	e.frozen = nil
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("thaw: %w", err)
	}
	return nil
}

// forgetOwner withdraws the firewall declarations of an instance that a
// restored one replaced: its successor declared the same, so the table
// does not change.
func (e *Engine) forgetOwner(in *instance) {
	if e.fw == nil {
		return
	}
	if err := errors.Join(e.fw.SetBlocked(in.owner, nil), e.fw.SetVMAC(in.owner, nil)); err != nil {
		e.log.Warn(fmt.Sprintf("handover: %v", err), "err", err)
	}
}
