package config

import (
	"net/netip"
	"slices"
)

// LifetimeForever is the preferred lifetime meaning "forever" (the
// kernel's INFINITY_LIFE_TIME).
const LifetimeForever = 0xFFFFFFFF

// VIP is one line of virtual_ipaddress, virtual_ipaddress_excluded or
// static_ipaddress, with defaults applied. Its rarely written options
// are in Extra, nil when none is: every instance keeps its addresses for
// the daemon's life. Read them through the methods of the same names.
type VIP struct {
	Prefix netip.Prefix
	Dev    string // "" = the instance interface
	Extra  *VIPExtra
	// PreferredLft is resolved: 0 for an IPv6 /128 (deprecated address)
	// unless configured, otherwise LifetimeForever.
	PreferredLft uint32
	// NoDAD is resolved: true by default for IPv6, false after -nodad.
	NoDAD   bool
	NoTrack bool
	// UseVMAC is resolved: the address gets a VMAC of its own on its
	// interface (the VIP line's use_vmac, or the instance's
	// use_vmac_addr for an address off the instance's interface or of
	// the other family). An address that goes on the instance's own
	// VMAC does not have it.
	UseVMAC bool
}

// VIPExtra holds the options of a VIP line that are seldom written.
type VIPExtra struct {
	Label         string
	Scope         string // IPv4 only; "" = global
	Broadcast     netip.Addr
	Peer          netip.Prefix
	TrackGroup    string // static addresses only
	Home          bool
	MngTmpAddr    bool
	NoPrefixRoute bool
	AutoJoin      bool
}

// Label is the address label ("" = none).
func (v *VIP) Label() string { return v.extra().Label }

// Scope is the address scope, IPv4 only ("" = global).
func (v *VIP) Scope() string { return v.extra().Scope }

// Broadcast is the broadcast address (zero = none).
func (v *VIP) Broadcast() netip.Addr { return v.extra().Broadcast }

// Peer is the peer prefix of a point-to-point address (zero = none).
func (v *VIP) Peer() netip.Prefix { return v.extra().Peer }

// TrackGroup is the track_group of a static address ("" = none).
func (v *VIP) TrackGroup() string { return v.extra().TrackGroup }

// Home is the address flag home (IPv6).
func (v *VIP) Home() bool { return v.extra().Home }

// MngTmpAddr is the address flag mngtmpaddr (IPv6).
func (v *VIP) MngTmpAddr() bool { return v.extra().MngTmpAddr }

// NoPrefixRoute is the address flag noprefixroute.
func (v *VIP) NoPrefixRoute() bool { return v.extra().NoPrefixRoute }

// AutoJoin is the address flag autojoin.
func (v *VIP) AutoJoin() bool { return v.extra().AutoJoin }

func (v *VIP) extra() *VIPExtra { return orZero(v.Extra, &noVIPExtra) }

// noVIPExtra is what a VIP without extra options reads; never written.
var noVIPExtra VIPExtra

// vipJSON is the VIP as the JSON dump has always shown it: one flat
// object, keys in this order.
type vipJSON struct {
	Prefix        netip.Prefix `json:"prefix"`
	Dev           string       `json:"dev,omitempty"`
	Label         string       `json:"label,omitempty"`
	Scope         string       `json:"scope,omitempty"`
	Broadcast     netip.Addr   `json:"broadcast,omitzero"`
	Peer          netip.Prefix `json:"peer,omitzero"`
	Home          bool         `json:"home,omitempty"`
	NoDAD         bool         `json:"nodad,omitempty"`
	MngTmpAddr    bool         `json:"mngtmpaddr,omitempty"`
	NoPrefixRoute bool         `json:"noprefixroute,omitempty"`
	AutoJoin      bool         `json:"autojoin,omitempty"`
	NoTrack       bool         `json:"no_track,omitempty"`
	UseVMAC       bool         `json:"use_vmac,omitempty"`
	PreferredLft  uint32       `json:"preferred_lft"`
	TrackGroup    string       `json:"track_group,omitempty"`
}

func (v VIP) jsonView() any {
	x := v.extra()
	return vipJSON{v.Prefix, v.Dev, x.Label, x.Scope, x.Broadcast, x.Peer, x.Home, v.NoDAD, x.MngTmpAddr,
		x.NoPrefixRoute, x.AutoJoin, v.NoTrack, v.UseVMAC, v.PreferredLft, x.TrackGroup}
}

// Route is one virtual_routes / static_routes line. Words keeps the line
// as written (ip route syntax); the key fields are parsed from it.
type Route struct {
	Words    []string     `json:"words"`
	Type     string       `json:"type,omitempty"` // blackhole, unreachable, prohibit, throw; "" = unicast
	Dst      netip.Prefix `json:"to"`
	Src      netip.Addr   `json:"src,omitzero"`
	Via      netip.Addr   `json:"via,omitzero"`
	Dev      string       `json:"dev,omitempty"`
	Table    string       `json:"table,omitempty"`
	Metric   int          `json:"metric,omitempty"`
	Scope    string       `json:"scope,omitempty"`
	Protocol string       `json:"protocol,omitempty"`
	NoTrack  bool         `json:"no_track,omitempty"`
	// TrackGroup is for static routes only.
	TrackGroup string `json:"track_group,omitempty"`
}

// Rule is one virtual_rules / static_rules line (ip rule syntax).
type Rule struct {
	Words      []string     `json:"words"`
	From       netip.Prefix `json:"from,omitzero"`
	To         netip.Prefix `json:"to,omitzero"`
	Table      string       `json:"table,omitempty"`
	Preference int          `json:"preference,omitempty"`
	IIF        string       `json:"iif,omitempty"`
	OIF        string       `json:"oif,omitempty"`
	FWMark     string       `json:"fwmark,omitempty"`
	NoTrack    bool         `json:"no_track,omitempty"`
	TrackGroup string       `json:"track_group,omitempty"`
}

// ItemInterfaces are the interfaces the instance tracks, with weight 0,
// because its virtual_ipaddress, virtual_ipaddress_excluded,
// virtual_routes or virtual_rules entries name them: keepalived 2.2.7's
// vrrp_complete_instance adds such an interface to the instance (the
// address cannot be set again while it is down, so the instance goes to
// FAULT), in this order: the addresses' dev, the routes' dev, the rules'
// iif then oif. An entry with no_track adds nothing, and neither does an
// address on the instance's own interface (already tracked, or not
// under dont_track_primary) or one with a VMAC of its own (the VMAC is
// tracked instead). A route or rule on the own interface is listed:
// keepalived adds it even under dont_track_primary, and its weight 0
// then makes the own interface tracked after all.
func (in *Instance) ItemInterfaces() []string {
	var out []string
	add := func(dev string, noTrack bool) {
		if dev != "" && !noTrack && !slices.Contains(out, dev) {
			out = append(out, dev)
		}
	}
	for _, list := range [][]VIP{in.VIPs, in.ExcludedVIPs()} {
		for _, v := range list {
			add(v.Dev, v.NoTrack || v.UseVMAC || v.Dev == in.Interface)
		}
	}
	for _, r := range in.Routes() {
		add(r.Dev, r.NoTrack)
	}
	for _, r := range in.Rules() {
		add(r.IIF, r.NoTrack)
		add(r.OIF, r.NoTrack)
	}
	return out
}
