package config

import (
	"net/netip"
	"time"
)

// Config is the typed model of one keepalived.conf. Slices keep the order
// of the file. Every value has its default applied, so consumers never need
// to know keepalived's defaults.
type Config struct {
	Global         GlobalDefs      `json:"global_defs"`
	Scripts        []*VRRPScript   `json:"vrrp_scripts,omitempty"`
	Instances      []*Instance     `json:"vrrp_instances,omitempty"`
	SyncGroups     []*SyncGroup    `json:"vrrp_sync_groups,omitempty"`
	TrackFiles     []*TrackFile    `json:"track_files,omitempty"`
	TrackProcesses []*TrackProcess `json:"vrrp_track_processes,omitempty"`
	// Static items are configured at start and removed at stop.
	StaticAddresses []VIP   `json:"static_ipaddress,omitempty"`
	StaticRoutes    []Route `json:"static_routes,omitempty"`
	StaticRules     []Rule  `json:"static_rules,omitempty"`
	// TrackGroups are the track_group blocks that static items name.
	TrackGroups []*TrackGroup `json:"track_groups,omitempty"`
	// Unsupported lists every keyword keepalived knows but goalived does not
	// implement, in file order; each also produced a warning.
	Unsupported []Feature `json:"unsupported,omitempty"`
}

// Script returns the vrrp_script called name, or nil.
func (c *Config) Script(name string) *VRRPScript {
	for _, s := range c.Scripts {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// Instance returns the vrrp_instance called name, or nil.
func (c *Config) Instance(name string) *Instance {
	for _, in := range c.Instances {
		if in.Name == name {
			return in
		}
	}
	return nil
}

// Feature is a recognised keyword that goalived does not implement.
type Feature struct {
	Keyword string   `json:"keyword"`
	Block   string   `json:"block"` // enclosing block, e.g. "global_defs" or "vrrp_instance VI_1"; "" at top level
	Pos     string   `json:"pos"`   // file:line:col
	Args    []string `json:"args,omitempty"`
	// NotYet marks a keyword the model holds but the engine does not act
	// on yet (the notYet table), rather than a feature out of scope.
	NotYet bool `json:"not_yet,omitempty"`
}

// GlobalDefs holds global_defs with defaults applied.
type GlobalDefs struct {
	RouterID             string        `json:"router_id"`
	ScriptUser           *User         `json:"script_user,omitempty"`
	EnableScriptSecurity bool          `json:"enable_script_security"`
	GARP                 GARP          `json:"garp"`
	GARPInterval         time.Duration `json:"vrrp_garp_interval"`
	GNAInterval          time.Duration `json:"vrrp_gna_interval"`
	MinGARP              bool          `json:"vrrp_min_garp"`
	Version              int           `json:"vrrp_version"`
	McastGroup4          netip.Addr    `json:"vrrp_mcast_group4"`
	McastGroup6          netip.Addr    `json:"vrrp_mcast_group6"`
	CheckUnicastSrc      bool          `json:"vrrp_check_unicast_src"`
	SkipCheckAdvAddr     bool          `json:"vrrp_skip_check_adv_addr"`
	Strict               bool          `json:"vrrp_strict"`
	LowerPrioNoAdvert    bool          `json:"vrrp_lower_prio_no_advert"`
	HigherPrioSendAdvert bool          `json:"vrrp_higher_prio_send_advert"`
	DownTimerAdverts     int           `json:"vrrp_down_timer_adverts"`
	OwnerIgnoreAdverts   bool          `json:"vrrp_owner_ignore_adverts"`
	// NotifyFIFO receives VRRP and LVS events, VRRPNotifyFIFO VRRP only.
	NotifyFIFO              *FIFO         `json:"notify_fifo,omitempty"`
	VRRPNotifyFIFO          *FIFO         `json:"vrrp_notify_fifo,omitempty"`
	NotifyPriorityChanges   bool          `json:"vrrp_notify_priority_changes"`
	FIFOWriteStatesOnReload bool          `json:"fifo_write_vrrp_states_on_reload"`
	DefaultInterface        string        `json:"default_interface"`
	DynamicInterfaces       bool          `json:"dynamic_interfaces"`
	AllowIfChanges          bool          `json:"allow_if_changes"`
	DisableLocalIGMP        bool          `json:"disable_local_igmp"`
	V3ChecksumAsV2          bool          `json:"v3_checksum_as_v2"`
	StartupDelay            time.Duration `json:"vrrp_startup_delay"`
	LogUnknownVRIDs         bool          `json:"log_unknown_vrids"`
	StartupScript           *Command      `json:"startup_script,omitempty"`
	StartupScriptTimeout    time.Duration `json:"startup_script_timeout"`
	ShutdownScript          *Command      `json:"shutdown_script,omitempty"`
	ShutdownScriptTimeout   time.Duration `json:"shutdown_script_timeout"`
	// Umask is the umask keyword's mask; nil when not written (the -u
	// option or keepalived's 0177 then apply).
	Umask *uint32 `json:"umask,omitempty"`
	// RxBufsPolicy is vrrp_rx_bufs_policy: "", RxBufsMTU, RxBufsAdvert or
	// RxBufsSize (RxBufsBytes per instance). RxBufsMultiplier is
	// vrrp_rx_bufs_multiplier, 0 for keepalived's 3 (RxMultiplier).
	RxBufsPolicy     string `json:"vrrp_rx_bufs_policy,omitempty"`
	RxBufsBytes      int    `json:"vrrp_rx_bufs_size,omitempty"`
	RxBufsMultiplier int    `json:"vrrp_rx_bufs_multiplier,omitempty"`
	// The receive buffers of the netlink sockets (0: the kernel's
	// default); Force is SO_RCVBUFFORCE. goalived has no process event
	// socket (track_process scans /proc), so ProcessMonitor* size nothing.
	NetlinkCmdRcvBufs          int  `json:"vrrp_netlink_cmd_rcv_bufs,omitempty"`
	NetlinkCmdRcvBufsForce     bool `json:"vrrp_netlink_cmd_rcv_bufs_force,omitempty"`
	NetlinkMonitorRcvBufs      int  `json:"vrrp_netlink_monitor_rcv_bufs,omitempty"`
	NetlinkMonitorRcvBufsForce bool `json:"vrrp_netlink_monitor_rcv_bufs_force,omitempty"`
	ProcessMonitorRcvBufs      int  `json:"process_monitor_rcv_bufs,omitempty"`
	ProcessMonitorRcvBufsForce bool `json:"process_monitor_rcv_bufs_force,omitempty"`
	// Nftables is the table of `nftables [TABLE]` ("keepalived" without
	// a name), also set to "keepalived" by vrrp_iptables, which
	// keepalived 2.2.7 built with nftables maps to nftables; "" when
	// neither is written. An instance with no_accept (or strict mode)
	// or use_vmac then makes the engine use "keepalived" all the same.
	Nftables string `json:"nftables,omitempty"`
	// NftablesPriority is nftables_priority, the base chains' priority;
	// keepalived's -1 by default, and an nftables line after it resets
	// it to -1.
	NftablesPriority int `json:"nftables_priority"`
	// NftablesCounters (nftables_counters) puts a counter in every rule.
	NftablesCounters bool `json:"nftables_counters,omitempty"`
	// NftablesIfindex (nftables_ifindex) matches IPv6 link-local VIPs by
	// interface index only, never by name.
	NftablesIfindex bool `json:"nftables_ifindex,omitempty"`
	// VMACPrefix and VMACAddrPrefix are vmac_prefix and vmac_addr_prefix:
	// the name prefixes of the VMACs the engine names, for use_vmac and
	// for addresses' VMACs ("" is "vrrp"; an address VMAC falls back to
	// VMACPrefix).
	VMACPrefix     string `json:"vmac_prefix,omitempty"`
	VMACAddrPrefix string `json:"vmac_addr_prefix,omitempty"`
	// DataUseInstance puts the network namespace and instance names into
	// the data dump file names.
	DataUseInstance bool `json:"data_use_instance"`
	// LowerPrioDelayWritten and LowerPrioRepeatWritten say whether
	// vrrp_garp_lower_prio_delay/_repeat were written. Unwritten, they
	// follow the master values in GARP, and keepalived's parent process
	// shows them as unset in keepalived_parent.data.
	LowerPrioDelayWritten  bool `json:"-"`
	LowerPrioRepeatWritten bool `json:"-"`
	// Process tunes the daemon process (scheduling, memory, CPUs, names).
	Process Process `json:"process"`
	// Email holds the e-mail alert settings.
	Email Email `json:"email"`
}

// GARP holds the gratuitous ARP / unsolicited NA counts and delays,
// globally and per instance.
type GARP struct {
	MasterDelay         time.Duration `json:"master_delay"`
	MasterRepeat        int           `json:"master_repeat"`
	MasterRefresh       time.Duration `json:"master_refresh"`
	MasterRefreshRepeat int           `json:"master_refresh_repeat"`
	LowerPrioDelay      time.Duration `json:"lower_prio_delay"`
	LowerPrioRepeat     int           `json:"lower_prio_repeat"`
}

// User is a script identity: "USER [[:]GROUP]" or "USER :".
type User struct {
	User  string `json:"user"`
	Group string `json:"group,omitempty"`
	// SupplementaryGroups is set by a ':' before the group (or a bare ':').
	SupplementaryGroups bool `json:"supplementary_groups,omitempty"`
}

// Command is a script keepalived runs: notify_*, vrrp_script's script,
// FIFO readers.
type Command struct {
	// Cmd is the command string as configured (slot 1, quotes removed).
	Cmd string `json:"cmd"`
	// Argv is Cmd split with keepalived's quote and escape rules.
	Argv []string `json:"argv"`
	// User and Group come from the words after the command, if any.
	User  string `json:"user,omitempty"`
	Group string `json:"group,omitempty"`
	// SupplementaryGroups: the group was written with a leading ':'.
	SupplementaryGroups bool `json:"supplementary_groups,omitempty"`
}

// Notify is the command of a notify_* keyword.
type Notify = Command

// FIFO is a notify FIFO and the optional program that reads it.
type FIFO struct {
	Path   string   `json:"path"`
	User   string   `json:"user,omitempty"`
	Group  string   `json:"group,omitempty"`
	Script *Command `json:"script,omitempty"`
}
