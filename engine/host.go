package engine

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/goalived/goalived/engine/track"
	"github.com/goalived/goalived/netif"
	"github.com/goalived/goalived/script"
	"github.com/goalived/goalived/vrrp"
)

// Host is the machine the engine runs on, as the interfaces the engine
// declares: an Engine reaches the kernel, the file system and other
// processes only through them. netif/host opens the real ones (raw
// sockets, rtnetlink, timerfd, /proc/sys, fork and exec; *netif.Addrs is
// both Routing and Links); netif/netiftest keeps a whole host in memory
// for tests. The host belongs to whoever built it: Engine.Close leaves it
// open.
//
// Outputs that follow an instance's state are declared, never scripted
// as add/remove calls: its addresses, routes and rules are netif.Items
// handed to Routing; Accept_Mode's blocked addresses go to the Firewall
// per instance (SetBlocked), and the VMAC interfaces are ensured, with
// their multicast rules (SetVMAC), for as long as the instance runs.
type Host struct {
	Sockets    Sockets
	Routing    Routing
	Links      Links
	Announcers Announcers
	Sysctls    Sysctls
	Scripts    Scripts
	FIFOs      FIFOs
	// Files and Processes are what track_file and vrrp_track_process
	// follow: the files by their contents, the processes by /proc.
	Files     track.Files
	Processes track.Processes
	// Firewalls and VMACs are keepalived's nftables table (Accept_Mode,
	// the VMACs' multicast reports) and its macvlan interfaces
	// (use_vmac). Either may be nil on a host without them: then only a
	// configuration that needs one fails to start.
	Firewalls Firewalls
	VMACs     VMACs
	// Clock drives the instances' timers, vrrp_startup_delay and the
	// install retries; nil is the real clock.
	Clock vrrp.Clock
}

// Sockets opens raw VRRP sockets, one per interface, family, mode and
// source, as keepalived's socket pool has them; the engine shares each
// between the instances configured on it and demultiplexes by VRID.
type Sockets interface {
	// Open opens the socket cfg describes on the interface as it is now.
	// While the interface has no address to send from (netif.ErrNoAddress:
	// no IPv4 address, or its IPv6 link-local address still in duplicate
	// address detection) it tries again for up to wait.
	Open(cfg netif.Config, wait time.Duration) (Conn, error)
}

// Conn is an open VRRP socket. ReadPacket returns an error wrapping
// net.ErrClosed once Close was called; the others may run concurrently
// with it. *netif.Conn is one.
type Conn interface {
	ReadPacket(buf []byte) (netif.Packet, error)
	WritePacket(payload []byte, dst netip.Addr) error
	// WriteSealed sends an AH advert: the socket builds the IPv4 header and
	// seal writes the ICV that covers it.
	WriteSealed(payload []byte, dst netip.Addr, seal func(packet []byte) error) error
	Source() netip.Addr
	IfIndex() int
	SetRcvBuf(n int) error
	Close() error
}

// Routing owns the addresses, routes and rules the engine installs. It
// is declarative and idempotent, as keepalived treats them: Add leaves
// what is present alone and Delete takes what is absent as done; both
// try every item and join the errors of those that failed.
type Routing interface {
	// Add installs the addresses, then the routes (which may need the
	// addresses), then the rules.
	Add(netif.Items) error
	// Delete removes them in the reverse order: rules, routes, addresses.
	Delete(netif.Items) error
	// RouteTable resolves a routing table name through iproute2's
	// rt_tables files; main, local, default and numbers never get here.
	RouteTable(name string) (int, bool)
}

// Links reads the links and their addresses and follows their changes:
// track_interface, dynamic_interfaces, the MTU of rx buffer sizing, a
// virtual address deleted from outside, and the data dump's interface
// list.
type Links interface {
	Link(ifname string) (netif.LinkState, error)
	// Links lists every link with its addresses.
	Links() ([]netif.LinkInfo, error)
	// Watch reports link and address changes from now on; the caller
	// reads the state it needs after subscribing.
	Watch() (*netif.Watcher, error)
	// SetBufs sizes the netlink sockets (vrrp_netlink_*_rcv_bufs).
	SetBufs(netif.NetlinkBufs) error
}

// Announcers makes the engine's announcer, paced as global_defs says
// (vrrp_garp_interval, vrrp_gna_interval); the engine closes it when it
// stops.
type Announcers interface {
	NewAnnouncer(netif.AnnouncerConfig) Announcer
}

// Announcer sends gratuitous ARPs and unsolicited neighbour
// advertisements, paced per interface. *netif.Announcer is one.
type Announcer interface {
	Announce(ifname string, addrs []netip.Addr, rounds int) error
	// Prepare opens what announcing on ifname needs ahead of time, so
	// that becoming master does not wait for it.
	Prepare(ifname string, v6 bool) error
	// Stats counts the packets sent, retried, failed and skipped per
	// interface and family, for /metrics.
	Stats() []netif.AnnounceStats
	Close() error
}

// Firewalls opens the firewall of a configuration; the engine closes
// it when it stops.
type Firewalls interface {
	// OpenFirewall deletes a table of the name left by a daemon that
	// did not stop, and opens it empty.
	OpenFirewall(netif.FirewallConfig) (Firewall, error)
	// AdoptFirewall opens the table a hot upgrade's old process left as
	// it is: what it holds stays in force until Reconcile.
	AdoptFirewall(netif.FirewallConfig) (Firewall, error)
}

// Firewall keeps one nftables table in line with what each owner (an
// instance) declares: the addresses the host must not accept while the
// owner holds them, and the VMACs whose IGMP/MLD reports leave by their
// base interface. nil or empty withdraws an owner's declaration.
// *netif.Firewall is one.
type Firewall interface {
	SetBlocked(owner string, addrs []netif.Blocked) error
	SetVMAC(owner string, links []netif.VMACLink) error
	// Reconcile reads the table back and brings it exactly in line with
	// the declarations, dropping what an adopted table held that no
	// owner declared.
	Reconcile() error
	// Close deletes the table.
	Close() error
}

// VMACs opens the engine's VMAC interfaces; the engine closes them when
// it stops.
type VMACs interface {
	OpenVMACs() (VMACLinks, error)
	// AdoptVMACs carries on with the VMACs and settings a hot upgrade's
	// old process saved (VMACLinks.Saved).
	AdoptVMACs(netif.VMACsSaved) (VMACLinks, error)
}

// VMACLinks creates, keeps and deletes VMAC (macvlan) interfaces with the
// kernel settings keepalived makes for them. *netif.VMACs is one.
type VMACLinks interface {
	// Ensure creates the VMAC, or repairs one of its name, brings it up
	// and returns its interface index; it is idempotent.
	Ensure(netif.VMAC) (int, error)
	// Remove deletes a VMAC Ensure made.
	Remove(name string) error
	// Close deletes every VMAC Ensure made and restores the settings.
	Close() error
	// Saved is what a process taking over needs to carry on (AdoptVMACs).
	Saved() netif.VMACsSaved
}

// Sysctls reads and writes kernel settings by their /proc/sys path, as
// "net/ipv4/conf/eth0/promote_secondaries".
type Sysctls interface {
	Get(name string) (string, error)
	Set(name, value string) error
}

// Scripts runs keepalived's external programs (vrrp_script checks,
// notify scripts, startup_script and shutdown_script) and does the
// load-time steps on their command lines: the user to run as, the path
// search and enable_script_security's checks.
type Scripts interface {
	Run(ctx context.Context, c script.Command) (script.Result, error)
	DefaultIdentity(user, group string, security bool) (script.Identity, error)
	LookupIdentity(user, group string) (script.Identity, error)
	Prepare(argv []string, id script.Identity) (script.Prepared, error)
}

// FIFOs opens the notify FIFOs (notify_fifo, vrrp_notify_fifo) and
// starts their reader scripts.
type FIFOs interface {
	Open(script.FIFOConfig) (FIFO, error)
}

// FIFO is an open notify FIFO. *script.FIFO is one.
type FIFO interface {
	script.FIFOWriter
	// StopReader ends the reader script, if any.
	StopReader()
	// Close closes the FIFO (and removes it if it was created for us).
	Close() error
}

// errNoHost is Start's error for a Host with members missing.
var errNoHost = errors.New("host incomplete")

// check reports a missing member of h.
func (h Host) check() error {
	var missing []string
	for _, m := range []struct {
		name string
		set  bool
	}{
		{"sockets", h.Sockets != nil}, {"routing", h.Routing != nil}, {"links", h.Links != nil},
		{"announcers", h.Announcers != nil}, {"sysctls", h.Sysctls != nil}, {"scripts", h.Scripts != nil},
		{"fifos", h.FIFOs != nil}, {"files", h.Files != nil}, {"processes", h.Processes != nil},
	} {
		if !m.set {
			missing = append(missing, m.name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w: no %s", errNoHost, strings.Join(missing, ", "))
	}
	return nil
}
