package netiftest

import (
	"fmt"
	"net"

	"github.com/goalived/goalived/netif"
)

// links is the host as engine.Links.
type links struct{ h *Host }

func (x links) Link(ifname string) (netif.LinkState, error) {
	h := x.h
	h.mu.Lock()
	defer h.mu.Unlock()
	l := h.linkLocked(ifname)
	if l == nil {
		return netif.LinkState{}, fmt.Errorf("read link %s: link not found", ifname)
	}
	return netif.LinkState{Index: l.index, Up: l.up, Running: l.running, MAC: l.mac, MTU: l.mtu}, nil
}

func (x links) Links() ([]netif.LinkInfo, error) {
	h := x.h
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]netif.LinkInfo, 0, len(h.links))
	for _, l := range h.links {
		li := netif.LinkInfo{Name: l.name, Index: l.index, MTU: l.mtu, MAC: l.mac, Encap: "ether", Flags: l.flags()}
		for _, v6 := range []bool{false, true} {
			for _, a := range l.addrs {
				if a.Prefix.Addr().Is6() == v6 {
					li.Addrs = append(li.Addrs, netif.AddrInfo{Prefix: a.Prefix, Secondary: a.secondary})
				}
			}
		}
		out = append(out, li)
	}
	return out, nil
}

func (l *link) flags() net.Flags {
	f := net.FlagBroadcast | net.FlagMulticast
	if l.up {
		f |= net.FlagUp
	}
	if l.running {
		f |= net.FlagRunning
	}
	return f
}

func (x links) SetBufs(b netif.NetlinkBufs) error {
	x.h.mu.Lock()
	x.h.bufs = b
	x.h.mu.Unlock()
	return nil
}

// NetlinkBufs returns what the engine asked of the netlink sockets.
func (h *Host) NetlinkBufs() netif.NetlinkBufs {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.bufs
}

// watchBuffer is how many changes a watcher holds before it fails, as a
// netlink socket overruns.
const watchBuffer = 1024

// watcher delivers the host's changes to one subscriber.
type watcher struct {
	h      *Host
	events chan netif.Event
}

func (x links) Watch() (*netif.Watcher, error) {
	h := x.h
	w := &watcher{h: h, events: make(chan netif.Event, watchBuffer)}
	h.mu.Lock()
	h.watchers[w] = true
	h.mu.Unlock()
	return netif.NewWatcher(w.events, w.stop), nil
}

// stop unsubscribes and closes the events.
func (w *watcher) stop() {
	w.h.mu.Lock()
	defer w.h.mu.Unlock()
	if w.h.watchers[w] {
		delete(w.h.watchers, w)
		close(w.events)
	}
}

// emitLocked sends ev to every watcher without blocking; one that is full
// gets WatchFailed as its last event instead, as an overrun netlink
// subscription ends.
func (h *Host) emitLocked(ev netif.Event) {
	for w := range h.watchers {
		if len(w.events) < cap(w.events)-1 {
			w.events <- ev
			continue
		}
		w.events <- netif.Event{Kind: netif.WatchFailed, Err: fmt.Errorf("watch links and addresses: overrun")}
		delete(h.watchers, w)
		close(w.events)
	}
}

// Watchers is how many subscriptions are open (the engine closes its
// own).
func (h *Host) Watchers() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.watchers)
}
