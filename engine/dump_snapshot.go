package engine

import (
	"net"
	"net/netip"
	"time"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/script"
	"github.com/goalived/goalived/vrrp"
)

// dumpSnapshot is everything keepalived's dump files show (reference
// 4.3.3 to 4.3.5), captured at one moment. The formatters read only this,
// so they are pure and testable without root: the Engine fills it from its
// running instances, tests from a parsed configuration and fixed values.
type dumpSnapshot struct {
	Now    time.Time
	Config *config.Config
	// DefaultUID and DefaultGID are the resolved script_user.
	DefaultUID, DefaultGID uint32
	// Resolve shows a configured command the way keepalived does after
	// loading it (see displayArgv); nil shows it as configured.
	Resolve   func(argv []string) []string
	Instances []dumpInstance
	Sockets   []dumpSocket
	Scripts   []dumpScript
	// FileValues are the values read from the used track files,
	// ProcCounts and ProcQuorum the matching processes and quorum of
	// the used vrrp_track_processes; unused ones are absent.
	FileValues map[string]int64
	ProcCounts map[string]int
	ProcQuorum map[string]bool
	// GroupStates are the sync groups' states as the engine keeps them;
	// a group missing here is derived from its members.
	GroupStates map[string]vrrp.State
	Interfaces  []dumpInterface
	// Umask is the process's umask; nil shows keepalived's default.
	Umask *uint32
}

// dumpInstance is one running vrrp_instance.
type dumpInstance struct {
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
	// Socket indexes dumpSnapshot.Sockets; -1 for none.
	Socket      int
	Stats       vrrp.Stats
	Faults      int // trackers holding the instance in FAULT
	ScriptsInit int // unweighted scripts without a first result
	Notify      []dumpNotify

	// Checksum is the unicast checksum mode, configured or learnt.
	Checksum vrrp.UnicastChecksum
}

// dumpNotify is a resolved notify script in keepalived's dump order.
type dumpNotify struct {
	// Kind is the word keepalived prints ("Backup", "Master", ...) and
	// JSONKey the JSON field.
	Kind, JSONKey string
	Argv          []string
	UID, GID      uint32
}

// dumpSocket is a shared VRRP socket (keepalived's socket pool). goalived
// uses one descriptor per socket for both directions.
type dumpSocket struct {
	FD        int
	Ifname    string
	Family    int // 4 or 6
	Unicast   bool
	Addr      netip.Addr // configured source address, if any
	Instances []dumpVRID
	// RxBufSize is the receive buffer asked for (the instances' shares,
	// see applyRcvBufs; 0 for the kernel's default), as keepalived shows it.
	RxBufSize int
}

type dumpVRID struct {
	Name string
	VRID int
}

// dumpScript is a vrrp_script in use.
type dumpScript struct {
	Cfg *config.VRRPScript
	// Argv is the command as shown (see displayArgv).
	Argv     []string
	Cond     script.Condition
	UID, GID uint32
	Tracking []dumpTracker
}

// dumpTracker is "NAME, weight W[ reverse]" under a tracked object.
type dumpTracker struct {
	Name    string
	Weight  int
	Reverse bool
}

// dumpInterface is one link of the namespace, as netlink reports it.
type dumpInterface struct {
	Name       string
	Index      int
	IPv4, IPv6 netip.Addr // primary IPv4, link-local IPv6
	MAC        net.HardwareAddr
	BcastMAC   net.HardwareAddr
	Flags      net.Flags
	MTU        int
	HWType     string // ETHERNET, LOOPBACK, ...
	// GARPInterval and GNAInterval are the pacing of announcements sent
	// on the interface (shown when one is set).
	GARPInterval, GNAInterval time.Duration
	// AnnouncedAt is when a master last started announcing on the
	// interface (its transition), zero if none did.
	AnnouncedAt time.Time
	// IPv6Forwarding is set once unsolicited NAs were sent on the
	// interface: keepalived then checks whether it forwards IPv6 (the NA
	// router flag follows it).
	IPv6Forwarding *ipv6Forwarding
	Tracking       []dumpTracker
}

type ipv6Forwarding struct {
	Forwarding bool
	Checked    time.Time
}

// notVRRPTracked is the weight keepalived shows for an instance's own
// interface under dont_track_primary (observed: 255).
const notVRRPTracked = 255

// shown is argv through s.Resolve.
func (s *dumpSnapshot) shown(argv []string) []string {
	if s.Resolve == nil {
		return argv
	}
	return s.Resolve(argv)
}
