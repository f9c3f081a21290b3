package config

import "net/netip"

// LifetimeForever is the preferred lifetime meaning "forever" (the
// kernel's INFINITY_LIFE_TIME).
const LifetimeForever = 0xFFFFFFFF

// VIP is one line of virtual_ipaddress, virtual_ipaddress_excluded or
// static_ipaddress, with defaults applied.
type VIP struct {
	Prefix    netip.Prefix `json:"prefix"`
	Dev       string       `json:"dev,omitempty"` // "" = the instance interface
	Label     string       `json:"label,omitempty"`
	Scope     string       `json:"scope,omitempty"` // IPv4 only; "" = global
	Broadcast netip.Addr   `json:"broadcast,omitzero"`
	Peer      netip.Prefix `json:"peer,omitzero"`
	Home      bool         `json:"home,omitempty"`
	// NoDAD is resolved: true by default for IPv6, false after -nodad.
	NoDAD         bool `json:"nodad,omitempty"`
	MngTmpAddr    bool `json:"mngtmpaddr,omitempty"`
	NoPrefixRoute bool `json:"noprefixroute,omitempty"`
	AutoJoin      bool `json:"autojoin,omitempty"`
	NoTrack       bool `json:"no_track,omitempty"`
	// UseVMAC is resolved: the address gets a VMAC of its own on its
	// interface (the VIP line's use_vmac, or the instance's
	// use_vmac_addr for an address off the instance's interface or of
	// the other family). An address that goes on the instance's own
	// VMAC does not have it.
	UseVMAC bool `json:"use_vmac,omitempty"`
	// PreferredLft is resolved: 0 for an IPv6 /128 (deprecated address)
	// unless configured, otherwise LifetimeForever.
	PreferredLft uint32 `json:"preferred_lft"`
	TrackGroup   string `json:"track_group,omitempty"` // static addresses only
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
