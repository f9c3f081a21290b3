package nslab

import (
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
	"os"
	"sync"
	"time"

	"golang.org/x/net/icmp"
	"golang.org/x/net/ipv4"
)

// Pinger is a client that sends an ICMP echo to every target at a fixed
// period from inside a namespace and records, round by round, when it
// sent and which targets answered: the hot upgrade test and benchmark
// ping every VIP every 10 ms, the fault matrix one VIP. Each echo
// carries its round's full number in its data, so that rounds stay
// apart when the 16-bit sequence number wraps (after 11 minutes at
// 10 ms).
type Pinger struct {
	conn    *icmp.PacketConn
	targets []netip.Addr
	index   map[netip.Addr]int // target -> its position in targets
	id      int
	stop    chan struct{}
	stopped sync.Once
	wg      sync.WaitGroup

	mu    sync.Mutex  // guards the fields below
	sent  []time.Time // round -> when it was sent
	reply [][]bool    // round -> target -> answered
	from  int         // Count: counting starts at this round
}

// StartPinger starts pinging targets (IPv4) every period from the named
// namespace. Close stops it.
func StartPinger(ns string, targets []netip.Addr, period time.Duration) (*Pinger, error) {
	p := &Pinger{targets: targets, index: map[netip.Addr]int{}, id: os.Getpid() & 0xffff, stop: make(chan struct{})}
	for i, a := range targets {
		p.index[a] = i
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
		p.mu.Lock()
		round := len(p.sent)
		p.sent = append(p.sent, time.Now())
		p.reply = append(p.reply, make([]bool, len(p.targets)))
		p.mu.Unlock()
		data := binary.BigEndian.AppendUint64(nil, uint64(round))
		for _, a := range p.targets {
			m := icmp.Message{Type: ipv4.ICMPTypeEcho, Body: &icmp.Echo{ID: p.id, Seq: round & 0xffff, Data: data}}
			b, _ := m.Marshal(nil)
			// A send that fails (no neighbour yet) is a lost ping.
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
		if !ok || !isIP || e.ID != p.id || len(e.Data) != 8 {
			continue
		}
		src, _ := netip.AddrFromSlice(ipa.IP)
		round := int(binary.BigEndian.Uint64(e.Data))
		p.mu.Lock()
		if t, known := p.index[src.Unmap()]; known && round < len(p.reply) {
			p.reply[round][t] = true
		}
		p.mu.Unlock()
	}
}

// Silent returns how many targets answered neither of the last two
// pings: a client still resolving the VIPs' neighbours.
func (p *Pinger) Silent() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	r := len(p.sent) - 2
	n := 0
	for t := range p.targets {
		if r < 0 || !p.reply[r][t] && (r == 0 || !p.reply[r-1][t]) {
			n++
		}
	}
	return n
}

// Count starts counting now: the pings sent before do not count.
func (p *Pinger) Count() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.from = len(p.sent)
}

// Lost stops sending, waits wait for the last replies and returns the
// pings sent since Count (to all targets) and those lost, per target.
func (p *Pinger) Lost(wait time.Duration) (sent int, lost map[netip.Addr]int) {
	p.stopped.Do(func() { close(p.stop) })
	time.Sleep(wait)
	p.mu.Lock()
	defer p.mu.Unlock()
	lost = map[netip.Addr]int{}
	for r := p.from; r < len(p.sent); r++ {
		for t, a := range p.targets {
			if !p.reply[r][t] {
				lost[a]++
			}
		}
	}
	return (len(p.sent) - p.from) * len(p.targets), lost
}

// LostBetween returns the pings sent in [from, to) (to all targets) and
// those that got no answer so far; the pinger keeps running.
func (p *Pinger) LostBetween(from, to time.Time) (sent, lost int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for r, at := range p.sent {
		if at.Before(from) || !at.Before(to) {
			continue
		}
		for t := range p.targets {
			sent++
			if !p.reply[r][t] {
				lost++
			}
		}
	}
	return sent, lost
}

// Answered reports whether every target answered each of the last n
// rounds sent before t.
func (p *Pinger) Answered(t time.Time, n int) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	k := 0
	for r := len(p.sent) - 1; r >= 0 && k < n; r-- {
		if !p.sent[r].Before(t) {
			continue
		}
		for i := range p.targets {
			if !p.reply[r][i] {
				return false
			}
		}
		k++
	}
	return k == n
}

// Close stops the pinger; it is idempotent.
func (p *Pinger) Close() {
	p.stopped.Do(func() { close(p.stop) })
	p.conn.Close()
	p.wg.Wait()
}
