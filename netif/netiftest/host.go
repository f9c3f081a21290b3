// Package netiftest is an in-memory engine.Host: interfaces with their
// addresses, routes, rules and kernel settings kept in maps, VRRP
// sockets over vrrptest.Segments, announcements, script runs and notify
// FIFO lines recorded, and link and address changes delivered to the
// engine's watchers as the kernel would. Tests build an engine on it
// without root, drive it (a link goes down, an address is deleted, a
// script fails) and read the result the way an operator would, with
// IPAddr, IPRoute and IPRule.
//
// It follows the kernel where the engine depends on it: adding an
// address that is present, or deleting one that is absent, changes
// nothing; an IPv4 address in the subnet of another is secondary; a
// rule without a preference added twice is there twice; deleting a link
// deletes its addresses (each reported); a socket needs its interface
// and an address to send from.
package netiftest

import (
	"fmt"
	"net"
	"net/netip"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/goalived/goalived/engine"
	"github.com/goalived/goalived/engine/track/tracktest"
	"github.com/goalived/goalived/netif"
	"github.com/goalived/goalived/vrrp"
	"github.com/goalived/goalived/vrrp/vrrptest"
)

// Host is one simulated machine. Its methods are safe for concurrent use.
type Host struct {
	id    uint32
	clock vrrp.Clock

	// Files and Processes are the host's track_file files and processes;
	// tests write the files and start the processes through them.
	Files     *tracktest.Files
	Processes *tracktest.Procs

	mu            sync.Mutex // guards everything below
	links         []*link    // by index order
	nextIndex     int
	routes        []netif.Route
	rules         []netif.Rule
	tables        map[string]int // rt_tables names
	sysctls       map[string]string
	watchers      map[*watcher]bool
	conns         map[*conn]bool
	announced     []Announcement
	announceStats []netif.AnnounceStats
	scripts       map[string]ScriptFunc
	runs          []Run
	fifoLines     map[string][]string
	bufs          netif.NetlinkBufs
	changes       []string // address additions and deletions, in order
	actions       []string // the same, with the firewall's and the VMACs'
	fw            *fakeFirewall
	fwErr         error
}

// link is one interface.
type link struct {
	name    string
	index   int
	mtu     int
	mac     net.HardwareAddr
	up      bool
	running bool
	seg     *vrrptest.Segment
	addrs   []addr
	parent  string // a VMAC's base interface
}

// addr is an address on a link.
type addr struct {
	netif.Addr
	secondary bool
}

var hosts atomic.Uint32 // numbers the hosts of a test process, for their MACs

// New returns a host without interfaces whose engine runs on clock (nil:
// the real clock, which is the bubble's inside testing/synctest).
func New(clock vrrp.Clock) *Host {
	if clock == nil {
		clock = vrrp.RealClock()
	}
	return &Host{
		id: hosts.Add(1), clock: clock, nextIndex: 1,
		Files: tracktest.NewFiles(), Processes: tracktest.NewProcs(),
		sysctls:  map[string]string{"net/ipv4/igmp_link_local_mcast_reports": "1"},
		tables:   map[string]int{},
		watchers: map[*watcher]bool{}, conns: map[*conn]bool{},
		scripts: map[string]ScriptFunc{}, fifoLines: map[string][]string{},
	}
}

// Engine returns the host as the engine takes it.
func (h *Host) Engine() engine.Host {
	return engine.Host{
		Sockets: sockets{h}, Routing: routing{h}, Links: links{h}, Announcers: announcers{h},
		Sysctls: sysctls{h}, Scripts: scripts{h}, FIFOs: fifos{h}, Files: h.Files, Processes: h.Processes,
		Firewalls: firewalls{h}, VMACs: vmacHost{h}, Clock: h.clock,
	}
}

// AddLink creates an interface, up and running, attached to seg (nil:
// to nothing), with the given addresses ("192.0.2.1/24").
func (h *Host) AddLink(name string, seg *vrrptest.Segment, prefixes ...string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	l := h.addLinkLocked(name, seg, net.HardwareAddr{0x02, 0, byte(h.id >> 8), byte(h.id), 0, byte(h.nextIndex)}, "")
	l.up, l.running = true, true
	h.emitLocked(netif.Event{Kind: netif.LinkChanged, IfIndex: l.index, Ifname: name, Up: true, Running: true})
	for _, p := range prefixes {
		h.addAddrLocked(l, netif.Addr{Prefix: netip.MustParsePrefix(p), Dev: name})
	}
}

// addLinkLocked creates a link, down.
func (h *Host) addLinkLocked(name string, seg *vrrptest.Segment, mac net.HardwareAddr, parent string) *link {
	l := &link{name: name, index: h.nextIndex, mtu: 1500, seg: seg, mac: mac, parent: parent}
	h.nextIndex++
	h.links = append(h.links, l)
	h.sysctls["net/ipv4/conf/"+name+"/promote_secondaries"] = "0"
	h.sysctls["net/ipv6/conf/"+name+"/forwarding"] = "0"
	return l
}

// SetLink sets an interface up and running, or down; its sockets stop
// sending and receiving while it is down. The carrier of the VMACs on it
// follows.
func (h *Host) SetLink(name string, up bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	l := h.linkLocked(name)
	if l == nil {
		return
	}
	l.up = up
	running := up
	if p := h.linkLocked(l.parent); p != nil {
		running = up && p.running
	}
	h.setRunningLocked(l, running)
}

// DeleteLink deletes an interface with its addresses and routes; its
// sockets are cut off.
func (h *Host) DeleteLink(name string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if l := h.linkLocked(name); l != nil {
		h.deleteLinkLocked(l)
	}
}

// deleteLinkLocked deletes l with its addresses, routes and VMACs.
func (h *Host) deleteLinkLocked(l *link) {
	for _, v := range slices.Clone(h.links) {
		if v.parent == l.name {
			h.deleteLinkLocked(v)
		}
	}
	for _, a := range slices.Clone(l.addrs) {
		h.deleteAddrLocked(l, a.Prefix)
	}
	h.routes = slices.DeleteFunc(h.routes, func(r netif.Route) bool { return r.Dev == l.name })
	for c := range h.conns {
		if c.link == l && c.port != nil {
			c.port.SetLink(false)
		}
	}
	h.links = slices.DeleteFunc(h.links, func(x *link) bool { return x == l })
	h.emitLocked(netif.Event{Kind: netif.LinkDeleted, IfIndex: l.index, Ifname: l.name})
}

// AddAddr adds an address from outside the engine (an operator, DHCP).
func (h *Host) AddAddr(name, prefix string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	l := h.linkLocked(name)
	if l == nil {
		return fmt.Errorf("add %s dev %s: no such interface", prefix, name)
	}
	h.addAddrLocked(l, netif.Addr{Prefix: netip.MustParsePrefix(prefix), Dev: name})
	return nil
}

// DeleteAddr deletes an address from outside the engine.
func (h *Host) DeleteAddr(name, prefix string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	l := h.linkLocked(name)
	if l == nil {
		return fmt.Errorf("delete %s dev %s: no such interface", prefix, name)
	}
	h.deleteAddrLocked(l, netip.MustParsePrefix(prefix))
	return nil
}

// HasAddr reports whether prefix ("192.0.2.100/32") is on interface name.
func (h *Host) HasAddr(name, prefix string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	l := h.linkLocked(name)
	return l != nil && slices.ContainsFunc(l.addrs, func(a addr) bool { return a.Prefix.String() == prefix })
}

// AddrChanges returns every address added or deleted so far, in order,
// as "add 192.0.2.100/32 dev eth0" or "del ...", and forgets them.
func (h *Host) AddrChanges() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := h.changes
	h.changes = nil
	return out
}

// Actions returns what the engine did to the host's addresses, firewall
// and VMACs, in order, as AddrChanges does for addresses ("block VI_1#1
// 192.0.2.100", "add 192.0.2.100/32 dev eth0", "vmac add vrrp.51 link
// eth0 address 00:00:5e:00:01:33 v6=false"), and forgets them.
func (h *Host) Actions() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := h.actions
	h.actions = nil
	return out
}

func (h *Host) actLocked(s string) { h.actions = append(h.actions, s) }

func (h *Host) linkLocked(name string) *link {
	for _, l := range h.links {
		if l.name == name {
			return l
		}
	}
	return nil
}

// addAddrLocked adds a unless its address and length are there already;
// an IPv4 address inside the subnet of another is secondary.
func (h *Host) addAddrLocked(l *link, a netif.Addr) {
	for _, x := range l.addrs {
		if x.Prefix == a.Prefix {
			return
		}
	}
	n := addr{Addr: a}
	for _, x := range l.addrs {
		if a.Prefix.Addr().Is4() && x.Prefix.Addr().Is4() && x.Prefix.Bits() == a.Prefix.Bits() && x.Prefix.Contains(a.Prefix.Addr()) {
			n.secondary = true
		}
	}
	l.addrs = append(l.addrs, n)
	h.changes = append(h.changes, "add "+a.Prefix.String()+" dev "+l.name)
	h.actLocked("add " + a.Prefix.String() + " dev " + l.name)
	h.emitLocked(netif.Event{Kind: netif.AddrAdded, IfIndex: l.index, Ifname: l.name, Addr: a.Prefix})
}

// deleteAddrLocked deletes p (address and length) if present.
func (h *Host) deleteAddrLocked(l *link, p netip.Prefix) bool {
	i := slices.IndexFunc(l.addrs, func(a addr) bool { return a.Prefix == p })
	if i < 0 {
		return false
	}
	l.addrs = slices.Delete(l.addrs, i, i+1)
	h.changes = append(h.changes, "del "+p.String()+" dev "+l.name)
	h.actLocked("del " + p.String() + " dev " + l.name)
	h.emitLocked(netif.Event{Kind: netif.AddrRemoved, IfIndex: l.index, Ifname: l.name, Addr: p})
	return true
}

// primaryLocked is the address a socket of family sends from: the first
// primary IPv4 address, or the first IPv6 link-local one.
func (l *link) primaryLocked(family int) (netip.Addr, bool) {
	for _, a := range l.addrs {
		ip := a.Prefix.Addr()
		if family == 4 && ip.Is4() && !a.secondary || family == 6 && ip.Is6() && ip.IsLinkLocalUnicast() {
			return ip, true
		}
	}
	return netip.Addr{}, false
}
