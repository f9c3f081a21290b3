package main

import (
	"fmt"
	"net/netip"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
)

// addrEvents counts netlink address changes of a set of addresses on a
// and b.
type addrEvents struct {
	done   chan struct{}
	counts chan int
}

func (bn *bench) watchAddrEvents(vips []netip.Addr) (*addrEvents, error) {
	want := map[netip.Addr]bool{}
	for _, v := range vips {
		want[v] = true
	}
	w := &addrEvents{done: make(chan struct{}), counts: make(chan int, 2)}
	for _, role := range []string{"a", "b"} {
		h, err := bn.lab.Host(role)
		if err != nil {
			w.stop()
			return nil, err
		}
		ns, err := netns.GetFromName(h.Name)
		if err != nil {
			w.stop()
			return nil, fmt.Errorf("open namespace of %s: %w", role, err)
		}
		ch := make(chan netlink.AddrUpdate, 1024)
		err = netlink.AddrSubscribeWithOptions(ch, w.done, netlink.AddrSubscribeOptions{Namespace: &ns})
		ns.Close()
		if err != nil {
			w.stop()
			return nil, fmt.Errorf("watch addresses of %s: %w", role, err)
		}
		go func() {
			n := 0
			for u := range ch {
				if a, ok := netip.AddrFromSlice(u.LinkAddress.IP); ok && want[a.Unmap()] {
					n++
				}
			}
			w.counts <- n
		}()
	}
	return w, nil
}

// count ends the watch and returns the changes seen.
func (w *addrEvents) count() int {
	w.stop()
	return <-w.counts + <-w.counts
}

func (w *addrEvents) stop() {
	select {
	case <-w.done:
	default:
		close(w.done)
	}
}
