package netif_test

import (
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mdlayher/packet"

	"github.com/goalived/goalived/netif"
	"github.com/goalived/goalived/netif/nstest"
)

// garpCounter counts the gratuitous ARPs host i sees, per announced
// address, until it is closed.
type garpCounter struct {
	conn *packet.Conn
	done chan struct{}

	mu    sync.Mutex
	count map[netip.Addr]int
}

func countGARPs(t *testing.T, lab *nstest.Lab, i int, ifname string) *garpCounter {
	t.Helper()
	c := &garpCounter{done: make(chan struct{}), count: map[netip.Addr]int{}}
	lab.Do(i, func() {
		var err error
		c.conn, err = packet.Listen(mustIfi(t, ifname), packet.Raw, 0x0806, nil)
		if err != nil {
			t.Fatal(err)
		}
	})
	go c.run()
	t.Cleanup(c.close)
	return c
}

func (c *garpCounter) run() {
	defer close(c.done)
	buf := make([]byte, 1514)
	for {
		n, _, err := c.conn.ReadFrom(buf)
		if err != nil {
			return
		}
		// Ethernet (14) + ARP request with sender IP == target IP.
		if n < 42 || buf[12] != 0x08 || buf[13] != 0x06 || buf[21] != 1 {
			continue
		}
		spa, _ := netip.AddrFromSlice(buf[28:32])
		tpa, _ := netip.AddrFromSlice(buf[38:42])
		if spa == tpa {
			c.mu.Lock()
			c.count[spa]++
			c.mu.Unlock()
		}
	}
}

func (c *garpCounter) snapshot() map[netip.Addr]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[netip.Addr]int{}
	for k, v := range c.count {
		out[k] = v
	}
	return out
}

// waitFor polls until the counts equal want or the deadline passes.
func (c *garpCounter) waitFor(t *testing.T, want map[netip.Addr]int, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		got := c.snapshot()
		if cmp.Equal(want, got) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("gratuitous ARPs seen per address (-want +got):\n%s", cmp.Diff(want, got))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (c *garpCounter) close() {
	c.conn.Close()
	<-c.done
}

// TestIntegrationAnnounceAfterLinkFlap is the scenario on real
// sockets: two instances start their bursts (5 rounds, keepalived's
// garp_master_repeat) while eth0 is still down. Their first sends fail
// with ENETDOWN; the link comes back; host 1 must see every packet of
// both bursts, as it does from keepalived 2.2.7 after a flap.
func TestIntegrationAnnounceAfterLinkFlap(t *testing.T) {
	lab := nstest.New(t, nstest.Hosts(2))
	vips := [][]netip.Addr{
		{netip.MustParseAddr("192.0.2.171"), netip.MustParseAddr("192.0.2.172")},
		{netip.MustParseAddr("192.0.2.181")},
	}
	capture := countGARPs(t, lab, 1, "eth0")
	an := netif.NewAnnouncer(netif.AnnouncerConfig{})
	t.Cleanup(func() { an.Close() })
	lab.Do(0, func() {
		if err := an.Prepare("eth0", false); err != nil {
			t.Fatal(err)
		}
	})
	lab.Exec(0, "ip", "link", "set", "eth0", "down")

	errs := make(chan error, len(vips))
	for _, v := range vips {
		go func() {
			var err error
			if derr := nstest.DoIn(lab.Host(0).Name, func() { err = an.Announce("eth0", v, 5) }); derr != nil {
				err = derr
			}
			errs <- err
		}()
	}
	// Both bursts have met the down link before it comes back.
	deadline := time.Now().Add(10 * time.Second)
	for retried(an) < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("no send failed while eth0 was down: stats %+v", an.Stats())
		}
		time.Sleep(5 * time.Millisecond)
	}
	lab.Exec(0, "ip", "link", "set", "eth0", "up")
	for range vips {
		if err := <-errs; err != nil {
			t.Errorf("Announce after the flap: %v", err)
		}
	}
	capture.waitFor(t, map[netip.Addr]int{vips[0][0]: 5, vips[0][1]: 5, vips[1][0]: 5}, 5*time.Second)
	st := an.Stats()
	if len(st) != 1 || st[0].Sent != 15 || st[0].Failed != 0 || st[0].Retried < 2 {
		t.Errorf("stats %+v, want 15 sent, none failed, the ENETDOWN sends retried", st)
	}
}

func retried(an *netif.Announcer) uint64 {
	var n uint64
	for _, s := range an.Stats() {
		n += s.Retried
	}
	return n
}

// TestIntegrationAnnounceLoopbackSilent: a VIP on lo (192.0.2.255/32 dev
// lo, as in public unicast configurations) gets no gratuitous ARP and no
// error, on any transition, as with keepalived 2.2.7; a NOARP interface
// likewise.
func TestIntegrationAnnounceLoopbackSilent(t *testing.T) {
	lab := nstest.New(t, nstest.Hosts(1))
	lab.Exec(0, "ip", "addr", "add", "192.0.2.255/32", "dev", "lo")
	lab.Exec(0, "ip", "link", "set", "eth0", "arp", "off")
	capture := countGARPs(t, lab, 0, "lo")
	an := netif.NewAnnouncer(netif.AnnouncerConfig{})
	t.Cleanup(func() { an.Close() })
	lab.Do(0, func() {
		for _, dev := range []string{"lo", "eth0"} {
			for range 3 { // three transitions
				if err := an.Announce(dev, []netip.Addr{netip.MustParseAddr("192.0.2.255")}, 5); err != nil {
					t.Errorf("Announce on %s: %v, want silence", dev, err)
				}
			}
		}
	})
	want := []netif.AnnounceStats{{Ifname: "eth0", Skipped: 3}, {Ifname: "lo", Skipped: 3}}
	if diff := cmp.Diff(want, an.Stats()); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
	// Nothing may show up on lo; the sends above were synchronous, so a
	// frame would already be queued on the capture socket: let the reader
	// drain it.
	capture.conn.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	<-capture.done
	if got := capture.snapshot(); len(got) != 0 {
		t.Errorf("gratuitous ARPs on lo: %v", got)
	}
}
