package netif_test

import (
	"bytes"
	"errors"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/goalived/goalived/netif"
	"github.com/goalived/goalived/netif/nstest"
	"golang.org/x/sys/unix"
)

// advert is a VRRPv2 advertisement as keepalived sends it: VRID 51,
// priority 110, two VIPs, 8 zero auth bytes.
var advert = []byte{
	0x21, 0x33, 0x6e, 0x02, 0x00, 0x01, 0xeb, 0xfe,
	0xc0, 0x00, 0x02, 0x64, 0xc0, 0x00, 0x02, 0x65,
	0, 0, 0, 0, 0, 0, 0, 0,
}

func listenIn(t *testing.T, lab *nstest.Lab, i int, cfg netif.Config) *netif.Conn {
	t.Helper()
	var c *netif.Conn
	var err error
	lab.Do(i, func() { c, err = netif.Listen(cfg) })
	if err != nil {
		t.Fatalf("host %d: Listen(%+v): %v", i, cfg, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// readOne reads one packet, skipping none: the lab segment is quiet.
func readOne(t *testing.T, c *netif.Conn, d time.Duration) (netif.Packet, error) {
	t.Helper()
	if err := c.SetReadDeadline(time.Now().Add(d)); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 1500)
	return c.ReadPacket(buf)
}

func checkPacket(t *testing.T, got netif.Packet, src, dst netip.Addr, ttl uint8, ifindex int, payload []byte) {
	t.Helper()
	if got.Src != src || got.Dst != dst || got.TTL != ttl || got.IfIndex != ifindex || !bytes.Equal(got.Payload, payload) {
		t.Errorf("got packet %v -> %v ttl %d if %d payload % x\nwant %v -> %v ttl %d if %d payload % x",
			got.Src, got.Dst, got.TTL, got.IfIndex, got.Payload, src, dst, ttl, ifindex, payload)
	}
}

func TestIntegrationConnMulticastIPv4(t *testing.T) {
	lab := nstest.New(t, nstest.Hosts(2))
	a := listenIn(t, lab, 0, netif.Config{Ifname: "eth0"})
	b := listenIn(t, lab, 1, netif.Config{Ifname: "eth0"})
	if a.Source() != lab.Host(0).Addr4 {
		t.Errorf("Source() = %v, want the primary address %v", a.Source(), lab.Host(0).Addr4)
	}
	if err := a.WritePacket(advert, netif.GroupV4); err != nil {
		t.Fatal(err)
	}
	got, err := readOne(t, b, 3*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	checkPacket(t, got, lab.Host(0).Addr4, netif.GroupV4, 255, lab.Host(1).Index, advert)
	// keepalived's header: TOS 0xc0, DF clear, first id 1, protocol 112.
	h := got.Header
	if len(h) != 20 || h[1] != 0xc0 || h[6]&0x40 != 0 || h[4] != 0 || h[5] != 1 || h[9] != 112 {
		t.Errorf("ipv4 header % x: want tos c0, DF clear, id 1, proto 112", h)
	}
	// Multicast loop is off: the sender does not hear itself.
	if p, err := readOne(t, a, 300*time.Millisecond); err == nil {
		t.Errorf("sender received its own packet from %v", p.Src)
	}
}

func TestIntegrationConnMulticastIPv6(t *testing.T) {
	lab := nstest.New(t, nstest.Hosts(2))
	a := listenIn(t, lab, 0, netif.Config{Ifname: "eth0", Family: 6})
	b := listenIn(t, lab, 1, netif.Config{Ifname: "eth0", Family: 6})
	if a.Source() != lab.Host(0).LinkLocal {
		t.Errorf("Source() = %v, want link-local %v", a.Source(), lab.Host(0).LinkLocal)
	}
	// A VRRPv3 body: the kernel fills the checksum at offset 6.
	v3 := []byte{0x31, 0x33, 0x64, 0x01, 0x00, 0x64, 0, 0, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x64}
	if err := a.WritePacket(v3, netif.GroupV6); err != nil {
		t.Fatal(err)
	}
	got, err := readOne(t, b, 3*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if got.Payload[6] == 0 && got.Payload[7] == 0 {
		t.Errorf("checksum not filled in by the kernel: % x", got.Payload)
	}
	want := append([]byte(nil), v3...)
	copy(want[6:8], got.Payload[6:8])
	checkPacket(t, got, lab.Host(0).LinkLocal, netif.GroupV6, 255, lab.Host(1).Index, want)
}

func TestIntegrationConnUnicast(t *testing.T) {
	lab := nstest.New(t, nstest.Hosts(2))
	for _, tc := range []struct {
		name   string
		src    netip.Addr
		dst    netip.Addr
		family int
	}{
		{"ipv4", lab.Host(0).Addr4, lab.Host(1).Addr4, 4},
		{"ipv6", lab.Host(0).Addr6, lab.Host(1).Addr6, 6},
		{"ipv6 link-local", lab.Host(0).LinkLocal, lab.Host(1).LinkLocal, 6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := listenIn(t, lab, 0, netif.Config{Ifname: "eth0", Unicast: true, UnicastSrc: tc.src})
			b := listenIn(t, lab, 1, netif.Config{Ifname: "eth0", Unicast: true, UnicastSrc: tc.dst})
			mc := listenIn(t, lab, 1, netif.Config{Ifname: "eth0", Family: tc.family})
			payload := append([]byte(nil), advert...)
			if err := a.WritePacket(payload, tc.dst); err != nil {
				t.Fatal(err)
			}
			got, err := readOne(t, b, 3*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			if tc.family == 6 {
				payload[6], payload[7] = got.Payload[6], got.Payload[7] // kernel checksum
			}
			checkPacket(t, got, tc.src, tc.dst, 255, lab.Host(1).Index, payload)
			// The multicast socket is bound to the group: no unicast.
			if p, err := readOne(t, mc, 300*time.Millisecond); err == nil {
				t.Errorf("multicast socket received unicast packet %v -> %v", p.Src, p.Dst)
			}
		})
	}
}

func TestIntegrationConnFreebind(t *testing.T) {
	lab := nstest.New(t, nstest.Hosts(1))
	// Not (yet) on the interface: unicast mode binds anyway, like
	// keepalived's IP_FREEBIND.
	listenIn(t, lab, 0, netif.Config{Ifname: "eth0", Unicast: true, UnicastSrc: netip.MustParseAddr("192.0.2.200")})
	listenIn(t, lab, 0, netif.Config{Ifname: "eth0", Unicast: true, UnicastSrc: netip.MustParseAddr("2001:db8::200")})
}

// TestIntegrationConnTTL sends with a plain raw socket and a TTL / hop
// limit other than 255 and checks the Conn reports it, so the caller can
// drop the advert (RFC 5798 7.1).
func TestIntegrationConnTTL(t *testing.T) {
	lab := nstest.New(t, nstest.Hosts(2))
	for _, tc := range []struct {
		name   string
		family int
		group  netip.Addr
		src    netip.Addr
	}{
		{"ipv4", 4, netif.GroupV4, lab.Host(0).Addr4},
		{"ipv6", 6, netif.GroupV6, lab.Host(0).LinkLocal},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := listenIn(t, lab, 1, netif.Config{Ifname: "eth0", Family: tc.family})
			lab.Do(0, func() { sendRawTTL(t, tc.family, lab.Host(0).Index, tc.group, 7) })
			got, err := readOne(t, b, 3*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			if got.TTL != 7 || got.Src != tc.src || got.Dst != tc.group {
				t.Errorf("got %v -> %v ttl %d, want %v -> %v ttl 7", got.Src, got.Dst, got.TTL, tc.src, tc.group)
			}
		})
	}
}

func sendRawTTL(t *testing.T, family, ifindex int, dst netip.Addr, ttl int) {
	t.Helper()
	af, level, mif, hops := unix.AF_INET, unix.IPPROTO_IP, unix.IP_MULTICAST_IF, unix.IP_MULTICAST_TTL
	if family == 6 {
		af, level, mif, hops = unix.AF_INET6, unix.IPPROTO_IPV6, unix.IPV6_MULTICAST_IF, unix.IPV6_MULTICAST_HOPS
	}
	fd, err := unix.Socket(af, unix.SOCK_RAW|unix.SOCK_CLOEXEC, 112)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	if family == 4 {
		err = unix.SetsockoptIPMreqn(fd, level, mif, &unix.IPMreqn{Ifindex: int32(ifindex)})
	} else {
		err = unix.SetsockoptInt(fd, level, mif, ifindex)
		if err == nil { // the receiver's kernel checks the checksum
			err = unix.SetsockoptInt(fd, unix.IPPROTO_IPV6, unix.IPV6_CHECKSUM, 6)
		}
	}
	if err == nil {
		err = unix.SetsockoptInt(fd, level, hops, ttl)
	}
	if err != nil {
		t.Fatal(err)
	}
	var sa unix.Sockaddr = &unix.SockaddrInet6{Addr: dst.As16(), ZoneId: uint32(ifindex)}
	if family == 4 {
		sa = &unix.SockaddrInet4{Addr: dst.As4()}
	}
	if err := unix.Sendto(fd, append([]byte(nil), advert...), 0, sa); err != nil {
		t.Fatal(err)
	}
}

func TestIntegrationConnClose(t *testing.T) {
	lab := nstest.New(t, nstest.Hosts(1))
	for _, family := range []int{4, 6} {
		c := listenIn(t, lab, 0, netif.Config{Ifname: "eth0", Family: family})
		errc := make(chan error, 1)
		go func() {
			_, err := c.ReadPacket(make([]byte, 1500))
			errc <- err
		}()
		time.Sleep(50 * time.Millisecond)
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
		select {
		case err := <-errc:
			if !errors.Is(err, net.ErrClosed) {
				t.Errorf("ipv%d: ReadPacket after Close: %v, want net.ErrClosed", family, err)
			}
		case <-time.After(3 * time.Second):
			t.Fatalf("ipv%d: Close did not unblock ReadPacket", family)
		}
		if err := c.WritePacket(advert, netif.GroupV4); err == nil {
			t.Errorf("ipv%d: WritePacket after Close succeeded", family)
		}
	}
}

func TestIntegrationListenErrors(t *testing.T) {
	lab := nstest.New(t, nstest.Hosts(1))
	for _, cfg := range []netif.Config{
		{Ifname: "nosuch0"},
		{Ifname: "lo", Family: 6}, // no link-local address on lo
		{Ifname: "eth0", Group: netip.MustParseAddr("192.0.2.1")},
	} {
		lab.Do(0, func() {
			if c, err := netif.Listen(cfg); err == nil {
				c.Close()
				t.Errorf("Listen(%+v) succeeded, want error", cfg)
			}
		})
	}
}
