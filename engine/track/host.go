package track

import (
	"context"
	"net/netip"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/netif"
	"github.com/goalived/goalived/script"
	"github.com/goalived/goalived/vrrp"
)

// Instance is one running vrrp_instance as tracking drives it. Trackers
// compare instances with ==, so the engine hands out the same value for
// the same instance.
type Instance interface {
	// Config is the configuration the instance runs now.
	Config() *config.Instance
	State() vrrp.State
	// Priority is the priority its state machine uses now.
	Priority() int
	// SetPriority and SetFault hand the effective priority and the fault
	// to its state machine.
	SetPriority(prio int)
	SetFault(fault bool)
	// PriorityChanged says that tracking moved the effective priority
	// after the first one (the status file shows it).
	PriorityChanged(prio int)
	// SocketOpen is false while its socket waits for its interface
	// (dynamic_interfaces): the instance is in FAULT meanwhile.
	SocketOpen() bool
	// JoinGroup makes its state machine a member of a sync group.
	JoinGroup(g *vrrp.SyncGroup)
}

// Host is what tracking needs of the engine.
type Host interface {
	// Command resolves a configured script as the engine runs scripts
	// (script_user, enable_script_security); the warnings are logged.
	Command(c *config.Command) (script.Command, []string, error)
	// NotifyScripts resolves a sync group's notify scripts.
	NotifyScripts(group string, n *config.Notifies) script.NotifyScripts
	// Notify runs a group's notify scripts and writes its FIFO line.
	Notify(ns script.NotifyScripts, t script.Transition) error
	// NotifyEvent writes an event line (MASTER_PRIORITY,
	// BACKUP_PRIORITY) to the notify FIFOs only.
	NotifyEvent(instance, event string, prio int)
	// ReopenSockets gives the sockets still waiting on ifname a
	// connection (dynamic_interfaces) and returns the instances that
	// moved to it, for tracking to re-evaluate.
	ReopenSockets(ifname string) []Instance
	// AddressRemoved sees every address deleted on the host (a VIP
	// removed from outside is restored).
	AddressRemoved(ev netif.Event)
	// LinkDeleted sees every interface deleted on the host (a VMAC
	// deleted from outside is created again).
	LinkDeleted(ifname string)
}

// OS is the host system side of tracking. System returns the real one;
// package tracktest has fakes.
type OS struct {
	Links     Links
	Files     Files
	Processes Processes
	Checks    Checks
}

// Links is the state of the network interfaces: track_interface, the
// instances' own interfaces and track_src_ip.
type Links interface {
	Link(ifname string) (netif.LinkState, error)
	// HasAddr reports whether a is on ifname now.
	HasAddr(ifname string, a netip.Addr) bool
	// Watch subscribes to link and address changes; the state read
	// after it returns misses none.
	Watch() (LinkWatch, error)
}

// LinkWatch delivers link and address changes until Close.
type LinkWatch interface {
	Events() <-chan netif.Event
	Close() error
}

// Files is the file system side of track_file.
type Files interface {
	// Init writes value to path as init_file does (see
	// netif.InitTrackFile).
	Init(path string, value int, overwrite, reload bool) error
	// Watch follows the files (track_file name -> path). Those that
	// cannot be followed are returned in dropped, with the reason.
	Watch(paths map[string]string) (w FileWatch, dropped map[string]error, err error)
}

// FileWatch follows watched files until Close.
type FileWatch interface {
	// Read returns a file's contents now (nil when missing).
	Read(name string) []byte
	Changes() <-chan netif.FileChange
	Close() error
}

// Processes lists the host's processes, reading their command lines
// when cmdline is set.
type Processes interface {
	Scan(cmdline bool) []netif.Process
}

// Checks creates the vrrp_script checks.
type Checks interface {
	NewCheck(cfg script.CheckConfig) (Check, error)
}

// Check is one running vrrp_script (script.Check is the real one).
type Check interface {
	Name() string
	// Start begins running it; condition changes go to events.
	Start(events chan<- script.CheckEvent) error
	// Drain stops it for a handover: a run in progress may finish until
	// ctx ends; it returns where the check is, and closes it.
	Drain(ctx context.Context) script.CheckState
	Close() error
	Stats() script.RunStats
}
