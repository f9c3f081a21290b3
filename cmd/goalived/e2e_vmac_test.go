package main

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vishvananda/netlink"

	"github.com/goalived/goalived/netif"
	"github.com/goalived/goalived/netif/nstest"
)

// use_vmac in a mixed cluster: goalived on host 0 (priority 150),
// keepalived 2.2.7 on host 1 (priority 100), both with use_vmac, and a
// client on host 2 that pings the VIP all along.

func vmacConf(vip string, vrid, prio, version int) string {
	return fmt.Sprintf(`global_defs {
    router_id vmac
}
vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id %d
    priority %d
    advert_int 1
    version %d
    use_vmac
    virtual_ipaddress {
        %s
    }
}
`, vrid, prio, version, vip)
}

// neighSampler records every link-layer address host i's neighbour
// table gives an address until stopped.
type neighSampler struct {
	mu   sync.Mutex
	seen []string
	quit chan struct{}
	done chan struct{}
}

func sampleNeigh(t *testing.T, lab *nstest.Lab, i int, addr netip.Addr) *neighSampler {
	t.Helper()
	h := lab.Handle(i) // a new handle: this goroutine's own
	fam := netlink.FAMILY_V4
	if addr.Is6() {
		fam = netlink.FAMILY_V6
	}
	s := &neighSampler{quit: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		for {
			ns, _ := h.NeighList(0, fam)
			for _, n := range ns {
				a, ok := netip.AddrFromSlice(n.IP)
				if ok && a.Unmap() == addr && len(n.HardwareAddr) > 0 {
					s.add(n.HardwareAddr.String())
				}
			}
			select {
			case <-s.quit:
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	}()
	t.Cleanup(s.stop)
	return s
}

func (s *neighSampler) add(mac string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !slices.Contains(s.seen, mac) {
		s.seen = append(s.seen, mac)
	}
}

func (s *neighSampler) stop() {
	select {
	case <-s.quit:
	default:
		close(s.quit)
	}
	<-s.done
}

func (s *neighSampler) macs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.seen)
}

// replies counts the echo replies in ping's output.
func replies(p *nstest.Proc) int { return strings.Count(p.Output(), " bytes from ") }

// waitReplies waits until ping got n more replies than it had.
func waitReplies(t *testing.T, p *nstest.Proc, n int, within time.Duration) {
	t.Helper()
	from := replies(p)
	nstest.WaitFor(t, within, func() bool { return replies(p) >= from+n },
		func() string { return fmt.Sprintf("%d more ping replies:\n%s", n, p.Output()) })
}

// knowEachOther gives the routers a permanent neighbour entry for the
// client, as hosts that have talked for long have: otherwise a router
// that asks for the client's address from the VIP's address (its ping
// replies leave by eth0, the first route to the segment) makes the
// client learn eth0's MAC for the VIP, keepalived's routers as goalived's
// (observed; see netif's TestIntegrationVMAC).
func knowEachOther(t *testing.T, lab *nstest.Lab, client int, v6 bool, routers ...int) {
	t.Helper()
	c := lab.Host(client)
	addr := c.Addr4
	if v6 {
		addr = c.Addr6
	}
	for _, r := range routers {
		lab.Exec(r, "ip", "neigh", "replace", addr.String(), "lladdr", c.MAC.String(), "dev", "eth0", "nud", "permanent")
	}
}

// vmacLinks lists host i's macvlan interfaces.
func vmacLinks(lab *nstest.Lab, i int) []string {
	out, _ := lab.Run(i, "ip", "-o", "link", "show", "type", "macvlan")
	var names []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if f := strings.Fields(l); len(f) > 1 {
			name, _, _ := strings.Cut(strings.TrimSuffix(f[1], ":"), "@")
			names = append(names, name)
		}
	}
	return names
}

// TestIntegrationVMACInterop: goalived and keepalived 2.2.7 with use_vmac
// (IPv4 with VRRPv2, IPv6 with VRRPv3): the client's neighbour entry
// for the VIP is the virtual router MAC and stays so across a failover
// from goalived to keepalived and back (goalived preempts when it comes
// back, and after goalived's VMAC was deleted from outside and made
// again), while the client's pings keep getting answers; each daemon
// deletes its VMAC when it stops.
func TestIntegrationVMACInterop(t *testing.T) {
	t.Parallel()
	nstest.Keepalived(t)
	for _, tc := range []struct {
		name    string
		vip     string
		vrid    int
		version int
	}{
		{"ipv4", "192.0.2.100/24", 71, 2},
		{"ipv6", "2001:db8::100/64", 72, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			lab := nstest.New(t, nstest.Hosts(3))
			vip := netip.MustParsePrefix(tc.vip).Addr()
			mac := netif.VirtualMAC(uint8(tc.vrid), vip.Is6()).String()
			knowEachOther(t, lab, 2, vip.Is6(), 0, 1)
			g := nstest.StartDaemon(t, lab, 0, nstest.GoalivedKind, vmacConf(tc.vip, tc.vrid, 150, tc.version))
			k := nstest.StartDaemon(t, lab, 1, nstest.KeepalivedKind, vmacConf(tc.vip, tc.vrid, 100, tc.version))
			vmac := fmt.Sprintf("vrrp.%d", tc.vrid)
			for _, i := range []int{0, 1} {
				nstest.WaitFor(t, 20*time.Second, func() bool { return slices.Contains(vmacLinks(lab, i), vmac) },
					func() string { return fmt.Sprintf("%s on host %d", vmac, i) })
			}
			lab.WaitAddr(0, vip, true, 20*time.Second)
			ping := lab.Start(2, "ping", "-i", "0.2", "-W", "1", vip.String())
			waitReplies(t, ping, 3, 10*time.Second)
			neigh := sampleNeigh(t, lab, 2, vip)

			g.Signal(t, syscall.SIGTERM) // goalived -> keepalived
			lab.WaitAddr(1, vip, true, 20*time.Second)
			nstest.WaitFor(t, 30*time.Second, func() bool { return !slices.Contains(vmacLinks(lab, 0), vmac) },
				func() string { return "goalived's VMAC to go at stop" })
			waitReplies(t, ping, 5, 10*time.Second)

			nstest.StartDaemon(t, lab, 0, nstest.GoalivedKind, vmacConf(tc.vip, tc.vrid, 150, tc.version)) // keepalived -> goalived
			lab.WaitAddr(0, vip, true, 20*time.Second)
			lab.WaitAddr(1, vip, false, 20*time.Second)
			waitReplies(t, ping, 5, 10*time.Second)

			// goalived's VMAC deleted from outside: made again at once,
			// and goalived is master on it again.
			lab.Exec(0, "ip", "link", "del", vmac)
			nstest.WaitFor(t, 20*time.Second, func() bool { return slices.Contains(vmacLinks(lab, 0), vmac) },
				func() string { return "goalived's VMAC to be made again" })
			lab.WaitAddr(0, vip, true, 20*time.Second)
			lab.WaitAddr(1, vip, false, 20*time.Second)
			waitReplies(t, ping, 5, 10*time.Second)
			neigh.stop()
			if got := neigh.macs(); !slices.Equal(got, []string{mac}) {
				t.Errorf("client's neighbour entry for %v was %q, want only %s", vip, got, mac)
			}

			k.Signal(t, syscall.SIGTERM)
			nstest.WaitFor(t, 30*time.Second, func() bool { return !slices.Contains(vmacLinks(lab, 1), vmac) },
				func() string { return "keepalived's VMAC to go at stop" })
		})
	}
}
