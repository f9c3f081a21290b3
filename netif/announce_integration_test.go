package netif_test

import (
	"bytes"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/goalived/goalived/netif"
	"github.com/goalived/goalived/netif/nstest"
	"github.com/mdlayher/ndp"
	"github.com/mdlayher/packet"
	"golang.org/x/net/ipv6"
)

// announceFrom adds vips to host 0 and announces them from there.
func announceFrom(t *testing.T, lab *nstest.Lab, vips []netip.Addr) {
	t.Helper()
	addrs := openAddrs(t, lab, 0)
	var want []netif.Addr
	for _, v := range vips {
		want = append(want, netif.Addr{Prefix: netip.PrefixFrom(v, v.BitLen()), Dev: "eth0"})
	}
	if err := addrs.Ensure(want); err != nil {
		t.Fatal(err)
	}
	an := netif.NewAnnouncer(netif.AnnouncerConfig{})
	t.Cleanup(func() { an.Close() })
	lab.Do(0, func() {
		if err := an.Announce("eth0", vips, 1); err != nil {
			t.Fatal(err)
		}
	})
}

// neighMAC returns the lladdr of ip in host i's neighbour table, or "".
func neighMAC(t *testing.T, lab *nstest.Lab, i int, ip netip.Addr) string {
	t.Helper()
	f := strings.Fields(lab.Exec(i, "ip", "neigh", "show", ip.String(), "dev", "eth0"))
	for j := 0; j+1 < len(f); j++ {
		if f[j] == "lladdr" {
			return f[j+1]
		}
	}
	return ""
}

func TestIntegrationGARP(t *testing.T) {
	lab := nstest.New(t, nstest.Hosts(2))
	vip := netip.MustParseAddr("192.0.2.100")
	// B believes the VIP is elsewhere, as after a failover.
	lab.Exec(1, "ip", "neigh", "replace", vip.String(), "lladdr", "02:00:00:00:00:99", "dev", "eth0", "nud", "stale")
	var capture *packet.Conn
	lab.Do(1, func() {
		var err error
		capture, err = packet.Listen(mustIfi(t, "eth0"), packet.Raw, 0x0806, nil)
		if err != nil {
			t.Fatal(err)
		}
	})
	t.Cleanup(func() { capture.Close() })

	announceFrom(t, lab, []netip.Addr{vip})

	mac := lab.Host(0).MAC
	want := append(append(append([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, mac...), 0x08, 0x06,
		0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01), mac...)
	want = append(append(want, 192, 0, 2, 100, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), 192, 0, 2, 100)
	capture.SetReadDeadline(time.Now().Add(3 * time.Second))
	buf := make([]byte, 1514)
	n, _, err := capture.ReadFrom(buf)
	if err != nil {
		t.Fatalf("no gratuitous arp seen on host 1: %v", err)
	}
	if n < len(want) || !bytes.Equal(buf[:len(want)], want) {
		t.Errorf("gratuitous arp frame\n got % x\nwant % x", buf[:n], want)
	}
	waitNeigh(t, lab, vip, mac.String())
}

func TestIntegrationUnsolicitedNA(t *testing.T) {
	for _, router := range []bool{false, true} {
		t.Run(map[bool]string{false: "host", true: "router"}[router], func(t *testing.T) {
			testUnsolicitedNA(t, router)
		})
	}
}

// testUnsolicitedNA checks the NA on the wire and its effect on the
// neighbour table; router turns IPv6 forwarding on (the Router flag).
func testUnsolicitedNA(t *testing.T, router bool) {
	lab := nstest.New(t, nstest.Hosts(2))
	if router {
		lab.Exec(0, "sysctl", "-qw", "net.ipv6.conf.eth0.forwarding=1")
	}
	vip := netip.MustParseAddr("2001:db8::100")
	lab.Exec(1, "ip", "-6", "neigh", "replace", vip.String(), "lladdr", "02:00:00:00:00:99", "dev", "eth0", "nud", "stale")
	var capture *ndp.Conn
	lab.Do(1, func() {
		var err error
		capture, _, err = ndp.Listen(mustIfi(t, "eth0"), ndp.Unspecified)
		if err == nil {
			err = capture.SetControlMessage(ipv6.FlagHopLimit|ipv6.FlagDst, true)
		}
		if err != nil {
			t.Fatal(err)
		}
	})
	t.Cleanup(func() { capture.Close() })

	announceFrom(t, lab, []netip.Addr{vip})

	capture.SetReadDeadline(time.Now().Add(3 * time.Second))
	for {
		m, cm, src, err := capture.ReadFrom()
		if err != nil {
			t.Fatalf("no neighbour advertisement seen on host 1: %v", err)
		}
		na, ok := m.(*ndp.NeighborAdvertisement)
		if !ok || na.TargetAddress != vip {
			continue // router solicitations, MLD reports...
		}
		if src.WithZone("") != vip || !na.Override || na.Solicited || na.Router != router || cm == nil || cm.HopLimit != 255 || !cm.Dst.Equal(net.ParseIP("ff02::1")) {
			t.Errorf("NA from %v hop %+v: %+v; want from the VIP to ff02::1, hop limit 255, Override, Router %v", src, cm, na, router)
		}
		lla, ok := na.Options[0].(*ndp.LinkLayerAddress)
		if len(na.Options) != 1 || !ok || lla.Direction != ndp.Target || lla.Addr.String() != lab.Host(0).MAC.String() {
			t.Errorf("NA options %+v, want only the target link-layer address %s", na.Options, lab.Host(0).MAC)
		}
		break
	}
	waitNeigh(t, lab, vip, lab.Host(0).MAC.String())
}

func waitNeigh(t *testing.T, lab *nstest.Lab, ip netip.Addr, mac string) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for got := neighMAC(t, lab, 1, ip); got != mac; got = neighMAC(t, lab, 1, ip) {
		if time.Now().After(deadline) {
			t.Fatalf("host 1 neighbour entry for %v: lladdr %q, want %s", ip, got, mac)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func mustIfi(t *testing.T, name string) *net.Interface {
	t.Helper()
	ifi, err := net.InterfaceByName(name)
	if err != nil {
		t.Fatal(err)
	}
	return ifi
}

// TestIntegrationNAFallback announces an address the host does not have:
// the kernel refuses it as source and the NA leaves from the link-local
// address, still carrying the target and its MAC.
func TestIntegrationNAFallback(t *testing.T) {
	lab := nstest.New(t, nstest.Hosts(2))
	var capture *ndp.Conn
	lab.Do(1, func() {
		var err error
		capture, _, err = ndp.Listen(mustIfi(t, "eth0"), ndp.Unspecified)
		if err != nil {
			t.Fatal(err)
		}
	})
	t.Cleanup(func() { capture.Close() })
	vip := netip.MustParseAddr("2001:db8::150")
	an := netif.NewAnnouncer(netif.AnnouncerConfig{})
	t.Cleanup(func() { an.Close() })
	lab.Do(0, func() {
		if err := an.Announce("eth0", []netip.Addr{vip}, 1); err != nil {
			t.Fatal(err)
		}
	})
	capture.SetReadDeadline(time.Now().Add(3 * time.Second))
	for {
		m, _, src, err := capture.ReadFrom()
		if err != nil {
			t.Fatalf("no neighbour advertisement seen on host 1: %v", err)
		}
		if na, ok := m.(*ndp.NeighborAdvertisement); ok && na.TargetAddress == vip {
			if src.WithZone("") != lab.Host(0).LinkLocal {
				t.Errorf("NA for an absent address from %v, want link-local %v", src, lab.Host(0).LinkLocal)
			}
			return
		}
	}
}
