package engine

import (
	"fmt"
	"time"

	"github.com/goalived/goalived/netif"
)

// vipRemoved handles an address deleted behind our back (an operator, a
// network manager, an ifdown). keepalived 2.2.7 resigns and takes over
// again after the skew time, flapping through BACKUP with notifies;
// goalived instead puts the address back at once and
// re-announces it, so a lone master never holds its VIP "on paper" only.
// Addresses marked no_track are left alone, as in keepalived.
//
// It runs on the tracking goroutine and takes no engine lock (see
// reopenSockets): Close and Reload hold e.mu while they wait for that
// goroutine to end.
func (e *Engine) vipRemoved(ev netif.Event) {
	if ev.Kind != netif.AddrRemoved {
		return
	}
	for _, in := range e.insts {
		if !in.vips.ownsDeleted(ev.Ifname, ev.Addr) {
			continue
		}
		name := in.conf().Name
		// keepalived's -D line, then goalived's own (keepalived resigns).
		e.detail(fmt.Sprintf("Netlink reflector reports IP %v removed from %s", ev.Addr.Addr(), ev.Ifname))
		e.log.Warn(fmt.Sprintf("(%s) restoring VIP %v on %s removed from outside", name, ev.Addr, ev.Ifname),
			"instance", name, "address", ev.Addr, "interface", ev.Ifname)
		restored, err := in.vips.restore()
		if err != nil {
			e.log.Error(fmt.Sprintf("(%s) VIP %v not restored: %v", name, ev.Addr, err), "instance", name, "err", err)
			continue
		}
		if !restored {
			continue // released meanwhile (FAULT, BACKUP): nothing to put back
		}
		if err := (&announcer{a: e.ann, vips: in.vips}).Announce(1); err != nil {
			e.log.Warn(fmt.Sprintf("(%s) restored VIPs not announced: %v", name, err), "instance", name, "err", err)
		}
	}
}

// vipRetry is how often a master retries installing addresses, routes or
// rules that failed (a device not there yet, a transient netlink error).
const vipRetry = time.Second

// vipsRestored logs and announces an install that succeeded on a retry.
func (e *Engine) vipsRestored(in *instance) {
	name := in.conf().Name
	e.log.Info(fmt.Sprintf("(%s) setting VIPs. done on retry", name), "instance", name)
	if err := in.ann.Announce(1); err != nil {
		e.log.Warn(fmt.Sprintf("(%s) VIPs set on retry not announced: %v", name, err), "instance", name, "err", err)
	}
}
