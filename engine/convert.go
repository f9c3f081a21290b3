package engine

import (
	"fmt"
	"net/netip"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/netif"
	"github.com/goalived/goalived/vrrp"
)

// vrrpConfig converts a parsed instance to the protocol's view. src is the
// address the instance sends from (unicast_src_ip, mcast_src_ip or the
// interface's primary address).
func vrrpConfig(in *config.Instance, src netip.Addr, opts Options) vrrp.Config {
	c := vrrp.Config{
		Name:             in.Name,
		VRID:             uint8(in.VRID),
		Version:          uint8(in.Version),
		Priority:         uint8(in.Priority),
		Interval:         in.AdvertInt,
		WantMaster:       in.State == config.StateMaster,
		Source:           src,
		Group:            in.McastDstIP,
		Unicast:          in.Unicast(),
		CheckUnicastSrc:  in.CheckUnicastSrc,
		NoPreempt:        in.Nopreempt,
		PreemptDelay:     in.PreemptDelay,
		DownTimerAdverts: in.DownTimerAdverts,
		GARP: vrrp.GARPConfig{
			MasterDelay:         in.GARP.MasterDelay,
			MasterRepeat:        in.GARP.MasterRepeat,
			MasterRefresh:       in.GARP.MasterRefresh,
			MasterRefreshRepeat: in.GARP.MasterRefreshRepeat,
			LowerPrioDelay:      in.GARP.LowerPrioDelay,
			LowerPrioRepeat:     in.GARP.LowerPrioRepeat,
		},
		LowerPrioNoAdvert:    in.LowerPrioNoAdvert,
		HigherPrioSendAdvert: in.HigherPrioSendAdvert,
		V3ChecksumAsV2:       in.V3ChecksumAsV2,
		UnicastChecksum:      unicastChecksum(in.OldUnicastChecksum()),
		FastPreempt:          opts.FastPreempt,
	}
	authConfig(in, &c)
	for _, v := range in.VIPs {
		c.Addrs = append(c.Addrs, v.Prefix.Addr())
	}
	for _, p := range in.UnicastPeers() {
		peer := vrrp.Peer{Addr: p.Addr}
		if p.TTLSet {
			peer.MinTTL, peer.MaxTTL = p.MinTTL, p.MaxTTL
		}
		c.Peers = append(c.Peers, peer)
	}
	return c
}

// unicastChecksum maps old_unicast_checksum ("", "on", "never").
func unicastChecksum(v string) vrrp.UnicastChecksum {
	switch v {
	case "on":
		return vrrp.UnicastChecksumOld
	case "never":
		return vrrp.UnicastChecksumNever
	}
	return vrrp.UnicastChecksumAuto
}

// netifAddrs converts the instance's VIPs and excluded VIPs to the
// addresses netif installs, with the instance's interface as the default
// device, as keepalived puts a VIP without "dev" on the instance's
// interface.
func netifAddrs(in *config.Instance) ([]netif.Addr, error) {
	var out []netif.Addr
	for _, list := range [][]config.VIP{in.VIPs, in.ExcludedVIPs()} {
		for _, v := range list {
			a, err := netifAddr(v, in.Interface)
			if err != nil {
				return nil, fmt.Errorf("instance %s: %w", in.Name, err)
			}
			out = append(out, a)
		}
	}
	return out, nil
}

var scopes = map[string]int{"": 0, "global": 0, "site": 200, "link": 253, "host": 254, "nowhere": 255}

func netifAddr(v config.VIP, defaultDev string) (netif.Addr, error) {
	dev := v.Dev
	if dev == "" {
		dev = defaultDev
	}
	scope, ok := scopes[v.Scope()]
	if !ok {
		if _, err := fmt.Sscanf(v.Scope(), "%d", &scope); err != nil {
			return netif.Addr{}, fmt.Errorf("vip %v: unknown scope %q", v.Prefix, v.Scope())
		}
	}
	return netif.Addr{
		Prefix:           v.Prefix,
		Dev:              dev,
		Label:            v.Label(),
		Scope:            scope,
		Broadcast:        v.Broadcast(),
		Peer:             v.Peer(),
		DAD:              v.Prefix.Addr().Is6() && !v.NoDAD,
		PreferredForever: v.PreferredLft == config.LifetimeForever,
		NoPrefixRoute:    v.NoPrefixRoute(),
		Home:             v.Home(),
	}, nil
}

// family returns 4 or 6.
func family(in *config.Instance) int {
	if in.Family == config.IPv6 {
		return 6
	}
	return 4
}
