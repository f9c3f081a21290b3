package engine

import (
	"net/netip"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/engine/track"
	"github.com/goalived/goalived/netif"
	"github.com/goalived/goalived/script"
	"github.com/goalived/goalived/vrrp"
)

// The engine's side of package track, which turns the trackers into the
// instances' priorities and faults and runs the sync groups.

// newTracking prepares tracking for cfg, whose instances e.insts are
// (their VMACs are tracked). carried are the conditions of the scripts a
// reload keeps (nil at start); restored is a hot upgrade's saved
// tracking (nil otherwise).
func (e *Engine) newTracking(cfg *config.Config, carried map[string]script.Condition, restored *track.Saved) *track.Tracker {
	return track.New(cfg, track.Options{
		Host: trackHost{e}, OS: e.trackOS(), Logger: e.log, Groups: &e.groups,
		Reload: carried != nil, Carried: carried, Restored: restored, VMACs: trackedVMACs(e.insts),
		// A start or reload starts the checks once the instances left INIT
		// (Engine.started); a handed-over tracker goes on at once.
		ChecksLater: restored == nil,
	})
}

// trackOS is the host as package track reads it: the engine's links,
// files, processes, and checks run through the host's script runner.
func (e *Engine) trackOS() track.OS {
	return track.OS{
		Links: trackLinks{e.host.Links}, Files: e.host.Files, Processes: e.host.Processes,
		Checks: trackChecks{e.host.Scripts},
	}
}

// trackLinks adapts the host's Links to package track's.
type trackLinks struct{ l Links }

func (t trackLinks) Link(ifname string) (netif.LinkState, error) { return t.l.Link(ifname) }

// HasAddr looks a up among ifname's addresses (track_src_ip; a lookup on
// an address event, not per packet).
func (t trackLinks) HasAddr(ifname string, a netip.Addr) bool {
	links, err := t.l.Links()
	if err != nil {
		return false
	}
	for _, li := range links {
		if li.Name != ifname {
			continue
		}
		for _, p := range li.Addrs {
			if p.Prefix.Addr() == a {
				return true
			}
		}
	}
	return false
}

func (t trackLinks) Watch() (track.LinkWatch, error) {
	w, err := t.l.Watch()
	if err != nil {
		return nil, err
	}
	return w, nil
}

// trackChecks runs the vrrp_script checks through the host's scripts.
type trackChecks struct{ s Scripts }

func (t trackChecks) NewCheck(cfg script.CheckConfig) (track.Check, error) {
	cfg.Run = t.s.Run
	c, err := script.NewCheck(cfg)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// members are the instances as package track drives them.
func (e *Engine) members(insts []*instance) []track.Instance {
	out := make([]track.Instance, len(insts))
	for i, in := range insts {
		out[i] = member{in: in, e: e}
	}
	return out
}

// trackHost is the engine as package track needs it.
type trackHost struct{ e *Engine }

func (h trackHost) Command(c *config.Command) (script.Command, []string, error) {
	return h.e.cmds.command(c)
}

func (h trackHost) NotifyScripts(group string, n *config.Notifies) script.NotifyScripts {
	return h.e.notifyScripts(group, n)
}

func (h trackHost) Notify(ns script.NotifyScripts, t script.Transition) error {
	defer h.e.onNotify(t)
	return h.e.notifier.Notify(ns, t)
}

func (h trackHost) NotifyEvent(instance, event string, prio int) {
	h.e.notifyEvent(instance, event, prio)
}

func (h trackHost) ReopenSockets(ifname string) []track.Instance { return h.e.reopenSockets(ifname) }

func (h trackHost) AddressRemoved(ev netif.Event) { h.e.vipRemoved(ev) }

func (h trackHost) LinkDeleted(ifname string) { h.e.vmacDeleted(ifname) }

// member is an instance as package track drives it; equal for the same
// instance.
type member struct {
	in *instance
	e  *Engine
}

func (m member) Config() *config.Instance    { return m.in.conf() }
func (m member) State() vrrp.State           { return m.in.vi.State() }
func (m member) Priority() int               { return int(m.in.vi.Priority()) }
func (m member) SetPriority(prio int)        { m.in.vi.SetPriority(prio) }
func (m member) SetFault(fault bool)         { m.in.vi.SetFault(fault) }
func (m member) SocketOpen() bool            { return m.in.sock.isOpen() }
func (m member) JoinGroup(g *vrrp.SyncGroup) { g.Join(m.in.vi) }

// PriorityChanged is told before the instance has taken the priority:
// the status file follows the instance's own report of it (OnChange is
// called there), not this.
func (m member) PriorityChanged(prio int) {
	m.in.status.setPriority(prio)
}
