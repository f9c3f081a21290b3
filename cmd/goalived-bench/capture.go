package main

import (
	"errors"
	"fmt"
	"net"
	"sync"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/goalived/goalived/netif/nslab"
)

// capture records every advert and gratuitous ARP seen on one interface
// of a namespace, stamped by the kernel on receipt (SO_TIMESTAMPNS,
// CLOCK_REALTIME), so that scheduling delays of the benchmark itself do
// not enter the measurement.
type capture struct {
	fd     int
	ifname string // stamped on every frame

	mu     sync.Mutex // guards frames and err
	frames []frame
	err    error

	stop chan struct{}
	done chan struct{}
}

// htons converts a 16-bit protocol number to network order, as
// AF_PACKET sockets want it.
func htons(v uint16) uint16 { return v<<8 | v>>8 }

// startCapture opens an AF_PACKET socket bound to ifname in namespace ns
// and reads from it until close.
func startCapture(ns, ifname string) (*capture, error) {
	c := &capture{ifname: ifname, stop: make(chan struct{}), done: make(chan struct{})}
	var err error
	derr := nslab.DoIn(ns, func() { c.fd, err = openPacketSocket(ifname) })
	if derr != nil {
		return nil, derr
	}
	if err != nil {
		return nil, fmt.Errorf("capture on %s in %s: %w", ifname, ns, err)
	}
	go c.loop()
	return c, nil
}

func openPacketSocket(ifname string) (int, error) {
	fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, int(htons(unix.ETH_P_ALL)))
	if err != nil {
		return -1, fmt.Errorf("open packet socket: %w", err)
	}
	ok := false
	defer func() {
		if !ok {
			unix.Close(fd)
		}
	}()
	ifi, err := net.InterfaceByName(ifname)
	if err != nil {
		return -1, fmt.Errorf("look up %s: %w", ifname, err)
	}
	idx := ifi.Index
	if err := unix.Bind(fd, &unix.SockaddrLinklayer{Protocol: htons(unix.ETH_P_ALL), Ifindex: idx}); err != nil {
		return -1, fmt.Errorf("bind packet socket to %s: %w", ifname, err)
	}
	if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_TIMESTAMPNS, 1); err != nil {
		return -1, fmt.Errorf("enable SO_TIMESTAMPNS: %w", err)
	}
	// A receive timeout lets the reader notice close without a second fd.
	tv := unix.NsecToTimeval((100 * time.Millisecond).Nanoseconds())
	if err := unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv); err != nil {
		return -1, fmt.Errorf("set receive timeout: %w", err)
	}
	if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF, 1<<20); err != nil {
		return -1, fmt.Errorf("set receive buffer: %w", err)
	}
	ok = true
	return fd, nil
}

func (c *capture) loop() {
	defer close(c.done)
	buf := make([]byte, 2048)
	oob := make([]byte, 128)
	for {
		select {
		case <-c.stop:
			return
		default:
		}
		n, oobn, _, _, err := unix.Recvmsg(c.fd, buf, oob, 0)
		if errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			c.fail(fmt.Errorf("read packet socket: %w", err))
			return
		}
		at, err := kernelStamp(oob[:oobn])
		if err != nil {
			c.fail(err)
			return
		}
		f, ok, err := decodeFrame(buf[:n])
		if err != nil || !ok {
			continue // other traffic; malformed frames are not ours to judge
		}
		f.At, f.Iface = at, c.ifname
		c.mu.Lock()
		c.frames = append(c.frames, f)
		c.mu.Unlock()
	}
}

func kernelStamp(oob []byte) (time.Time, error) {
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err != nil {
		return time.Time{}, fmt.Errorf("parse packet timestamp: %w", err)
	}
	for _, m := range msgs {
		if m.Header.Level == unix.SOL_SOCKET && m.Header.Type == unix.SCM_TIMESTAMPNS && len(m.Data) >= 16 {
			ts := *(*unix.Timespec)(unsafe.Pointer(&m.Data[0]))
			return time.Unix(ts.Unix()), nil
		}
	}
	return time.Time{}, errors.New("packet without SCM_TIMESTAMPNS")
}

func (c *capture) fail(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err == nil {
		c.err = err
	}
}

// since returns the frames received at or after t, and any read error.
func (c *capture) since(t time.Time) ([]frame, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []frame
	for _, f := range c.frames {
		if !f.At.Before(t) {
			out = append(out, f)
		}
	}
	return out, c.err
}

// forget drops frames older than t, to keep memory flat over long runs.
func (c *capture) forget(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	i := 0
	for i < len(c.frames) && c.frames[i].At.Before(t) {
		i++
	}
	c.frames = append([]frame(nil), c.frames[i:]...)
}

func (c *capture) close() {
	select {
	case <-c.stop:
		return
	default:
	}
	close(c.stop)
	<-c.done
	unix.Close(c.fd)
}
