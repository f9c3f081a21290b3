package engine

import (
	"net/netip"
	"sync/atomic"

	"github.com/goalived/goalived/netif"
)

// vipOwner adapts netif.Addrs to vrrp.VIPs: the instance's VIPs and
// excluded VIPs are present while it owns them.
type vipOwner struct {
	addrs *netif.Addrs
	want  []netif.Addr
	// keep is -V: set when the daemon stops, it leaves the VIPs in place.
	keep atomic.Bool
}

func (v *vipOwner) Own(own bool) error {
	if !own && v.keep.Load() {
		return nil
	}
	if own {
		return v.addrs.Ensure(v.want)
	}
	return v.addrs.Remove(v.want)
}

// announcer adapts netif.Announcer to vrrp.Announcer: one burst per
// device, VIPs first, then excluded VIPs, in configuration order.
type announcer struct {
	a     *netif.Announcer
	byDev []devAddrs
}

type devAddrs struct {
	dev   string
	addrs []netip.Addr
}

func newAnnouncer(a *netif.Announcer, want []netif.Addr) *announcer {
	x := &announcer{a: a}
	idx := map[string]int{}
	for _, w := range want {
		i, ok := idx[w.Dev]
		if !ok {
			i = len(x.byDev)
			idx[w.Dev] = i
			x.byDev = append(x.byDev, devAddrs{dev: w.Dev})
		}
		x.byDev[i].addrs = append(x.byDev[i].addrs, w.Prefix.Addr())
	}
	return x
}

func (x *announcer) Announce(rounds int) error {
	for _, d := range x.byDev {
		if err := x.a.Announce(d.dev, d.addrs, rounds); err != nil {
			return err
		}
	}
	return nil
}
