package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"github.com/goalived/goalived/netif/nslab"
)

// pinger is the client of the fault matrix: it sends an ICMP echo
// request to one address every interval from a namespace and keeps, for
// every request, when it was sent and when its reply came. The request's
// payload carries its full index, so the 16-bit sequence number may wrap
// during a long soak.
type pinger struct {
	fd     int
	dst    [4]byte
	id     uint16
	period time.Duration

	mu   sync.Mutex // guards sent and got
	sent []time.Time
	got  []time.Time // zero: no reply yet

	stop     chan struct{}
	done     chan struct{}
	stopOnce sync.Once
}

// startPinger opens a raw ICMP socket in namespace ns and pings dst every
// period until close.
func startPinger(ns string, dst netip.Addr, period time.Duration, id uint16) (*pinger, error) {
	p := &pinger{dst: dst.As4(), id: id, period: period, stop: make(chan struct{}), done: make(chan struct{})}
	var err error
	derr := nslab.DoIn(ns, func() {
		p.fd, err = unix.Socket(unix.AF_INET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.IPPROTO_ICMP)
	})
	if err = errors.Join(derr, err); err != nil {
		return nil, fmt.Errorf("open icmp socket in %s: %w", ns, err)
	}
	tv := unix.NsecToTimeval((100 * time.Millisecond).Nanoseconds())
	if err := unix.SetsockoptTimeval(p.fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv); err != nil {
		unix.Close(p.fd)
		return nil, fmt.Errorf("set icmp receive timeout: %w", err)
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); p.sendLoop() }()
	go func() { defer wg.Done(); p.recvLoop() }()
	go func() { wg.Wait(); unix.Close(p.fd); close(p.done) }()
	return p, nil
}

func (p *pinger) sendLoop() {
	tick := time.NewTicker(p.period)
	defer tick.Stop()
	to := &unix.SockaddrInet4{Addr: p.dst}
	for {
		select {
		case <-p.stop:
			return
		case <-tick.C:
		}
		p.mu.Lock()
		idx := uint64(len(p.sent))
		p.sent = append(p.sent, time.Now())
		p.got = append(p.got, time.Time{})
		p.mu.Unlock()
		// A send that fails (no route or neighbour for a moment) is a
		// lost ping like any other.
		_ = unix.Sendto(p.fd, echoRequest(p.id, idx), 0, to)
	}
}

// echoRequest is an ICMP echo request whose 8-byte payload is idx.
func echoRequest(id uint16, idx uint64) []byte {
	b := make([]byte, 16)
	b[0] = 8 // echo request
	binary.BigEndian.PutUint16(b[4:], id)
	binary.BigEndian.PutUint16(b[6:], uint16(idx))
	binary.BigEndian.PutUint64(b[8:], idx)
	binary.BigEndian.PutUint16(b[2:], inetChecksum(b))
	return b
}

// inetChecksum is the Internet checksum (RFC 1071) of b.
func inetChecksum(b []byte) uint16 {
	var sum uint32
	for i := 0; i+1 < len(b); i += 2 {
		sum += uint32(b[i])<<8 | uint32(b[i+1])
	}
	if len(b)%2 == 1 {
		sum += uint32(b[len(b)-1]) << 8
	}
	for sum > 0xffff {
		sum = sum>>16 + sum&0xffff
	}
	return ^uint16(sum)
}

func (p *pinger) recvLoop() {
	buf := make([]byte, 1500)
	for {
		select {
		case <-p.stop:
			return
		default:
		}
		n, _, err := unix.Recvfrom(p.fd, buf, 0)
		if err != nil {
			continue // the receive timeout, to notice stop
		}
		idx, ok := p.echoReply(buf[:n])
		if !ok {
			continue
		}
		now := time.Now()
		p.mu.Lock()
		if idx < uint64(len(p.got)) && p.got[idx].IsZero() {
			p.got[idx] = now
		}
		p.mu.Unlock()
	}
}

// echoReply returns the index of one of our echo replies in an IPv4
// packet as a raw ICMP socket receives it.
func (p *pinger) echoReply(b []byte) (uint64, bool) {
	if len(b) < 20 {
		return 0, false
	}
	ihl := int(b[0]&0x0f) * 4
	if len(b) < ihl+16 || [4]byte(b[12:16]) != p.dst {
		return 0, false
	}
	icmp := b[ihl:]
	if icmp[0] != 0 || binary.BigEndian.Uint16(icmp[4:]) != p.id {
		return 0, false
	}
	return binary.BigEndian.Uint64(icmp[8:]), true
}

// lost counts the requests sent in [from, to) that got no reply.
func (p *pinger) lost(from, to time.Time) (lost, sent int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, t := range p.sent {
		if t.Before(from) || !t.Before(to) {
			continue
		}
		sent++
		if p.got[i].IsZero() {
			lost++
		}
	}
	return lost, sent
}

// answered reports whether the last n requests sent before t all got
// their reply.
func (p *pinger) answered(t time.Time, n int) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	k := 0
	for i := len(p.sent) - 1; i >= 0 && k < n; i-- {
		if !p.sent[i].Before(t) {
			continue
		}
		if p.got[i].IsZero() {
			return false
		}
		k++
	}
	return k == n
}

// close stops the pinger and waits for its goroutines; it is idempotent.
func (p *pinger) close() {
	p.stopOnce.Do(func() { close(p.stop) })
	<-p.done
}
