package engine

import (
	"net/netip"
	"testing"
	"time"

	"github.com/goalived/goalived/netif"
	"github.com/goalived/goalived/netif/nstest"
	"github.com/goalived/goalived/vrrp"
)

// BenchmarkIntegrationAdvertPath is one advert over real raw sockets in a
// namespace lab, both ends as goalived runs them: the master's encoding
// into a reused buffer and its socket write, the backup's socket read,
// demultiplexing by VRID, Deliver and the machine step that moves its
// master-down timer. Allocations per advert are the figure to watch:
// they are what the garbage collector's work grows with.
func BenchmarkIntegrationAdvertPath(b *testing.B) {
	lab := nstest.New(b, nstest.Hosts(2))
	var tx, rx *netif.Conn
	var err error
	lab.Do(0, func() { tx, err = netif.Listen(netif.Config{Ifname: "eth0"}) })
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Close()
	lab.Do(1, func() { rx, err = netif.Listen(netif.Config{Ifname: "eth0"}) })
	if err != nil {
		b.Fatal(err)
	}
	defer rx.Close()

	vip := netip.MustParseAddr("192.0.2.200")
	cfg := vrrp.Config{Name: "VI_1", VRID: 51, Version: 2, Priority: 100, Interval: time.Second,
		Addrs: []netip.Addr{vip}, Source: rx.Source(), GARP: vrrp.DefaultGARP()}
	in, err := vrrp.NewInstance(cfg, vrrp.Outputs{})
	if err != nil {
		b.Fatal(err)
	}
	if err := in.Start(); err != nil {
		b.Fatal(err)
	}
	defer in.Close()
	s := &socket{key: sockKey{ifname: "eth0", family: 4}, vrids: map[uint8]*vrrp.Instance{}}
	s.attach(51, in)

	advert := vrrp.Advert{Version: 2, VRID: 51, Priority: 150, Interval: time.Second, Addrs: []netip.Addr{vip}}
	var msg []byte
	buf := make([]byte, readBufSize)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if msg, err = vrrp.AppendMarshal(msg[:0], advert, tx.Source(), vrrp.GroupIPv4, vrrp.CodecOptions{}); err != nil {
			b.Fatal(err)
		}
		if err := tx.WritePacket(msg, vrrp.GroupIPv4); err != nil {
			b.Fatal(err)
		}
		if !s.readOne(rx, buf) {
			b.Fatal("socket closed")
		}
	}
	b.StopTimer()
	if got := in.Stats().AdvertReceived; got == 0 || in.State() != vrrp.StateBackup {
		b.Fatalf("backup %v accepted %d adverts: the packets did not reach the instance", in.State(), got)
	}
}
