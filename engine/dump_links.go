package engine

import (
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/vrrp"
)

// addInterfaces reads every link of the current network namespace, as
// keepalived lists all the interfaces it knows, and attaches the
// instances tracking each one.
func (s *dumpSnapshot) addInterfaces() error {
	links, err := netlink.LinkList()
	if err != nil {
		return fmt.Errorf("list links: %w", err)
	}
	ours := vipSet(s.Config)
	for _, l := range links {
		ifc, err := linkInfo(l, ours)
		if err != nil {
			return err
		}
		s.Interfaces = append(s.Interfaces, ifc)
	}
	attachTracking(s.Interfaces, s.Config)
	attachAnnouncements(s)
	attachIPv6Forwarding(s, ipv6Forwards)
	return nil
}

// attachAnnouncements records on each interface when the latest master
// among the instances running on it took over (and announced).
func attachAnnouncements(s *dumpSnapshot) {
	for i := range s.Interfaces {
		ifc := &s.Interfaces[i]
		for _, in := range s.Instances {
			if in.State == vrrp.StateMaster && in.Cfg.Interface == ifc.Name && in.Since.After(ifc.AnnouncedAt) {
				ifc.AnnouncedAt = in.Since
			}
		}
	}
}

// ipv6Forwards reads whether ifname forwards IPv6.
func ipv6Forwards(ifname string) bool {
	b, err := os.ReadFile(filepath.Join("/proc/sys/net/ipv6/conf", ifname, "forwarding"))
	return err == nil && strings.TrimSpace(string(b)) == "1"
}

// attachIPv6Forwarding marks the interfaces on which a master has
// announced IPv6 addresses, with the time it became master: keepalived
// checks IPv6 forwarding when it first sends unsolicited NAs there.
func attachIPv6Forwarding(s *dumpSnapshot, forwards func(ifname string) bool) {
	byName := map[string]*dumpInterface{}
	for i := range s.Interfaces {
		byName[s.Interfaces[i].Name] = &s.Interfaces[i]
	}
	for _, in := range s.Instances {
		if in.State != vrrp.StateMaster {
			continue
		}
		for _, list := range [][]config.VIP{in.Cfg.VIPs, in.Cfg.ExcludedVIPs} {
			for _, v := range list {
				dev := v.Dev
				if dev == "" {
					dev = in.Cfg.Interface
				}
				ifc := byName[dev]
				if !v.Prefix.Addr().Is6() || ifc == nil || ifc.IPv6Forwarding != nil {
					continue
				}
				ifc.IPv6Forwarding = &ipv6Forwarding{Forwarding: forwards(dev), Checked: in.Since}
			}
		}
	}
}

// vipSet holds every virtual address of the configuration: they are not
// the interface's own address, which keepalived learnt before adding them.
func vipSet(cfg *config.Config) map[netip.Addr]bool {
	m := map[netip.Addr]bool{}
	for _, in := range cfg.Instances {
		for _, list := range [][]config.VIP{in.VIPs, in.ExcludedVIPs} {
			for _, v := range list {
				m[v.Prefix.Addr()] = true
			}
		}
	}
	return m
}

func linkInfo(l netlink.Link, vips map[netip.Addr]bool) (dumpInterface, error) {
	a := l.Attrs()
	ifc := dumpInterface{Name: a.Name, Index: a.Index, MTU: a.MTU, MAC: a.HardwareAddr, Flags: rawFlags(a.RawFlags)}
	switch a.EncapType {
	case "ether":
		ifc.HWType = "ETHERNET"
		ifc.BcastMAC = net.HardwareAddr{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	case "loopback":
		ifc.HWType = "LOOPBACK"
	default:
		ifc.HWType = "UNKNOWN"
	}
	v4, err := netlink.AddrList(l, netlink.FAMILY_V4)
	if err != nil {
		return ifc, fmt.Errorf("list addresses of %s: %w", a.Name, err)
	}
	for _, ad := range v4 {
		ip, ok := netip.AddrFromSlice(ad.IP.To4())
		if ok && ad.Flags&unix.IFA_F_SECONDARY == 0 && !vips[ip] {
			ifc.IPv4 = ip
			break
		}
	}
	v6, err := netlink.AddrList(l, netlink.FAMILY_V6)
	if err != nil {
		return ifc, fmt.Errorf("list addresses of %s: %w", a.Name, err)
	}
	// keepalived keeps an interface's link-local IPv6 address (the
	// source of its IPv6 adverts).
	for _, ad := range v6 {
		if ip, ok := netip.AddrFromSlice(ad.IP); ok && ip.IsLinkLocalUnicast() {
			ifc.IPv6 = ip
			break
		}
	}
	return ifc, nil
}

// rawFlags converts the kernel's IFF_* bits to net.Flags.
func rawFlags(raw uint32) net.Flags {
	var f net.Flags
	for _, m := range []struct {
		bit  uint32
		flag net.Flags
	}{
		{unix.IFF_UP, net.FlagUp}, {unix.IFF_BROADCAST, net.FlagBroadcast},
		{unix.IFF_LOOPBACK, net.FlagLoopback}, {unix.IFF_POINTOPOINT, net.FlagPointToPoint},
		{unix.IFF_MULTICAST, net.FlagMulticast}, {unix.IFF_RUNNING, net.FlagRunning},
	} {
		if raw&m.bit != 0 {
			f |= m.flag
		}
	}
	return f
}

// attachTracking lists, under each interface, the instances that track
// it in configuration order: an instance's own interface with weight 0
// (255 under dont_track_primary, keepalived's "not tracked" marker), then
// its track_interface entries. An instance's own interface also shows the
// global GARP/NA pacing when one is set.
func attachTracking(ifcs []dumpInterface, cfg *config.Config) {
	byName := map[string]*dumpInterface{}
	for i := range ifcs {
		byName[ifcs[i].Name] = &ifcs[i]
	}
	for _, in := range cfg.Instances {
		if ifc := byName[in.Interface]; ifc != nil {
			w := 0
			if in.DontTrackPrimary {
				w = notVRRPTracked
			}
			ifc.Tracking = append(ifc.Tracking, dumpTracker{Name: in.Name, Weight: w})
			ifc.GARPInterval, ifc.GNAInterval = cfg.Global.GARPInterval, cfg.Global.GNAInterval
		}
		for _, t := range in.TrackInterfaces {
			if ifc := byName[t.Name]; ifc != nil {
				ifc.Tracking = append(ifc.Tracking, dumpTracker{Name: in.Name, Weight: t.Weight, Reverse: t.Reverse})
			}
		}
	}
}
