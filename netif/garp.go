package netif

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/mdlayher/arp"
	"github.com/mdlayher/ethernet"
	"github.com/mdlayher/ndp"
	"github.com/mdlayher/packet"
	"golang.org/x/net/bpf"
	"golang.org/x/net/ipv6"
	"golang.org/x/sys/unix"
)

// garpFrame builds keepalived's gratuitous ARP (vrrp_arp.c): an Ethernet
// broadcast ARP *request* with sender IP = target IP = the VIP and target
// MAC ff:ff:ff:ff:ff:ff (not zeros, unlike RFC 5227 probes).
func garpFrame(mac net.HardwareAddr, ip netip.Addr) ([]byte, error) {
	p, err := arp.NewPacket(arp.OperationRequest, mac, ip, ethernet.Broadcast, ip)
	if err != nil {
		return nil, fmt.Errorf("build gratuitous arp: %w", err)
	}
	pb, err := p.MarshalBinary()
	if err != nil {
		return nil, fmt.Errorf("build gratuitous arp: %w", err)
	}
	f := ethernet.Frame{Destination: ethernet.Broadcast, Source: mac, EtherType: ethernet.EtherTypeARP, Payload: pb}
	return f.MarshalBinary()
}

// unsolicitedNA builds keepalived's unsolicited neighbour advertisement
// (vrrp_ndisc.c, RFC 4861 7.2.6): Override set, Solicited clear, Router
// set when the interface forwards IPv6, target link-layer address option.
func unsolicitedNA(mac net.HardwareAddr, ip netip.Addr, router bool) *ndp.NeighborAdvertisement {
	return &ndp.NeighborAdvertisement{
		Router:        router,
		Override:      true,
		TargetAddress: ip,
		Options:       []ndp.Option{&ndp.LinkLayerAddress{Direction: ndp.Target, Addr: mac}},
	}
}

// allNodes is the destination of unsolicited NAs (33:33:00:00:00:01).
var allNodes = netip.MustParseAddr("ff02::1")

// ifSockets are the send-only sockets of one interface.
type ifSockets struct {
	ifi *net.Interface
	arp *packet.Conn
	ndp *ndp.Conn
}

func (s *ifSockets) close() {
	if s.arp != nil {
		s.arp.Close()
	}
	if s.ndp != nil {
		s.ndp.Close()
	}
}

// packetSender is the real sender: an AF_PACKET socket for ARP and an
// ICMPv6 socket for NA per interface, opened on first use.
type packetSender struct {
	mu     sync.Mutex // guards the fields below; held across one send
	closed bool
	ifs    map[string]*ifSockets
}

func newPacketSender() *packetSender { return &packetSender{ifs: map[string]*ifSockets{}} }

func (s *packetSender) send(ifname string, ip netip.Addr) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	err := s.sendLocked(ifname, ip)
	if errors.Is(err, syscall.ENODEV) {
		// The interface was deleted and made again under its name (a
		// VMAC, a dynamic interface): the new one has new sockets.
		err = s.sendLocked(ifname, ip)
	}
	return err
}

// sendLocked sends on ifname's sockets; after an error they are closed,
// to be opened again by the next send. s.mu is held.
func (s *packetSender) sendLocked(ifname string, ip netip.Addr) error {
	so, err := s.socketsLocked(ifname)
	if err != nil {
		return err
	}
	if ip.Is4() {
		err = so.sendGARP(ip)
	} else {
		err = so.sendNA(ip)
	}
	if err != nil {
		so.close()
		delete(s.ifs, ifname)
	}
	return err
}

// socketsLocked returns ifname's sockets, net.ErrClosed once the sender
// is closed; s.mu is held.
func (s *packetSender) socketsLocked(ifname string) (*ifSockets, error) {
	if s.closed {
		return nil, net.ErrClosed
	}
	if so, ok := s.ifs[ifname]; ok {
		return so, nil
	}
	ifi, err := net.InterfaceByName(ifname)
	if err != nil {
		return nil, err
	}
	if len(ifi.HardwareAddr) != 6 || noARP(ifname) {
		return nil, errNoLinkLayer
	}
	so := &ifSockets{ifi: ifi}
	s.ifs[ifname] = so
	return so, nil
}

// noARP reports whether ifname is marked NOARP (tun, some tunnels), where
// keepalived 2.2.7 sends no gratuitous ARP or NA. The flag is read with
// SIOCGIFFLAGS in the calling thread's network namespace; a failed read
// counts as "ARP allowed" so that the send reports the real problem.
func noARP(ifname string) bool {
	ifr, err := ifreqIoctl(ifname, unix.SIOCGIFFLAGS)
	return err == nil && ifr.Uint16()&unix.IFF_NOARP != 0
}

// dropAll is a BPF program accepting nothing: the sockets only send, and
// must not queue every ARP or ICMPv6 packet of the segment.
var dropAll, _ = bpf.Assemble([]bpf.Instruction{bpf.RetConstant{Val: 0}})

func (so *ifSockets) openARP() error {
	if so.arp != nil {
		return nil
	}
	c, err := packet.Listen(so.ifi, packet.Raw, int(ethernet.EtherTypeARP), &packet.Config{Filter: dropAll})
	if err != nil {
		return fmt.Errorf("open arp socket: %w", err)
	}
	so.arp = c
	return nil
}

func (so *ifSockets) openNDP() error {
	if so.ndp != nil {
		return nil
	}
	// The zone is the interface index, not its name: Go resolves a
	// name through a cache it refreshes once a minute, so an interface
	// deleted and made again (a VMAC, a dynamic interface) would be
	// bound by its old index and every send fail with EINVAL.
	byIndex := *so.ifi
	byIndex.Name = strconv.Itoa(so.ifi.Index)
	c, _, err := ndp.Listen(&byIndex, ndp.Unspecified)
	if err != nil {
		return fmt.Errorf("open icmpv6 socket: %w", err)
	}
	var f ipv6.ICMPFilter
	f.SetAll(true)
	if err := c.SetICMPFilter(&f); err != nil {
		c.Close()
		return fmt.Errorf("filter icmpv6 socket: %w", err)
	}
	so.ndp = c
	return nil
}

// prepare opens ifname's socket for one family ahead of the first
// announcement, so that becoming master does not wait for it.
func (s *packetSender) prepare(ifname string, v6 bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	so, err := s.socketsLocked(ifname)
	if err != nil {
		return err
	}
	if v6 {
		return so.openNDP()
	}
	return so.openARP()
}

func (so *ifSockets) sendGARP(ip netip.Addr) error {
	if err := so.openARP(); err != nil {
		return err
	}
	frame, err := garpFrame(so.ifi.HardwareAddr, ip)
	if err != nil {
		return err
	}
	if _, err := so.arp.WriteTo(frame, &packet.Addr{HardwareAddr: ethernet.Broadcast}); err != nil {
		return fmt.Errorf("send gratuitous arp: %w", err)
	}
	return nil
}

// sendNA sends from the VIP itself, as keepalived does. Should the kernel
// refuse that source (the address is tentative or already gone), the NA
// goes out from the link-local address instead: receivers still learn
// the target's MAC from the target link-layer address option.
func (so *ifSockets) sendNA(ip netip.Addr) error {
	if err := so.openNDP(); err != nil {
		return err
	}
	m := unsolicitedNA(so.ifi.HardwareAddr, ip, forwarding(so.ifi.Name))
	cm := &ipv6.ControlMessage{HopLimit: ndp.HopLimit, Src: ip.AsSlice(), IfIndex: so.ifi.Index}
	err := so.ndp.WriteTo(m, cm, allNodes)
	if err != nil {
		cm.Src = nil
		err = so.ndp.WriteTo(m, cm, allNodes)
	}
	if err != nil {
		return fmt.Errorf("send unsolicited neighbour advertisement: %w", err)
	}
	return nil
}

// forwarding reports whether ifname forwards IPv6 (the NA Router flag).
// /proc/sys/net follows the calling thread's network namespace.
func forwarding(ifname string) bool {
	b, err := os.ReadFile("/proc/sys/net/ipv6/conf/" + ifname + "/forwarding")
	return err == nil && strings.TrimSpace(string(b)) == "1"
}

func (s *packetSender) close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	for name, so := range s.ifs {
		so.close()
		delete(s.ifs, name)
	}
	return nil
}
