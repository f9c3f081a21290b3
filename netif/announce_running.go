package netif

import (
	"errors"
	"net"
	"syscall"
	"time"
)

// runningPoll is how often a burst that met a down link looks at it again.
const runningPoll = 5 * time.Millisecond

// running reports whether ifname is operationally up (IFF_RUNNING), in
// the network namespace of the calling thread.
func (s *packetSender) running(ifname string) (bool, error) {
	ifi, err := net.InterfaceByName(ifname)
	if err != nil {
		return false, err
	}
	return ifi.Flags&net.FlagRunning != 0, nil
}

// awaitRunning waits, within what is left of the burst's budget, until a
// link whose send failed with ENETDOWN runs again. Right after "ip link
// set up" the send can already succeed while the kernel still queues to
// the device's no-op qdisc (until its link watch activates the device,
// which under load takes a while): those packets are dropped without an
// error. The link watch marks the device running just before it activates
// it, so a burst that waits for IFF_RUNNING sends into a working queue.
// An interface whose state cannot be read is not waited for.
func (b *burst) awaitRunning(err error) error {
	if !errors.Is(err, syscall.ENETDOWN) {
		return nil
	}
	for b.waited < b.a.retry.budget {
		if ok, rerr := b.a.send.running(b.ifname); ok || rerr != nil {
			return nil
		}
		if werr := b.a.wait(time.Now().Add(runningPoll)); werr != nil {
			return werr
		}
		b.waited += runningPoll
	}
	return nil
}
