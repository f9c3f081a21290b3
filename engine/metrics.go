package engine

import (
	"net/netip"
	"sort"

	"github.com/goalived/goalived/netif"
	"github.com/goalived/goalived/script"
	"github.com/goalived/goalived/vrrp"
)

// InstanceMetrics is what the metrics endpoint exports of one instance.
type InstanceMetrics struct {
	// Interface is the instance's interface, its VMAC with use_vmac (as
	// keepalived's JSON dump names it, which keepalived-exporter's intf
	// label takes).
	Name, Interface             string
	VRID                        int
	State                       vrrp.State
	BasePriority, Priority      int
	VIPs                        []netip.Prefix
	Stats                       vrrp.Stats
	TransitionsByReason         map[string]uint64
	GARPDelaySeconds            float64
	MaxLatenessSeconds, Overrun float64
	// LogLinesSuppressed counts the per-packet log lines left out of the
	// log (summarised) because their kind was over its budget.
	LogLinesSuppressed uint64
}

// ScriptMetrics is what the metrics endpoint exports of one vrrp_script.
type ScriptMetrics struct {
	Name string
	// Up is 1 when the check is OK, 0 when failed, -1 before its first
	// result or when disabled.
	Up float64
	// Runs, Failures and LastDuration describe the check's finished runs
	// (zero for a script no instance tracks, which is never run).
	Runs, Failures uint64
	LastDuration   float64 // seconds
}

// Metrics returns a snapshot for the metrics endpoint.
func (e *Engine) Metrics() ([]InstanceMetrics, []ScriptMetrics) {
	insts := e.instances()
	out := make([]InstanceMetrics, 0, len(insts))
	for _, in := range insts {
		pin := in.conf()
		trans := in.status.transitionsByReason()
		in.status.mu.Lock()
		limiter := in.status.limiter
		in.status.mu.Unlock()
		var vips []netip.Prefix
		for _, v := range pin.VIPs {
			vips = append(vips, v.Prefix)
		}
		out = append(out, InstanceMetrics{
			Name: pin.Name, Interface: in.vmacs.ifname(pin), VRID: pin.VRID,
			State: in.vi.State(), BasePriority: pin.Priority, Priority: int(in.vi.Priority()),
			VIPs: vips, Stats: in.vi.Stats(), TransitionsByReason: trans,
			GARPDelaySeconds:   pin.GARP.MasterDelay.Seconds(),
			MaxLatenessSeconds: in.vi.MaxLateness().Seconds(), Overrun: float64(in.vi.Overruns()),
			LogLinesSuppressed: limiter.suppressedTotal(),
		})
	}
	return out, e.scriptMetrics()
}

// AnnounceStats counts the gratuitous ARPs and unsolicited NAs sent,
// retried, failed and skipped per interface and family since start.
func (e *Engine) AnnounceStats() []netif.AnnounceStats {
	e.mu.Lock()
	a := e.ann
	e.mu.Unlock()
	if a == nil {
		return nil
	}
	return a.Stats()
}

func (e *Engine) scriptMetrics() []ScriptMetrics {
	e.mu.Lock()
	t := e.track
	e.mu.Unlock()
	if t == nil {
		return nil
	}
	stats := t.CheckStats()
	var out []ScriptMetrics
	for name, c := range t.Conditions() {
		up := -1.0
		switch c {
		case script.Up:
			up = 1
		case script.Down:
			up = 0
		}
		st := stats[name]
		out = append(out, ScriptMetrics{Name: name, Up: up, Runs: st.Runs, Failures: st.Failures, LastDuration: st.LastDuration.Seconds()})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
