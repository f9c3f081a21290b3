package netif

import (
	"errors"
	"fmt"
	"net/netip"
	"sync"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// EventKind says what an Event reports.
type EventKind int

// Event kinds.
const (
	// LinkChanged: a link was added or changed; Up and Running are set.
	LinkChanged EventKind = iota + 1
	// LinkDeleted: a link was removed.
	LinkDeleted
	// AddrAdded and AddrRemoved: an address appeared on or left IfIndex.
	AddrAdded
	AddrRemoved
	// WatchFailed: the subscription broke (Err says why, typically a
	// netlink buffer overrun). It is the last event: create a new Watcher
	// and re-read the state that matters.
	WatchFailed
)

func (k EventKind) String() string {
	switch k {
	case LinkChanged:
		return "link-changed"
	case LinkDeleted:
		return "link-deleted"
	case AddrAdded:
		return "addr-added"
	case AddrRemoved:
		return "addr-removed"
	case WatchFailed:
		return "watch-failed"
	}
	return fmt.Sprintf("EventKind(%d)", int(k))
}

// Event is one link or address change seen by a Watcher.
type Event struct {
	Kind    EventKind
	IfIndex int
	Ifname  string // best effort for address events on links gone already
	// Up and Running describe the link (LinkChanged only).
	Up, Running bool
	// Addr is the address that came or went (AddrAdded/AddrRemoved).
	Addr netip.Prefix
	Err  error // WatchFailed only
}

// Watcher delivers link and address changes of one namespace, for
// track_interface and for noticing a VIP deleted behind our back. Watch
// makes one from rtnetlink subscriptions; NewWatcher from any other
// source of events (an in-memory host in tests).
type Watcher struct {
	events    <-chan Event
	stop      func()
	closeOnce sync.Once
}

// NewWatcher returns a Watcher delivering events; Close calls stop once,
// which must close events (or stop sending) and return when no more are
// sent.
func NewWatcher(events <-chan Event, stop func()) *Watcher {
	return &Watcher{events: events, stop: stop}
}

// Events returns the channel of changes; it is closed after Close or
// after a WatchFailed event.
func (w *Watcher) Events() <-chan Event { return w.events }

// Close stops the subscription and waits for its goroutines. It is
// idempotent.
func (w *Watcher) Close() error {
	w.closeOnce.Do(w.stop)
	return nil
}

// nlWatch is the rtnetlink side of a Watcher.
type nlWatch struct {
	events chan Event
	done   chan struct{}
	errc   chan error
	names  map[int]string // ifindex -> name, owned by the run goroutine
	h      *netlink.Handle

	closeOnce sync.Once
	wg        sync.WaitGroup
}

// Watch subscribes to link and address changes in the Addrs' namespace.
// Existing state is not replayed: read it with Link/Present after Watch
// returns so that no change can fall between the two.
func (a *Addrs) Watch() (*Watcher, error) {
	w := &nlWatch{
		events: make(chan Event, 64),
		done:   make(chan struct{}),
		errc:   make(chan error, 1),
		names:  map[int]string{},
		h:      a.h,
	}
	var nsp *netns.NsHandle
	if a.ns.IsOpen() {
		ns := a.ns
		nsp = &ns
	}
	onErr := func(err error) {
		select {
		case w.errc <- err:
		default:
		}
	}
	links := make(chan netlink.LinkUpdate, 64)
	addrs := make(chan netlink.AddrUpdate, 64)
	err := netlink.LinkSubscribeWithOptions(links, w.done, netlink.LinkSubscribeOptions{Namespace: nsp, ErrorCallback: onErr,
		ReceiveBufferSize: a.bufs.Monitor, ReceiveBufferForceSize: a.bufs.MonitorForce})
	if err != nil {
		close(w.done)
		return nil, fmt.Errorf("subscribe to link changes: %w", err)
	}
	err = netlink.AddrSubscribeWithOptions(addrs, w.done, netlink.AddrSubscribeOptions{Namespace: nsp, ErrorCallback: onErr,
		ReceiveBufferSize: a.bufs.Monitor, ReceiveBufferForceSize: a.bufs.MonitorForce})
	if err != nil {
		close(w.done)
		drain(links)
		return nil, fmt.Errorf("subscribe to address changes: %w", err)
	}
	w.wg.Add(1)
	go w.run(links, addrs)
	return NewWatcher(w.events, w.close), nil
}

func drain[T any](c <-chan T) {
	for range c {
	}
}

// close ends the subscriptions and waits for the run goroutine.
func (w *nlWatch) close() {
	w.closeOnce.Do(func() { close(w.done) })
	w.wg.Wait()
}

func (w *nlWatch) run(links <-chan netlink.LinkUpdate, addrs <-chan netlink.AddrUpdate) {
	defer w.wg.Done()
	defer close(w.events)
	// The library's goroutines block sending to links/addrs until read, so
	// both are drained until closed whatever happens.
	defer func() { drain(links); drain(addrs) }()
	for {
		var ev Event
		select {
		case <-w.done:
			return
		case u, ok := <-links:
			if !ok {
				w.fail()
				return
			}
			ev = w.linkEvent(u)
		case u, ok := <-addrs:
			if !ok {
				w.fail()
				return
			}
			ev = w.addrEvent(u)
		}
		if !w.send(ev) {
			return
		}
	}
}

func (w *nlWatch) send(ev Event) bool {
	select {
	case w.events <- ev:
		return true
	case <-w.done:
		return false
	}
}

// fail reports why a subscription channel closed, unless we closed it.
func (w *nlWatch) fail() {
	select {
	case <-w.done:
		return
	default:
	}
	var err error
	select {
	case err = <-w.errc:
	default:
		err = errors.New("netlink subscription closed")
	}
	w.send(Event{Kind: WatchFailed, Err: fmt.Errorf("watch links and addresses: %w", err)})
	w.closeOnce.Do(func() { close(w.done) })
}

func (w *nlWatch) linkEvent(u netlink.LinkUpdate) Event {
	at := u.Link.Attrs()
	if u.Header.Type == unix.RTM_DELLINK {
		delete(w.names, at.Index)
		return Event{Kind: LinkDeleted, IfIndex: at.Index, Ifname: at.Name}
	}
	w.names[at.Index] = at.Name
	st := linkState(at)
	return Event{Kind: LinkChanged, IfIndex: at.Index, Ifname: at.Name, Up: st.Up, Running: st.Running}
}

func (w *nlWatch) addrEvent(u netlink.AddrUpdate) Event {
	kind := AddrRemoved
	if u.NewAddr {
		kind = AddrAdded
	}
	ev := Event{Kind: kind, IfIndex: u.LinkIndex, Ifname: w.name(u.LinkIndex)}
	if ip, ok := netip.AddrFromSlice(u.LinkAddress.IP); ok {
		ones, _ := u.LinkAddress.Mask.Size()
		ev.Addr = netip.PrefixFrom(ip.Unmap(), ones)
	}
	return ev
}

func (w *nlWatch) name(index int) string {
	if n, ok := w.names[index]; ok {
		return n
	}
	link, err := w.h.LinkByIndex(index)
	if err != nil {
		return ""
	}
	w.names[index] = link.Attrs().Name
	return link.Attrs().Name
}
