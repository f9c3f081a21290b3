package track

import (
	"errors"
	"fmt"
	"slices"
	"syscall"

	"github.com/goalived/goalived/netif"
)

// rewatch follows a broken link watch with a new one. A watch breaks when
// the kernel dropped events (its receive buffer overran): keepalived 2.2.7
// logs the overrun and reads on, the lost events lost for good; goalived
// subscribes again and then re-reads what they may have changed, the
// tracked links' states and the instances' source addresses, so that a
// link that went down meanwhile still faults its instances. It returns
// the new watch's events, nil if none could be made (tracking then keeps
// the last states, and says so).
func (t *Tracker) rewatch(failed error) <-chan netif.Event {
	if errors.Is(failed, syscall.ENOBUFS) {
		t.log.Info(fmt.Sprintf("Netlink: Receive buffer overrun on monitor socket - (%s)", Strerror(failed)), "err", failed)
		t.log.Info("  - increase the relevant netlink_rcv_bufs global parameter and/or set force")
	} else {
		t.log.Error(fmt.Sprintf("link watch failed: %v", failed), "err", failed)
	}
	t.mu.Lock()
	old := t.watch
	t.mu.Unlock()
	_ = old.Close()
	w, err := t.os.Links.Watch()
	if err != nil {
		t.log.Error(fmt.Sprintf("link watch failed, interface tracking stopped: %v", err), "err", err)
		return nil
	}
	t.mu.Lock()
	t.watch = w
	names := make([]string, 0, len(t.links))
	for name := range t.links {
		names = append(names, name)
	}
	t.mu.Unlock()
	select {
	case <-t.quit: // Close may have closed the old watch only
		_ = w.Close()
		return nil
	default:
	}
	// After subscribing, so that no change falls in between.
	slices.Sort(names)
	for _, name := range names {
		ls, err := t.os.Links.Link(name)
		t.linkChanged(netif.Event{Kind: netif.LinkChanged, IfIndex: ls.Index, Ifname: name,
			Up: err == nil && ls.Up, Running: err == nil && ls.Running})
	}
	t.readSources()
	return w.Events()
}
