package tracktest

import (
	"slices"
	"sync"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/vrrp"
)

// Instance is a vrrp_instance that records what tracking hands it. With
// a vrrp.Instance behind it (NewVRRPInstance) it also passes everything
// on, so that sync groups couple real state machines.
type Instance struct {
	vi *vrrp.Instance

	mu      sync.Mutex // guards the fields below
	cfg     *config.Instance
	prio    int
	fault   bool
	state   vrrp.State
	socket  bool
	changes []int
	groups  []*vrrp.SyncGroup
}

// NewInstance returns an instance in BACKUP at its configured priority,
// with its socket open.
func NewInstance(cfg *config.Instance) *Instance {
	return &Instance{cfg: cfg, prio: cfg.Priority, state: vrrp.StateBackup, socket: true}
}

// NewVRRPInstance returns an instance whose state machine is vi.
func NewVRRPInstance(cfg *config.Instance, vi *vrrp.Instance) *Instance {
	in := NewInstance(cfg)
	in.vi = vi
	return in
}

// SetState sets the state an instance without a state machine reports.
func (in *Instance) SetState(s vrrp.State) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.state = s
}

// SetSocket opens or closes its socket (dynamic_interfaces).
func (in *Instance) SetSocket(open bool) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.socket = open
}

// Fault is the last fault tracking set.
func (in *Instance) Fault() bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.fault
}

// Changes are the priorities of PriorityChanged calls.
func (in *Instance) Changes() []int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return slices.Clone(in.changes)
}

// Groups are the sync groups it joined.
func (in *Instance) Groups() []*vrrp.SyncGroup {
	in.mu.Lock()
	defer in.mu.Unlock()
	return slices.Clone(in.groups)
}

// Reconfigure swaps its configuration, as a reload that keeps it does.
func (in *Instance) Reconfigure(cfg *config.Instance) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.cfg = cfg
}

// Config implements track.Instance.
func (in *Instance) Config() *config.Instance {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.cfg
}

// State implements track.Instance.
func (in *Instance) State() vrrp.State {
	if in.vi != nil {
		return in.vi.State()
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.state
}

// Priority implements track.Instance: the state machine's, else the
// last priority set.
func (in *Instance) Priority() int {
	if in.vi != nil {
		return int(in.vi.Priority())
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.prio
}

// SetPriority implements track.Instance.
func (in *Instance) SetPriority(prio int) {
	in.mu.Lock()
	in.prio = prio
	in.mu.Unlock()
	if in.vi != nil {
		in.vi.SetPriority(prio)
	}
}

// SetFault implements track.Instance.
func (in *Instance) SetFault(fault bool) {
	in.mu.Lock()
	in.fault = fault
	in.mu.Unlock()
	if in.vi != nil {
		in.vi.SetFault(fault)
	}
}

// PriorityChanged implements track.Instance.
func (in *Instance) PriorityChanged(prio int) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.changes = append(in.changes, prio)
}

// SocketOpen implements track.Instance.
func (in *Instance) SocketOpen() bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.socket
}

// JoinGroup implements track.Instance.
func (in *Instance) JoinGroup(g *vrrp.SyncGroup) {
	in.mu.Lock()
	in.groups = append(in.groups, g)
	in.mu.Unlock()
	if in.vi != nil {
		g.Join(in.vi)
	}
}
