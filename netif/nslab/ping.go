package nslab

import (
	"fmt"
	"net"
	"net/netip"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/net/icmp"
	"golang.org/x/net/ipv4"
)

// Pinger is a client that sends an ICMP echo to every target at a fixed
// period from inside a namespace and counts the replies: the hot upgrade
// test and benchmark ping every VIP every 10 ms.
type Pinger struct {
	conn    *icmp.PacketConn
	targets []netip.Addr
	id      int
	seq     atomic.Int32 // the next sequence number
	from    atomic.Int32 // counting starts at this sequence number
	stop    chan struct{}
	stopped sync.Once
	wg      sync.WaitGroup

	mu    sync.Mutex // guards reply
	reply map[netip.Addr]map[int]bool
}

// StartPinger starts pinging targets (IPv4) every period from the named
// namespace. Close stops it.
func StartPinger(ns string, targets []netip.Addr, period time.Duration) (*Pinger, error) {
	p := &Pinger{targets: targets, id: os.Getpid() & 0xffff, stop: make(chan struct{}),
		reply: map[netip.Addr]map[int]bool{}}
	for _, a := range targets {
		p.reply[a] = map[int]bool{}
	}
	var err error
	if derr := DoIn(ns, func() { p.conn, err = icmp.ListenPacket("ip4:icmp", "0.0.0.0") }); derr != nil {
		return nil, derr
	}
	if err != nil {
		return nil, fmt.Errorf("open icmp socket in %s: %w", ns, err)
	}
	p.wg.Add(2)
	go p.send(period)
	go p.receive()
	return p, nil
}

func (p *Pinger) send(period time.Duration) {
	defer p.wg.Done()
	tick := time.NewTicker(period)
	defer tick.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-tick.C:
		}
		seq := int(p.seq.Add(1) - 1)
		for _, a := range p.targets {
			m := icmp.Message{Type: ipv4.ICMPTypeEcho, Body: &icmp.Echo{ID: p.id, Seq: seq & 0xffff}}
			b, _ := m.Marshal(nil)
			_, _ = p.conn.WriteTo(b, &net.IPAddr{IP: a.AsSlice()})
		}
	}
}

func (p *Pinger) receive() {
	defer p.wg.Done()
	buf := make([]byte, 1500)
	for {
		n, from, err := p.conn.ReadFrom(buf)
		if err != nil {
			return
		}
		m, err := icmp.ParseMessage(1, buf[:n])
		if err != nil || m.Type != ipv4.ICMPTypeEchoReply {
			continue
		}
		e, ok := m.Body.(*icmp.Echo)
		ipa, isIP := from.(*net.IPAddr)
		if !ok || !isIP || e.ID != p.id {
			continue
		}
		src, _ := netip.AddrFromSlice(ipa.IP)
		p.mu.Lock()
		if r := p.reply[src.Unmap()]; r != nil {
			r[e.Seq] = true
		}
		p.mu.Unlock()
	}
}

// Silent returns how many targets answered neither of the last two
// pings: a client still resolving the VIPs' neighbours.
func (p *Pinger) Silent() int {
	seq := int(p.seq.Load()) - 2
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, a := range p.targets {
		if seq < 0 || !p.reply[a][seq&0xffff] && !p.reply[a][(seq-1)&0xffff] {
			n++
		}
	}
	return n
}

// Count starts counting now: the pings sent before do not count.
func (p *Pinger) Count() { p.from.Store(p.seq.Load()) }

// Lost stops sending, waits wait for the last replies and returns the
// pings sent since Count (to all targets) and those lost, per target.
func (p *Pinger) Lost(wait time.Duration) (sent int, lost map[netip.Addr]int) {
	p.stopped.Do(func() { close(p.stop) })
	time.Sleep(wait)
	from, to := int(p.from.Load()), int(p.seq.Load())
	lost = map[netip.Addr]int{}
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, a := range p.targets {
		for s := from; s < to; s++ {
			if !p.reply[a][s&0xffff] {
				lost[a]++
			}
		}
	}
	return (to - from) * len(p.targets), lost
}

// Close stops the pinger; it is idempotent.
func (p *Pinger) Close() {
	p.stopped.Do(func() { close(p.stop) })
	p.conn.Close()
	p.wg.Wait()
}
