package dump

import (
	"net"
	"net/netip"
	"time"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/vrrp"
)

// iface is a link as keepalived.data shows it: the addresses keepalived
// keeps for it, the instances tracking it and its announcement pacing.
type iface struct {
	Link
	IPv4, IPv6 netip.Addr // primary IPv4, link-local IPv6
	BcastMAC   net.HardwareAddr
	// GARPInterval and GNAInterval are the pacing of announcements sent
	// on the interface (shown when one is set).
	GARPInterval, GNAInterval time.Duration
	// AnnouncedAt is when a master last started announcing on the
	// interface (its transition), zero if none did.
	AnnouncedAt time.Time
	// Forwarding is set once unsolicited NAs were sent on the interface:
	// keepalived then checks whether it forwards IPv6 (the NA router flag
	// follows it).
	Forwarding *ipv6Forwarding
	Tracking   []Tracker
}

type ipv6Forwarding struct {
	Forwarding bool
	Checked    time.Time
}

// interfaces derives the interface view of every link of s.
func interfaces(s *Snapshot) []iface {
	ours := vipSet(s.Config)
	out := make([]iface, 0, len(s.Links))
	for _, l := range s.Links {
		out = append(out, linkView(l, ours))
	}
	attachTracking(out, s.Config)
	attachAnnouncements(out, s.Instances)
	attachIPv6Forwarding(out, s.Instances)
	return out
}

// linkView keeps the link's first primary IPv4 address that is not a
// virtual one (keepalived learnt it before adding them) and its first
// link-local IPv6 address (the source of its IPv6 adverts).
func linkView(l Link, vips map[netip.Addr]bool) iface {
	ifc := iface{Link: l}
	if l.HWType == "ETHERNET" {
		ifc.BcastMAC = net.HardwareAddr{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	}
	for _, a := range l.Addrs {
		if a.Addr.Is4() && !a.Secondary && !vips[a.Addr] && !ifc.IPv4.IsValid() {
			ifc.IPv4 = a.Addr
		}
		if a.Addr.Is6() && a.Addr.IsLinkLocalUnicast() && !ifc.IPv6.IsValid() {
			ifc.IPv6 = a.Addr
		}
	}
	return ifc
}

// vipSet holds every virtual address of the configuration.
func vipSet(cfg *config.Config) map[netip.Addr]bool {
	m := map[netip.Addr]bool{}
	for _, in := range cfg.Instances {
		for _, list := range [][]config.VIP{in.VIPs, in.ExcludedVIPs()} {
			for _, v := range list {
				m[v.Prefix.Addr()] = true
			}
		}
	}
	return m
}

// attachAnnouncements records on each interface when the latest master
// among the instances running on it took over (and announced).
func attachAnnouncements(ifcs []iface, insts []Instance) {
	for i := range ifcs {
		ifc := &ifcs[i]
		for _, in := range insts {
			if in.State == vrrp.StateMaster && in.Cfg.Interface == ifc.Name && in.Since.After(ifc.AnnouncedAt) {
				ifc.AnnouncedAt = in.Since
			}
		}
	}
}

// attachIPv6Forwarding marks the interfaces on which a master has
// announced IPv6 addresses, with the time it became master: keepalived
// checks IPv6 forwarding when it first sends unsolicited NAs there.
func attachIPv6Forwarding(ifcs []iface, insts []Instance) {
	byName := ifaceIndex(ifcs)
	for _, in := range insts {
		if in.State != vrrp.StateMaster {
			continue
		}
		for _, list := range [][]config.VIP{in.Cfg.VIPs, in.Cfg.ExcludedVIPs()} {
			for _, v := range list {
				dev := v.Dev
				if dev == "" {
					dev = in.Cfg.Interface
				}
				ifc := byName[dev]
				if !v.Prefix.Addr().Is6() || ifc == nil || ifc.Forwarding != nil {
					continue
				}
				ifc.Forwarding = &ipv6Forwarding{Forwarding: ifc.IPv6Forwarding, Checked: in.Since}
			}
		}
	}
}

func ifaceIndex(ifcs []iface) map[string]*iface {
	byName := map[string]*iface{}
	for i := range ifcs {
		byName[ifcs[i].Name] = &ifcs[i]
	}
	return byName
}

// attachTracking lists, under each interface, the instances that track
// it in keepalived 2.2.7's order: an instance's own interface with weight
// 0 (255 under dont_track_primary, keepalived's "not tracked" marker),
// then its track_interface entries, then the interfaces its addresses,
// routes and rules name (weight 0: ItemInterfaces); then the members of
// the track_group each static address, route (by its device) and rule
// (by its iif) names, with weight 0; then the sync groups' track_interface entries
// for their members. An instance listed already keeps one entry (see
// addTracker). An instance's own interface also shows the global GARP/NA
// pacing when one is set.
func attachTracking(ifcs []iface, cfg *config.Config) {
	byName := ifaceIndex(ifcs)
	add := func(ifname string, t Tracker) {
		if ifc := byName[ifname]; ifc != nil {
			ifc.Tracking = addTracker(ifc.Tracking, t)
		}
	}
	for _, in := range cfg.Instances {
		if ifc := byName[in.Interface]; ifc != nil {
			w := 0
			if in.DontTrackPrimary {
				w = notVRRPTracked
			}
			add(in.Interface, Tracker{Name: in.Name, Weight: w})
			ifc.GARPInterval, ifc.GNAInterval = cfg.Global.GARPInterval, cfg.Global.GNAInterval
		}
		for _, t := range in.TrackInterfaces() {
			add(t.Name, Tracker{Name: in.Name, Weight: t.Weight, Reverse: t.Reverse})
		}
		for _, name := range in.ItemInterfaces() {
			add(name, Tracker{Name: in.Name})
		}
	}
	for _, st := range staticTracked(cfg) {
		if g := cfg.TrackGroup(st.group); g != nil {
			for _, m := range g.Members {
				add(st.ifname, Tracker{Name: m})
			}
		}
	}
	for _, g := range cfg.SyncGroups {
		for _, t := range g.TrackInterfaces {
			for _, m := range g.Members {
				add(t.Name, Tracker{Name: m, Weight: t.Weight, Reverse: t.Reverse})
			}
		}
	}
}
