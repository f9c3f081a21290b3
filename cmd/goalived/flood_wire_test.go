package main

import (
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/goalived/goalived/netif/nstest"
	"github.com/goalived/goalived/vrrp"
)

// flood sends the frames of TestIntegrationFloodSpoofedSources from its
// own goroutine: from a quarter in the higher-priority advert before
// every higherEvery-th frame (injected closes at the first), a pause four
// fifths in (late closes; resume goes on) and done once all are sent.
// The higher advert is repeated because the flood overflows the daemon's
// socket: the kernel drops most of it, and would drop a single advert
// among it as likely (a real master repeats its adverts every interval).
type flood struct {
	start, injectedAt time.Time
	took              time.Duration
	failed            int

	injected, late, done chan struct{}
	resumeOnce           sync.Once
	resumed              chan struct{}
}

// startFlood starts sending frames on fd; the test's cleanup resumes and
// waits for it.
func startFlood(t *testing.T, fd int, frames [][]byte, higher []byte) *flood {
	f := &flood{injected: make(chan struct{}), late: make(chan struct{}), done: make(chan struct{}), resumed: make(chan struct{})}
	f.start = time.Now()
	go func() {
		defer close(f.done)
		for i, fr := range frames {
			if i == len(frames)*4/5 {
				close(f.late)
				<-f.resumed
			}
			if i >= len(frames)/4 && i%higherEvery == 0 {
				f.send(fd, higher)
				if f.injectedAt.IsZero() {
					f.injectedAt = time.Now()
					close(f.injected)
				}
			}
			f.send(fd, fr)
		}
		f.took = time.Since(f.start)
	}()
	t.Cleanup(func() {
		f.resume()
		<-f.done
	})
	return f
}

// higherEvery is how many flood frames go between two higher adverts
// (a millisecond or two of the flood).
const higherEvery = 64

func (f *flood) send(fd int, frame []byte) {
	if _, err := unix.Write(fd, frame); err != nil {
		f.failed++
	}
}

// resume lets the flood go on after late.
func (f *flood) resume() { f.resumeOnce.Do(func() { close(f.resumed) }) }

// floodFrames6 builds the flood: VRRPv3 adverts to ff02::12 of the two
// VRIDs in turn, each from the link-local fe80::ff:0:i, from one made-up
// Ethernet source (the segment's bridge learns one address, not
// 100,000).
func floodFrames6(t *testing.T, vrids ...int) [][]byte {
	t.Helper()
	other := []netip.Addr{netip.MustParseAddr("2001:db8::999")}
	out := make([][]byte, 0, floodAdverts)
	for i := range floodAdverts {
		var a16 [16]byte
		a16[0], a16[1] = 0xfe, 0x80
		a16[9] = 0xff
		binary.BigEndian.PutUint32(a16[12:], uint32(i+1))
		hops := uint8(vrrp.TTL)
		if i%3 == 2 {
			hops = 64
		}
		adv := vrrp.Advert{Version: 3, Type: 1, VRID: uint8(vrids[i%len(vrids)]), Priority: 100, Interval: time.Second, Addrs: other}
		out = append(out, advertFrame6(t, adv, netip.AddrFrom16(a16), hops))
	}
	return out
}

// higherAdvert6 is an advert of c's VRID and VIP with priority 250 from
// a link-local source of its own.
func higherAdvert6(t *testing.T, c vrrpConf) []byte {
	t.Helper()
	adv := vrrp.Advert{Version: 3, Type: 1, VRID: uint8(c.VRID), Priority: 250, Interval: c.advert(t), Addrs: []netip.Addr{c.vip(t)}}
	return advertFrame6(t, adv, netip.MustParseAddr("fe80::ff:ffff:fffe"), vrrp.TTL)
}

// advertFrame6 wraps adv in IPv6 (to ff02::12, from src, with hops) and
// Ethernet (to 33:33:00:00:00:12, from 02:00:5e:ff:00:01).
func advertFrame6(t *testing.T, adv vrrp.Advert, src netip.Addr, hops uint8) []byte {
	t.Helper()
	payload, err := vrrp.Marshal(adv, src, vrrp.GroupIPv6, vrrp.CodecOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 14+40+len(payload))
	copy(b[0:6], []byte{0x33, 0x33, 0x00, 0x00, 0x00, 0x12})
	copy(b[6:12], []byte{0x02, 0x00, 0x5e, 0xff, 0x00, 0x01})
	binary.BigEndian.PutUint16(b[12:], unix.ETH_P_IPV6)
	ip := b[14:]
	ip[0] = 0x60
	binary.BigEndian.PutUint16(ip[4:], uint16(len(payload)))
	ip[6], ip[7] = vrrp.IPProtocol, hops
	s := src.As16()
	copy(ip[8:24], s[:])
	g := vrrp.GroupIPv6.As16()
	copy(ip[24:40], g[:])
	copy(ip[40:], payload)
	return b
}

// floodSocket opens a packet socket on host i's eth0 that only sends;
// it is closed at the end of the test.
func floodSocket(t *testing.T, l *testlab, i int) int {
	t.Helper()
	return packetSocket(t, l, i, 0, nil)
}

// packetSocket opens a packet socket on host i's eth0 receiving proto
// (0: nothing) through filter, closed at the end of the test. The
// filter is attached before the socket is bound, so nothing it drops is
// ever queued.
func packetSocket(t *testing.T, l *testlab, i int, proto uint16, filter []unix.SockFilter) int {
	t.Helper()
	fd := -1
	var err error
	if derr := nstest.DoIn(l.Host(i).Name, func() {
		if fd, err = unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, 0); err != nil {
			return
		}
		if filter != nil {
			fp := unix.SockFprog{Len: uint16(len(filter)), Filter: &filter[0]}
			if err = unix.SetsockoptSockFprog(fd, unix.SOL_SOCKET, unix.SO_ATTACH_FILTER, &fp); err != nil {
				return
			}
		}
		err = unix.Bind(fd, &unix.SockaddrLinklayer{Ifindex: l.Host(i).Index, Protocol: htons(proto)})
	}); derr != nil {
		t.Fatal(derr)
	}
	if fd >= 0 {
		t.Cleanup(func() { unix.Close(fd) })
	}
	if err != nil {
		t.Fatalf("packet socket on host %d: %v", i, err)
	}
	return fd
}

func htons(v uint16) uint16 { return v<<8 | v>>8 }

// advertSniffer notes the VRRP over IPv6 frames host i receives from one
// Ethernet source; the kernel drops the others (the flood), so that the
// socket never overflows.
type advertSniffer struct {
	mu   sync.Mutex
	seen []sniffedAdvert
}

type sniffedAdvert struct {
	at         time.Time
	vrid, prio uint8
}

// sniffAdverts starts a sniffer on host i of the adverts from mac until
// the end of t.
func sniffAdverts(t *testing.T, l *testlab, i int, mac net.HardwareAddr) *advertSniffer {
	t.Helper()
	const (
		ldh = unix.BPF_LD | unix.BPF_H | unix.BPF_ABS
		ldw = unix.BPF_LD | unix.BPF_W | unix.BPF_ABS
		ldb = unix.BPF_LD | unix.BPF_B | unix.BPF_ABS
		jeq = unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K
		ret = unix.BPF_RET | unix.BPF_K
	)
	// Every test jumps to the drop at the end when it fails.
	filter := []unix.SockFilter{
		{Code: ldh, K: 6}, {Code: jeq, Jf: 7, K: uint32(binary.BigEndian.Uint16(mac[0:2]))},
		{Code: ldw, K: 8}, {Code: jeq, Jf: 5, K: binary.BigEndian.Uint32(mac[2:6])},
		{Code: ldh, K: 12}, {Code: jeq, Jf: 3, K: unix.ETH_P_IPV6},
		{Code: ldb, K: 14 + 6}, {Code: jeq, Jf: 1, K: vrrp.IPProtocol},
		{Code: ret, K: 0xffff},
		{Code: ret, K: 0},
	}
	s := &advertSniffer{}
	readEach(t, packetSocket(t, l, i, unix.ETH_P_ALL, filter), 14+40+3, s.note)
	return s
}

// readEach hands note every packet of at least min bytes read from fd,
// from a goroutine of its own, until the end of t. fd's close must have
// been registered with t.Cleanup before (cleanups run last first).
func readEach(t *testing.T, fd, min int, note func([]byte)) {
	t.Helper()
	tv := unix.Timeval{Usec: 100000}
	if err := unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv); err != nil {
		t.Fatal(err)
	}
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 2048)
		for {
			select {
			case <-stop:
				return
			default:
			}
			if n, _, err := unix.Recvfrom(fd, buf, 0); err == nil && n >= min {
				note(buf[:n])
			}
		}
	}()
	t.Cleanup(func() {
		close(stop)
		<-done
	})
}

// note takes one frame: Ethernet, IPv6, VRRP.
func (s *advertSniffer) note(frame []byte) {
	msg := frame[14+40:]
	s.mu.Lock()
	s.seen = append(s.seen, sniffedAdvert{at: time.Now(), vrid: msg[1], prio: msg[2]})
	s.mu.Unlock()
}

// count is how many adverts of vrid (not priority 0) were read between
// from and to.
func (s *advertSniffer) count(vrid uint8, from, to time.Time) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, a := range s.seen {
		if a.vrid == vrid && a.prio != vrrp.PriorityStop && !a.at.Before(from) && !a.at.After(to) {
			n++
		}
	}
	return n
}

// residentBytes is the process's resident set (VmRSS).
func residentBytes(t *testing.T, pid int) uint64 {
	t.Helper()
	n, err := readRSS(pid)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func readRSS(pid int) (uint64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/%d/status", pid)
}

// sampleRSS reads the process's resident set every 20 ms until stop and
// returns the largest.
func sampleRSS(pid int, stop <-chan struct{}) uint64 {
	var peak uint64
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		if n, err := readRSS(pid); err == nil {
			peak = max(peak, n)
		}
		select {
		case <-stop:
			return peak
		case <-tick.C:
		}
	}
}
