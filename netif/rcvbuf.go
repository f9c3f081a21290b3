package netif

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// SetRcvBuf sets SO_RCVBUF of the open socket to n bytes (the kernel
// doubles it, and caps it at net.core.rmem_max). The engine sizes a
// socket from all the instances that share it, which a reload changes.
func (c *Conn) SetRcvBuf(n int) error {
	var serr error
	err := c.rc.Control(func(fd uintptr) {
		serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_RCVBUF, n)
	})
	if err == nil {
		err = serr
	}
	if err != nil {
		return fmt.Errorf("set SO_RCVBUF %d on %s: %w", n, c.cfg.Ifname, c.closedErr(err))
	}
	return nil
}

// RcvBuf returns SO_RCVBUF as the kernel reports it (twice what was set).
func (c *Conn) RcvBuf() (int, error) {
	var n int
	var serr error
	err := c.rc.Control(func(fd uintptr) {
		n, serr = unix.GetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_RCVBUF)
	})
	if err == nil {
		err = serr
	}
	if err != nil {
		return 0, fmt.Errorf("get SO_RCVBUF on %s: %w", c.cfg.Ifname, c.closedErr(err))
	}
	return n, nil
}
