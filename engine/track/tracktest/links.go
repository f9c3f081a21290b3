package tracktest

import (
	"fmt"
	"net/netip"
	"slices"
	"sync"

	"github.com/goalived/goalived/engine/track"
	"github.com/goalived/goalived/netif"
)

// Links are network interfaces and their addresses in memory. Every
// change is delivered to the open watches, as netif.Watcher delivers
// kernel notifications.
type Links struct {
	mu       sync.Mutex // guards the fields below
	links    map[string]netif.LinkState
	addrs    map[string][]netip.Addr
	watches  []*linkWatch
	watchErr error
	nextIdx  int
}

// NewLinks returns an empty host.
func NewLinks() *Links {
	return &Links{links: map[string]netif.LinkState{}, addrs: map[string][]netip.Addr{}}
}

// FailWatch makes the next Watch calls fail with err.
func (l *Links) FailWatch(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.watchErr = err
}

// SetLink creates the link or changes its state: up means up and
// running.
func (l *Links) SetLink(name string, up bool) {
	l.mu.Lock()
	ls, ok := l.links[name]
	if !ok {
		l.nextIdx++
		ls.Index = l.nextIdx
	}
	ls.Up, ls.Running = up, up
	l.links[name] = ls
	l.mu.Unlock()
	l.send(netif.Event{Kind: netif.LinkChanged, IfIndex: ls.Index, Ifname: name, Up: up, Running: up})
}

// DeleteLink removes a link and its addresses.
func (l *Links) DeleteLink(name string) {
	l.mu.Lock()
	ls := l.links[name]
	delete(l.links, name)
	delete(l.addrs, name)
	l.mu.Unlock()
	l.send(netif.Event{Kind: netif.LinkDeleted, IfIndex: ls.Index, Ifname: name})
}

// AddAddr puts a (as a host prefix) on ifname.
func (l *Links) AddAddr(ifname string, a netip.Addr) {
	l.mu.Lock()
	l.addrs[ifname] = append(l.addrs[ifname], a)
	idx := l.links[ifname].Index
	l.mu.Unlock()
	l.send(netif.Event{Kind: netif.AddrAdded, IfIndex: idx, Ifname: ifname, Addr: netip.PrefixFrom(a, a.BitLen())})
}

// RemoveAddr deletes a from ifname.
func (l *Links) RemoveAddr(ifname string, a netip.Addr) {
	l.mu.Lock()
	l.addrs[ifname] = slices.DeleteFunc(l.addrs[ifname], func(x netip.Addr) bool { return x == a })
	idx := l.links[ifname].Index
	l.mu.Unlock()
	l.send(netif.Event{Kind: netif.AddrRemoved, IfIndex: idx, Ifname: ifname, Addr: netip.PrefixFrom(a, a.BitLen())})
}

// Break ends every watch with a WatchFailed event, as a netlink overrun
// does.
func (l *Links) Break(err error) {
	l.send(netif.Event{Kind: netif.WatchFailed, Err: err})
}

// Link implements track.Links.
func (l *Links) Link(name string) (netif.LinkState, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	ls, ok := l.links[name]
	if !ok {
		return netif.LinkState{}, fmt.Errorf("read link %s: no such link", name)
	}
	return ls, nil
}

// HasAddr implements track.Links.
func (l *Links) HasAddr(ifname string, a netip.Addr) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	_, exists := l.links[ifname]
	return exists && slices.Contains(l.addrs[ifname], a)
}

// Watch implements track.Links.
func (l *Links) Watch() (track.LinkWatch, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.watchErr != nil {
		return nil, l.watchErr
	}
	w := &linkWatch{events: make(chan netif.Event, 64), done: make(chan struct{})}
	l.watches = append(l.watches, w)
	return w, nil
}

// Watches counts the watches not closed yet.
func (l *Links) Watches() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, w := range l.watches {
		if !w.isClosed() {
			n++
		}
	}
	return n
}

func (l *Links) send(ev netif.Event) {
	l.mu.Lock()
	watches := slices.Clone(l.watches)
	l.mu.Unlock()
	for _, w := range watches {
		w.send(ev)
	}
}

type linkWatch struct {
	events chan netif.Event
	mu     sync.Mutex // guards failed
	failed bool
	once   sync.Once
	done   chan struct{}
}

func (w *linkWatch) Events() <-chan netif.Event { return w.events }

// Close implements track.LinkWatch; it is idempotent.
func (w *linkWatch) Close() error {
	w.once.Do(func() { close(w.done) })
	return nil
}

func (w *linkWatch) isClosed() bool {
	select {
	case <-w.done:
		return true
	default:
		return false
	}
}

// send delivers ev unless the watch is closed or failed; a failure is
// the last event, as with netif.Watcher.
func (w *linkWatch) send(ev netif.Event) {
	w.mu.Lock()
	if w.failed {
		w.mu.Unlock()
		return
	}
	w.failed = ev.Kind == netif.WatchFailed
	w.mu.Unlock()
	select {
	case w.events <- ev:
	case <-w.done:
	}
}
