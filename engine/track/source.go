package track

import (
	"fmt"
	"net/netip"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/netif"
	"github.com/goalived/goalived/script"
)

// track_src_ip: keepalived puts an instance in FAULT while its configured
// source address (unicast_src_ip, else mcast_src_ip) is not on its
// interface.

// trackedSource is the source address an instance with track_src_ip
// depends on; zero when it tracks none.
func trackedSource(in *config.Instance) netip.Addr {
	if !in.TrackSrcIP {
		return netip.Addr{}
	}
	if in.UnicastSrcIP().IsValid() {
		return in.UnicastSrcIP()
	}
	return in.McastSrcIP()
}

// readSources records, at start, whether each tracked source address is
// on its interface.
func (t *Tracker) readSources() {
	for _, in := range t.insts {
		src := trackedSource(in.Config())
		if !src.IsValid() {
			continue
		}
		t.srcs[src] = t.os.Links.HasAddr(in.Config().Interface, src)
	}
}

// sourceChanged follows an address event for a tracked source address.
func (t *Tracker) sourceChanged(ev netif.Event) {
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
	t.log.Info(fmt.Sprintf("tracked source address %v now present: %t", a, now), "address", a, "present", now)
	for _, in := range t.insts {
		if trackedSource(in.Config()) == a {
			t.apply(in)
		}
	}
}

// sourceTrackerLocked is the weight-0 tracker of track_src_ip; t.mu is
// held.
func (t *Tracker) sourceTrackerLocked(in *config.Instance) (script.Tracker, bool) {
	src := trackedSource(in)
	if !src.IsValid() {
		return script.Tracker{}, false
	}
	return script.Tracker{Kind: script.TrackInterface, Name: "source " + src.String(), Cond: linkCond(t.srcs[src])}, true
}
