package engine

import (
	"net/netip"
	"slices"
	"sync"

	"github.com/goalived/goalived/netif"
)

// vipOwner adapts netif.Addrs to vrrp.VIPs: the instance's VIPs and
// excluded VIPs are present while it owns them. A reload may replace the
// set while the instance runs (see set).
type vipOwner struct {
	addrs *netif.Addrs

	mu    sync.Mutex // guards want and owned
	want  []netif.Addr
	owned bool
}

func (v *vipOwner) Own(own bool) error {
	v.mu.Lock()
	want := v.want
	v.owned = own
	v.mu.Unlock()
	if own {
		return v.addrs.Ensure(want)
	}
	return v.addrs.Remove(want)
}

// current returns the configured addresses.
func (v *vipOwner) current() []netif.Addr {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.want
}

// set replaces the addresses after a reload. Addresses that left the
// configuration are removed at once if they are installed; new ones are
// added by the instance's own AddVIPs action (which also announces them).
func (v *vipOwner) set(want []netif.Addr) error {
	v.mu.Lock()
	var gone []netif.Addr
	for _, a := range v.want {
		if !slices.Contains(want, a) {
			gone = append(gone, a)
		}
	}
	v.want = want
	owned := v.owned
	v.mu.Unlock()
	if owned && len(gone) > 0 {
		return v.addrs.Remove(gone)
	}
	return nil
}

// announcer adapts netif.Announcer to vrrp.Announcer: one burst per
// device, VIPs first, then excluded VIPs, in configuration order.
type announcer struct {
	a    *netif.Announcer
	vips *vipOwner
}

func (x *announcer) Announce(rounds int) error {
	for _, d := range byDevice(x.vips.current()) {
		if err := x.a.Announce(d.dev, d.addrs, rounds); err != nil {
			return err
		}
	}
	return nil
}

type devAddrs struct {
	dev   string
	addrs []netip.Addr
}

func byDevice(want []netif.Addr) []devAddrs {
	var out []devAddrs
	idx := map[string]int{}
	for _, w := range want {
		i, ok := idx[w.Dev]
		if !ok {
			i = len(out)
			idx[w.Dev] = i
			out = append(out, devAddrs{dev: w.Dev})
		}
		out[i].addrs = append(out[i].addrs, w.Prefix.Addr())
	}
	return out
}
