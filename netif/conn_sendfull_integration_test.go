package netif_test

import (
	"errors"
	"testing"
	"time"

	"github.com/goalived/goalived/netif"
	"github.com/goalived/goalived/netif/nstest"
	"golang.org/x/sys/unix"
)

// An interface whose queue does not drain (here a token bucket of 8 kbit/s
// holding everything past its first 1600 bytes) fills the socket's send
// buffer: WritePacket must then fail at once, as keepalived's
// non-blocking socket does, not wait for the queue: the engine sends
// every instance's adverts from one goroutine.
func TestIntegrationConnSendBufferFull(t *testing.T) {
	lab := nstest.New(t, nstest.Hosts(2))
	lab.Exec(0, "tc", "qdisc", "add", "dev", "eth0", "root", "tbf", "rate", "8kbit", "burst", "1600", "limit", "100000000")
	for _, family := range []int{4, 6} {
		c := listenIn(t, lab, 0, netif.Config{Ifname: "eth0", Family: family})
		group := netif.GroupV4
		if family == 6 {
			group = netif.GroupV6
		}
		// The send buffer (~208 KiB) holds a few hundred queued adverts;
		// 100000 writes without an error means nothing ever filled it.
		const most = 100000
		done := make(chan error, 1)
		go func() {
			for i := 0; i < most; i++ {
				if err := c.WritePacket(advert, group); err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
		select {
		case err := <-done:
			// IPv4's raw path finds the buffer full (EAGAIN), IPv6's
			// fails its allocation (ENOBUFS): either way at once.
			if !errors.Is(err, unix.EAGAIN) && !errors.Is(err, unix.ENOBUFS) {
				t.Errorf("ipv%d: %d writes into a queue that does not drain: error %v, want EAGAIN or ENOBUFS", family, most, err)
			}
		case <-time.After(time.Minute):
			// A write that waits for the queue never returns; closing
			// the socket releases it so the test can end.
			c.Close()
			<-done
			t.Fatalf("ipv%d: WritePacket blocked on a full send buffer", family)
		}
	}
}
