package netif

import (
	"fmt"
	"net/netip"
	"sync"
	"syscall"

	"github.com/vishvananda/netlink"
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
	names  map[int]string // ifindex -> name, owned by the run goroutine
	h      *netlink.Handle
	sub    *routeSub

	closeOnce sync.Once
	wg        sync.WaitGroup
}

// Watch subscribes to link and address changes in the Addrs' namespace.
// Existing state is not replayed: read it with Link/Present after Watch
// returns so that no change can fall between the two.
func (a *Addrs) Watch() (*Watcher, error) {
	sub, err := subscribeRoute(a.ns, a.bufs)
	if err != nil {
		return nil, fmt.Errorf("subscribe to link and address changes: %w", err)
	}
	w := &nlWatch{
		events: make(chan Event, 64),
		done:   make(chan struct{}),
		names:  map[int]string{},
		h:      a.h,
		sub:    sub,
	}
	w.wg.Add(1)
	go w.run()
	return NewWatcher(w.events, w.close), nil
}

// close ends the subscription and waits for the run goroutine.
func (w *nlWatch) close() {
	w.end()
	w.wg.Wait()
}

// end closes done and the socket, which unblocks a pending read.
func (w *nlWatch) end() {
	w.closeOnce.Do(func() {
		close(w.done)
		w.sub.close()
	})
}

func (w *nlWatch) run() {
	defer w.wg.Done()
	defer close(w.events)
	for {
		msgs, err := w.sub.read()
		if err != nil {
			w.fail(err)
			return
		}
		for _, m := range msgs {
			ev, ok, err := w.event(m)
			if err != nil {
				w.fail(err)
				return
			}
			if ok && !w.send(ev) {
				return
			}
		}
	}
}

// event turns one message into an event; ok is false for a message the
// watcher does not report (the groups carry only links and addresses).
func (w *nlWatch) event(m syscall.NetlinkMessage) (ev Event, ok bool, err error) {
	switch m.Header.Type {
	case unix.RTM_NEWLINK, unix.RTM_DELLINK:
		l, err := parseLinkMsg(m.Data)
		if err != nil {
			return Event{}, false, err
		}
		return w.linkEvent(m.Header.Type, l), true, nil
	case unix.RTM_NEWADDR, unix.RTM_DELADDR:
		a, err := parseAddrMsg(m.Data)
		if err != nil {
			return Event{}, false, err
		}
		return w.addrEvent(m.Header.Type, a), true, nil
	}
	return Event{}, false, nil
}

func (w *nlWatch) send(ev Event) bool {
	select {
	case w.events <- ev:
		return true
	case <-w.done:
		return false
	}
}

// fail reports why the subscription broke (a receive buffer overrun:
// ENOBUFS), unless we closed it.
func (w *nlWatch) fail(err error) {
	select {
	case <-w.done:
		return
	default:
	}
	w.send(Event{Kind: WatchFailed, Err: fmt.Errorf("watch links and addresses: %w", err)})
	w.end()
}

func (w *nlWatch) linkEvent(typ uint16, l linkMsg) Event {
	if typ == unix.RTM_DELLINK {
		delete(w.names, l.index)
		return Event{Kind: LinkDeleted, IfIndex: l.index, Ifname: l.name}
	}
	w.names[l.index] = l.name
	return Event{Kind: LinkChanged, IfIndex: l.index, Ifname: l.name,
		Up: l.flags&unix.IFF_UP != 0, Running: l.flags&unix.IFF_RUNNING != 0}
}

func (w *nlWatch) addrEvent(typ uint16, a addrMsg) Event {
	kind := AddrRemoved
	if typ == unix.RTM_NEWADDR {
		kind = AddrAdded
	}
	return Event{Kind: kind, IfIndex: a.index, Ifname: w.name(a.index), Addr: a.addr}
}

func (w *nlWatch) name(index int) string {
	if n, ok := w.names[index]; ok {
		return n
	}
	var link netlink.Link
	err := onOwnStack(func() (err error) { // the library's 64 KiB receive array
		link, err = w.h.LinkByIndex(index)
		return err
	})
	if err != nil {
		return ""
	}
	w.names[index] = link.Attrs().Name
	return link.Attrs().Name
}
