package parser

import (
	"slices"

	"github.com/goalived/goalived/config"
)

// finishUnicast resolves unicast TTL and source checking (reference 3.11).
func (b *builder) finishUnicast(in *config.Instance) {
	g := &b.cfg.Global
	if b.inst(in).set["unicast_ttl"] && len(in.UnicastPeers()) == 0 {
		b.warnf(b.at(in, "unicast_ttl"), "unicast_ttl", "(%s) unicast_ttl without unicast peers, ignored", in.Name)
		b.inst(in).set["unicast_ttl"] = false
	}
	if !b.inst(in).set["unicast_ttl"] {
		in.UnicastTTL = 255
		if in.Family == config.IPv6 {
			in.UnicastTTL = -1
		}
	}
	if b.inst(in).set["unicast"] && len(in.UnicastPeers()) == 0 && !in.UnicastFaultNoPeer() {
		b.warnf(b.at(in, "unicast_peer"), "unicast_peer", "(%s) unicast configured without unicast peers, using multicast", in.Name)
	}
	check := in.CheckUnicastSrc || g.CheckUnicastSrc
	for _, p := range in.UnicastPeers() {
		check = check || p.TTLSet
	}
	in.CheckUnicastSrc = check
}

// finishAddresses checks the VIP list (reference 3.13, 1.11).
func (b *builder) finishAddresses(in *config.Instance) {
	if len(in.VIPs) > 255 {
		b.warnf(b.at(in, "virtual_ipaddress"), "virtual_ipaddress", "(%s) more than 255 addresses, %d moved to virtual_ipaddress_excluded", in.Name, len(in.VIPs)-255)
		group(&in.Items).ExcludedVIPs = append(in.ExcludedVIPs(), in.VIPs[255:]...)
		in.VIPs = in.VIPs[:255]
	}
	switch {
	case len(in.VIPs) > 0 || in.NoVIPs:
	case in.Version == 3 || in.Strict:
		// keepalived -t exits 5 and the daemon refuses to run (1.11).
		b.warnf(b.at(in, "virtual_ipaddress"), "virtual_ipaddress", "(%s) No VIP specified; at least one is required", in.Name)
	default:
		b.warnf(b.at(in, "virtual_ipaddress"), "virtual_ipaddress", "(%s) No VIP specified; at least one is sensible", in.Name)
	}
	if in.Interface == "" {
		// Without an interface VIPs go to the default interface (3.11).
		for _, list := range [][]config.VIP{in.VIPs, in.ExcludedVIPs()} {
			for i := range list {
				if list[i].Dev == "" {
					list[i].Dev = b.cfg.Global.DefaultInterface
				}
			}
		}
	}
}

// finishTrackers applies the owner and own-interface rules (reference 3.1).
func (b *builder) finishTrackers(in *config.Instance) {
	t := in.Trackers
	if t == nil {
		return
	}
	t.TrackInterfaces = slices.DeleteFunc(t.TrackInterfaces, func(t config.Track) bool {
		if t.Name == in.Interface {
			b.warnf(b.at(in, "track_interface"), "track_interface", "(%s) ignoring track_interface %s: it is the instance's own interface", in.Name, t.Name)
			return true
		}
		return false
	})
	if !in.Owner() {
		return
	}
	why := "due to address_owner"
	t.TrackScripts = b.dropWeighted(in, t.TrackScripts, "script", why)
	t.TrackInterfaces = b.dropWeighted(in, t.TrackInterfaces, "interface", why)
	for i := range t.TrackFiles {
		if f := &t.TrackFiles[i]; f.Weight == 1 && !f.Reverse {
			f.Weight = 0
		}
	}
	t.TrackFiles = b.dropWeighted(in, t.TrackFiles, "file", why)
}

// dropUserless removes notify scripts that have no usable user when there
// is no default script user. keepalived 2.2.7 logs this at info level
// ("Failed to set default user for notify script ... - ignoring"), so it
// does not change the -t status.
// script security is on and there is no default script user (3.4).
func (b *builder) dropUserless(owner string, n *config.Notifies) {
	for _, p := range []**config.Notify{&n.Master, &n.Backup, &n.Fault, &n.Stop, &n.Generic, &n.DeletedCmd, &n.MasterRxLowerPri} {
		if c := *p; c != nil && c.User == "" {
			b.notef(b.cmdAt(c).pos, b.cmdAt(c).kw, "(%s) failed to set default user for notify script %s, ignored", owner, c.Cmd)
			*p = nil
		}
	}
}

// noDefaultUser reports whether scripts without a user of their own
// cannot run: script security without a default script user, or a
// script_user keepalived could not set.
func (b *builder) noDefaultUser() bool {
	g := &b.cfg.Global
	return b.notes.scriptUserFailed || g.EnableScriptSecurity && g.ScriptUser == nil
}
