package dump

import (
	"net"
	"net/netip"
	"time"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/vrrp"
)

// Snapshot is everything keepalived's dump files show, captured at one
// moment. The writers read only this, so they are pure and testable
// without root: the engine fills it from its running instances and the
// host, tests from a parsed configuration and fixed values.
type Snapshot struct {
	Now    time.Time
	Config *config.Config
	// DefaultUID and DefaultGID are the resolved script_user.
	DefaultUID, DefaultGID uint32
	// Umask is the process's umask; nil shows keepalived's default.
	Umask *uint32
	// NotifyFIFO and VRRPNotifyFIFO are global_defs' notify_fifo and
	// vrrp_notify_fifo with their owners resolved; nil when not set.
	NotifyFIFO, VRRPNotifyFIFO *FIFO
	// GroupNotify are the sync groups' notify scripts by group name, in
	// keepalived's order, with the programs resolved.
	GroupNotify map[string][]Notify
	Instances   []Instance
	Sockets     []Socket
	Scripts     []Script
	// FileValues are the values read from the used track files,
	// ProcCounts and ProcQuorum the matching processes and quorum of
	// the used vrrp_track_processes; unused ones are absent.
	FileValues map[string]int64
	ProcCounts map[string]int
	ProcQuorum map[string]bool
	// GroupStates are the sync groups' states as the engine keeps them;
	// a group missing here is derived from its members.
	GroupStates map[string]vrrp.State
	// Links are the links of the network namespace, as the kernel lists
	// them; keepalived.data shows every one.
	Links []Link
	// RealtimePriority and RealtimeLimit are the SCHED_RR priority and
	// RLIMIT_RTTIME (microseconds) the daemon runs with now, 0 for none.
	RealtimePriority int
	RealtimeLimit    uint64
}

// Instance is one running vrrp_instance.
type Instance struct {
	Cfg      *config.Instance
	State    vrrp.State
	Priority int // effective priority, as in adverts
	Total    int // keepalived's unbounded total_priority
	// MasterAddr and MasterPrio are the master last heard (backup only).
	MasterAddr netip.Addr
	MasterPrio int
	Since      time.Time // last transition
	// ReadTimeout is when the instance's timer next fires; zero prints
	// DISABLED (keepalived's FAULT, INIT and STOP).
	ReadTimeout time.Time
	Source      netip.Addr
	IfIndex     int
	// Socket indexes Snapshot.Sockets; -1 for none.
	Socket      int
	Stats       vrrp.Stats
	Faults      int // trackers holding the instance in FAULT
	ScriptsInit int // unweighted scripts without a first result
	// Notify are the instance's notify scripts as it runs them.
	Notify []Notify

	// Checksum is the unicast checksum mode, configured or learnt.
	Checksum vrrp.UnicastChecksum
}

// Notify is a resolved notify script in keepalived's dump order.
type Notify struct {
	// Kind is the word keepalived prints ("Backup", "Master", ...) and
	// JSONKey the JSON field.
	Kind, JSONKey string
	Argv          []string
	UID, GID      uint32
}

// Command is a command line with the identity it runs as.
type Command struct {
	Argv     []string
	UID, GID uint32
}

// FIFO is a notify FIFO of global_defs. The parent process shows its
// reader as configured (Script), the VRRP child as it runs it: the
// program resolved (Shown) and the FIFO's path appended.
type FIFO struct {
	Path     string
	UID, GID uint32
	// Script is the reader, nil without one.
	Script *Command
	Shown  []string
}

// Socket is a shared VRRP socket (keepalived's socket pool). goalived
// uses one descriptor per socket for both directions.
type Socket struct {
	FD        int
	Ifname    string
	Family    int // 4 or 6
	Unicast   bool
	Addr      netip.Addr // configured source address, if any
	Instances []VRID
	// RxBufSize is the receive buffer asked for (the instances' shares;
	// 0 for the kernel's default), as keepalived shows it.
	RxBufSize int
}

// VRID names an instance using a socket.
type VRID struct {
	Name string
	VRID int
}

// ScriptState is a vrrp_script's last result.
type ScriptState int

const (
	// ScriptInit: no result yet.
	ScriptInit ScriptState = iota
	// ScriptGood: the last results made the script good.
	ScriptGood
	// ScriptBad: the last results made the script fail.
	ScriptBad
	// ScriptDisabled: the script cannot run; keepalived removes it, and
	// the dump leaves it out.
	ScriptDisabled
)

// Script is a vrrp_script in use.
type Script struct {
	Cfg *config.VRRPScript
	// Argv is the command as shown: its program resolved.
	Argv     []string
	State    ScriptState
	UID, GID uint32
	Tracking []Tracker
}

// Tracker is "NAME, weight W[ reverse]" under a tracked object.
type Tracker struct {
	Name    string
	Weight  int
	Reverse bool
}

// Link is one link of the namespace, as netlink reports it.
type Link struct {
	Name  string
	Index int
	MTU   int
	MAC   net.HardwareAddr
	Flags net.Flags
	// HWType is keepalived's name of the hardware type: ETHERNET,
	// LOOPBACK or UNKNOWN.
	HWType string
	// Addrs are the link's addresses, IPv4 then IPv6, each in the
	// kernel's order.
	Addrs []LinkAddr
	// IPv6Forwarding is the link's net.ipv6.conf.IFNAME.forwarding.
	IPv6Forwarding bool
}

// LinkAddr is an address of a link.
type LinkAddr struct {
	Addr netip.Addr
	// Secondary is the kernel's IFA_F_SECONDARY.
	Secondary bool
}

// notVRRPTracked is the weight keepalived shows for an instance's own
// interface under dont_track_primary (observed: 255).
const notVRRPTracked = 255
