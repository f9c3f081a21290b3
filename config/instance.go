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

// Instance is one vrrp_instance with defaults applied.
type Instance struct {
	Name string `json:"name"`
	// State is the wanted initial state; StateSet tells whether it was
	// configured or derived from the priority.
	State     State  `json:"state"`
	StateSet  bool   `json:"state_set"`
	Interface string `json:"interface,omitempty"`
	VRID      int    `json:"virtual_router_id"`
	// Priority is the base priority; 255 makes the instance address owner.
	Priority  int           `json:"priority"`
	AdvertInt time.Duration `json:"advert_int"`
	Version   int           `json:"version"`
	Family    Family        `json:"family"`
	// Auth is shared by the instances whose authentication is the same:
	// never change it in place.
	Auth *Auth `json:"authentication,omitempty"`

	VIPs         []VIP   `json:"virtual_ipaddress,omitempty"`
	ExcludedVIPs []VIP   `json:"virtual_ipaddress_excluded,omitempty"`
	NoVIPs       bool    `json:"no_virtual_ipaddress,omitempty"`
	Routes       []Route `json:"virtual_routes,omitempty"`
	Rules        []Rule  `json:"virtual_rules,omitempty"`

	TrackInterfaces []Track `json:"track_interface,omitempty"`
	TrackScripts    []Track `json:"track_script,omitempty"`
	TrackFiles      []Track `json:"track_file,omitempty"`
	TrackProcesses  []Track `json:"track_process,omitempty"`

	UnicastSrcIP netip.Addr    `json:"unicast_src_ip,omitzero"`
	UnicastPeers []UnicastPeer `json:"unicast_peer,omitempty"`
	// UnicastTTL is the TTL/hop limit of unicast adverts; -1 means the
	// kernel default (IPv6 without unicast_ttl).
	UnicastTTL         int  `json:"unicast_ttl"`
	UnicastFaultNoPeer bool `json:"unicast_fault_no_peer,omitempty"`
	// CheckUnicastSrc is resolved: instance keyword, global keyword, or a
	// peer with min_ttl/max_ttl.
	CheckUnicastSrc bool `json:"check_unicast_src"`
	// OldUnicastChecksum is "" (auto-detect, the default), "on" or "never".
	OldUnicastChecksum string     `json:"old_unicast_checksum,omitempty"`
	McastSrcIP         netip.Addr `json:"mcast_src_ip,omitzero"`
	// McastDstIP is the advert group, resolved from the globals.
	McastDstIP netip.Addr `json:"mcast_dst_ip"`
	TrackSrcIP bool       `json:"track_src_ip,omitempty"`

	Nopreempt    bool          `json:"nopreempt"`
	PreemptDelay time.Duration `json:"preempt_delay"`
	// Accept is resolved: true unless no_accept, or strict mode for a
	// non-owner.
	Accept           bool `json:"accept"`
	DontTrackPrimary bool `json:"dont_track_primary,omitempty"`
	// VMAC is use_vmac; nil without it.
	VMAC *VMAC `json:"use_vmac,omitempty"`
	// VMACAddr is use_vmac_addr: VIPs on other interfaces than the
	// instance's, or of the other family, get a VMAC of their own on
	// their interface (each VIP's resolved UseVMAC says which do).
	VMACAddr bool `json:"use_vmac_addr,omitempty"`

	GARP                  GARP `json:"garp"`
	DownTimerAdverts      int  `json:"down_timer_adverts"`
	LowerPrioNoAdvert     bool `json:"lower_prio_no_advert"`
	HigherPrioSendAdvert  bool `json:"higher_prio_send_advert"`
	OwnerIgnoreAdverts    bool `json:"owner_ignore_adverts,omitempty"`
	SkipCheckAdvAddr      bool `json:"skip_check_adv_addr"`
	Strict                bool `json:"strict_mode"`
	V3ChecksumAsV2        bool `json:"v3_checksum_as_v2"`
	PromoteSecondaries    bool `json:"promote_secondaries,omitempty"`
	NotifyPriorityChanges bool `json:"notify_priority_changes"`
	KernelRxBufSize       int  `json:"kernel_rx_buf_size,omitempty"`
	Debug                 int  `json:"debug,omitempty"`
	// SMTPAlert is the resolved smtp_alert: e-mail the instance's state
	// changes (the instance's keyword, else global_defs' smtp_alert_vrrp,
	// else smtp_alert, else off).
	SMTPAlert bool `json:"smtp_alert,omitempty"`

	Notify Notifies `json:"notify"`
	// SyncGroup is the name of the sync group this instance belongs to.
	SyncGroup string `json:"sync_group,omitempty"`
}

// Owner reports whether the instance is the address owner (priority 255).
func (in *Instance) Owner() bool { return in.Priority == 255 }

// Unicast reports whether adverts go to unicast peers.
func (in *Instance) Unicast() bool { return len(in.UnicastPeers) > 0 }

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
