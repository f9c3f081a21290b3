package config

import (
	"fmt"
	"net/netip"
	"time"
)

// State is the initial state an instance wants. It is a byte, not its
// name, because every instance holds one for the daemon's life; it reads
// and encodes as its keyword.
type State uint8

// The states that may be configured.
const (
	StateMaster State = iota + 1
	StateBackup
)

func (s State) String() string {
	switch s {
	case StateMaster:
		return "MASTER"
	case StateBackup:
		return "BACKUP"
	}
	return ""
}

// MarshalText encodes the state as its keyword, as in the configuration.
func (s State) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Family is the address family of an instance. It is a byte, not its
// name, because every instance holds one for the daemon's life; it reads
// and encodes as its name ("inet", "inet6"; "" when not yet known).
type Family uint8

// Address families.
const (
	IPv4 Family = iota + 1
	IPv6
)

func (f Family) String() string {
	switch f {
	case IPv4:
		return "inet"
	case IPv6:
		return "inet6"
	}
	return ""
}

// MarshalText encodes the family as its name.
func (f Family) MarshalText() ([]byte, error) { return []byte(f.String()), nil }

// UnmarshalText reads a family from its name, as MarshalText writes it:
// the hot-upgrade handover carries instance keys in JSON.
func (f *Family) UnmarshalText(b []byte) error {
	switch string(b) {
	case "inet":
		*f = IPv4
	case "inet6":
		*f = IPv6
	case "":
		*f = 0
	default:
		return fmt.Errorf("unknown address family %q", b)
	}
	return nil
}

// Instance is one vrrp_instance with defaults applied. The daemon keeps
// every instance's model for its life, so the options most instances do
// not write are in groups behind pointers (Unicasting, Trackers, Items,
// Notifies, Extra), nil when none of their keywords is written: read
// them through the methods of the same names as the options, which see
// a nil group as the defaults. The JSON dump shows the flat view of
// instanceJSON.
type Instance struct {
	Name      string
	Interface string
	// SyncGroup is the name of the sync group this instance belongs to.
	SyncGroup string
	// Auth is shared by the instances whose authentication is the same:
	// never change it in place.
	Auth *Auth
	VIPs []VIP
	// McastDstIP is the advert group, resolved from the globals.
	McastDstIP netip.Addr
	GARP       GARP
	VRID       int
	// Priority is the base priority; 255 makes the instance address owner.
	Priority     int
	Version      int
	AdvertInt    time.Duration
	PreemptDelay time.Duration
	// UnicastTTL is the TTL/hop limit of unicast adverts; -1 means the
	// kernel default (IPv6 without unicast_ttl).
	UnicastTTL       int
	DownTimerAdverts int
	// VMAC is use_vmac; nil without it.
	VMAC *VMAC

	Unicasting *Unicasting
	Trackers   *Trackers
	Items      *Items
	Notifies   *Notifies
	Extra      *InstanceExtra

	// State is the wanted initial state; StateSet tells whether it was
	// configured or derived from the priority.
	State    State
	StateSet bool
	Family   Family
	NoVIPs   bool
	// CheckUnicastSrc is resolved: instance keyword, global keyword, or a
	// peer with min_ttl/max_ttl.
	CheckUnicastSrc  bool
	TrackSrcIP       bool
	Nopreempt        bool
	DontTrackPrimary bool
	// Accept is resolved: true unless no_accept, or strict mode for a
	// non-owner.
	Accept bool
	// VMACAddr is use_vmac_addr: VIPs on other interfaces than the
	// instance's, or of the other family, get a VMAC of their own on
	// their interface (each VIP's resolved UseVMAC says which do).
	VMACAddr              bool
	LowerPrioNoAdvert     bool
	HigherPrioSendAdvert  bool
	OwnerIgnoreAdverts    bool
	SkipCheckAdvAddr      bool
	Strict                bool
	V3ChecksumAsV2        bool
	PromoteSecondaries    bool
	NotifyPriorityChanges bool
	// SMTPAlert is the resolved smtp_alert: e-mail the instance's state
	// changes (the instance's keyword, else global_defs' smtp_alert_vrrp,
	// else smtp_alert, else off).
	SMTPAlert bool
}

// Unicasting holds an instance's unicast and advert source settings.
type Unicasting struct {
	UnicastSrcIP       netip.Addr
	UnicastPeers       []UnicastPeer
	UnicastFaultNoPeer bool
	// OldUnicastChecksum is "" (auto-detect, the default), "on" or "never".
	OldUnicastChecksum string
	McastSrcIP         netip.Addr
}

// Trackers holds an instance's track_* blocks.
type Trackers struct {
	TrackInterfaces []Track
	TrackScripts    []Track
	TrackFiles      []Track
	TrackProcesses  []Track
}

// Items holds an instance's addresses, routes and rules other than its
// virtual_ipaddress.
type Items struct {
	ExcludedVIPs []VIP
	Routes       []Route
	Rules        []Rule
}

// InstanceExtra holds an instance's other seldom written options.
type InstanceExtra struct {
	KernelRxBufSize int
	Debug           int
}

// The zero groups an instance without them reads; never written.
var (
	noUnicasting    Unicasting
	noTrackers      Trackers
	noItems         Items
	noNotifies      Notifies
	noInstanceExtra InstanceExtra
)

func orZero[T any](p, zero *T) *T {
	if p == nil {
		return zero
	}
	return p
}

// UnicastSrcIP is unicast_src_ip (zero: none).
func (in *Instance) UnicastSrcIP() netip.Addr {
	return orZero(in.Unicasting, &noUnicasting).UnicastSrcIP
}

// UnicastPeers are the unicast_peer entries.
func (in *Instance) UnicastPeers() []UnicastPeer {
	return orZero(in.Unicasting, &noUnicasting).UnicastPeers
}

// UnicastFaultNoPeer is unicast_fault_no_peer.
func (in *Instance) UnicastFaultNoPeer() bool {
	return orZero(in.Unicasting, &noUnicasting).UnicastFaultNoPeer
}

// OldUnicastChecksum is "" (auto-detect, the default), "on" or "never".
func (in *Instance) OldUnicastChecksum() string {
	return orZero(in.Unicasting, &noUnicasting).OldUnicastChecksum
}

// McastSrcIP is mcast_src_ip (zero: none).
func (in *Instance) McastSrcIP() netip.Addr { return orZero(in.Unicasting, &noUnicasting).McastSrcIP }

// TrackInterfaces is the track_interface block.
func (in *Instance) TrackInterfaces() []Track {
	return orZero(in.Trackers, &noTrackers).TrackInterfaces
}

// TrackScripts is the track_script block.
func (in *Instance) TrackScripts() []Track { return orZero(in.Trackers, &noTrackers).TrackScripts }

// TrackFiles is the track_file block.
func (in *Instance) TrackFiles() []Track { return orZero(in.Trackers, &noTrackers).TrackFiles }

// TrackProcesses is the track_process block.
func (in *Instance) TrackProcesses() []Track { return orZero(in.Trackers, &noTrackers).TrackProcesses }

// ExcludedVIPs is virtual_ipaddress_excluded.
func (in *Instance) ExcludedVIPs() []VIP { return orZero(in.Items, &noItems).ExcludedVIPs }

// Routes is virtual_routes.
func (in *Instance) Routes() []Route { return orZero(in.Items, &noItems).Routes }

// Rules is virtual_rules.
func (in *Instance) Rules() []Rule { return orZero(in.Items, &noItems).Rules }

// Notify returns the notify scripts; read only.
func (in *Instance) Notify() *Notifies { return orZero(in.Notifies, &noNotifies) }

// KernelRxBufSize is kernel_rx_buf_size (0: unset).
func (in *Instance) KernelRxBufSize() int { return orZero(in.Extra, &noInstanceExtra).KernelRxBufSize }

// Debug is the instance's debug level.
func (in *Instance) Debug() int { return orZero(in.Extra, &noInstanceExtra).Debug }

// Owner reports whether the instance is the address owner (priority 255).
func (in *Instance) Owner() bool { return in.Priority == 255 }

// Unicast reports whether adverts go to unicast peers.
func (in *Instance) Unicast() bool { return len(in.UnicastPeers()) > 0 }

// Auth is VRRPv2 authentication.
type Auth struct {
	Type string `json:"auth_type"` // "PASS" or "AH"
	// Pass is the password, already truncated to 8 bytes.
	Pass string `json:"auth_pass"`
}

// Key returns the password as the 8 bytes that go on the wire: truncated
// or zero padded.
func (a *Auth) Key() [8]byte {
	var k [8]byte
	copy(k[:], a.Pass)
	return k
}

// Notifies are the notify scripts of an instance or sync group.
type Notifies struct {
	Master  *Notify `json:"notify_master,omitempty"`
	Backup  *Notify `json:"notify_backup,omitempty"`
	Fault   *Notify `json:"notify_fault,omitempty"`
	Stop    *Notify `json:"notify_stop,omitempty"`
	Generic *Notify `json:"notify,omitempty"`
	// Deleted is set by notify_deleted; DeletedCmd is its optional script.
	Deleted          bool    `json:"notify_deleted,omitempty"`
	DeletedCmd       *Notify `json:"notify_deleted_cmd,omitempty"`
	MasterRxLowerPri *Notify `json:"notify_master_rx_lower_pri,omitempty"`
}

// Track is one entry of a track_* block: the tracked object and the
// resolved weight and reverse flag.
type Track struct {
	Name    string `json:"name"`
	Weight  int    `json:"weight"`
	Reverse bool   `json:"reverse,omitempty"`
}

// UnicastPeer is one unicast_peer line.
type UnicastPeer struct {
	Addr netip.Addr `json:"addr"`
	// MinTTL and MaxTTL bound the received TTL; the defaults 0 and 255 mean
	// no check. TTLSet tells whether either was configured.
	MinTTL int  `json:"min_ttl"`
	MaxTTL int  `json:"max_ttl"`
	TTLSet bool `json:"ttl_set,omitempty"`
}
