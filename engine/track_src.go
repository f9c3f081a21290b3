package engine

import (
	"net"
	"net/netip"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/netif"
	"github.com/goalived/goalived/script"
)

// trackedSource is the configured source address an instance with
// track_src_ip depends on (unicast_src_ip, else mcast_src_ip); zero when
// it tracks none.
func trackedSource(in *config.Instance) netip.Addr {
	if !in.TrackSrcIP {
		return netip.Addr{}
	}
	if in.UnicastSrcIP.IsValid() {
		return in.UnicastSrcIP
	}
	return in.McastSrcIP
}

// readSources records, at start, whether each tracked source address is
// on its interface.
func (t *tracking) readSources() {
	for _, in := range t.insts {
		src := trackedSource(in.conf())
		if !src.IsValid() {
			continue
		}
		t.srcs[src] = ifaceHasAddr(in.conf().Interface, src)
	}
}

func ifaceHasAddr(ifname string, a netip.Addr) bool {
	ifc, err := net.InterfaceByName(ifname)
	if err != nil {
		return false
	}
	addrs, err := ifc.Addrs()
	if err != nil {
		return false
	}
	for _, x := range addrs {
		if p, err := netip.ParsePrefix(x.String()); err == nil && p.Addr() == a {
			return true
		}
	}
	return false
}

// sourceChanged follows an address event for a tracked source address:
// track_src_ip puts the instance in FAULT while its source address is
// gone (reference 2.4).
func (t *tracking) sourceChanged(ev netif.Event) {
	a := ev.Addr.Addr()
	t.mu.Lock()
	old, known := t.srcs[a]
	now := ev.Kind == netif.AddrAdded
	if known {
		t.srcs[a] = now
	}
	t.mu.Unlock()
	if !known || old == now {
		return
	}
	t.e.log.Info("tracked source address changed", "address", a, "present", now)
	for _, in := range t.insts {
		if trackedSource(in.conf()) == a {
			t.apply(in)
		}
	}
}

// sourceTracker is the weight-0 tracker of track_src_ip; call with t.mu
// held.
func (t *tracking) sourceTrackerLocked(in *config.Instance) (script.Tracker, bool) {
	src := trackedSource(in)
	if !src.IsValid() {
		return script.Tracker{}, false
	}
	return script.Tracker{Kind: script.TrackInterface, Name: "source " + src.String(), Cond: linkCond(t.srcs[src])}, true
}
