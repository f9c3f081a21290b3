package main

import (
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
	"time"

	"golang.org/x/sys/unix"

	"github.com/goalived/goalived/netif/nslab"
	"github.com/goalived/goalived/vrrp"
)

// flood sends n spoofed adverts onto the segment from the client's
// namespace, as fast as one socket can: a third each of a lower
// priority than the master's for its VRID (valid, so that a master
// answers it), of a VRID no one runs, and of the master's VRID with a
// virtual address list that does not match; each from one of 127
// sources no host has, with a made-up Ethernet source. It returns how
// long sending took and how many sends failed.
func (bn *bench) flood(p protocol, vrid int, vip netip.Addr, n int) (time.Duration, int, error) {
	obs, err := bn.lab.Host("obs")
	if err != nil {
		return 0, 0, err
	}
	frames, err := floodFrames(p, vrid, vip)
	if err != nil {
		return 0, 0, err
	}
	var fd int
	derr := nslab.DoIn(obs.Name, func() { fd, err = openSendSocket(obs.Ifname) })
	if derr != nil {
		return 0, 0, derr
	}
	if err != nil {
		return 0, 0, fmt.Errorf("flood from %s: %w", obs.Name, err)
	}
	defer unix.Close(fd)
	// The observer leaves the flood out, or its socket would overflow and
	// miss the daemons' own frames, the measure of the flood.
	if err := bn.cap.ignoreFlood(true); err != nil {
		return 0, 0, err
	}
	defer func() { _ = bn.cap.ignoreFlood(false) }()
	failed := 0
	start := time.Now()
	for i := range n {
		f := frames[i%len(frames)]
		if _, err := unix.Write(fd, f); err != nil {
			failed++
		}
	}
	return time.Since(start), failed, nil
}

// openSendSocket opens a packet socket on ifname that only sends
// (protocol 0: the kernel queues nothing to it).
func openSendSocket(ifname string) (int, error) {
	ifi, err := net.InterfaceByName(ifname)
	if err != nil {
		return -1, fmt.Errorf("look up %s: %w", ifname, err)
	}
	fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return -1, fmt.Errorf("open packet socket: %w", err)
	}
	if err := unix.Bind(fd, &unix.SockaddrLinklayer{Ifindex: ifi.Index}); err != nil {
		unix.Close(fd)
		return -1, fmt.Errorf("bind packet socket to %s: %w", ifname, err)
	}
	return fd, nil
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

// ignoreFlood attaches (or detaches) a socket filter that drops, in the
// kernel, every frame with one of the flood's Ethernet sources
// (02:00:5e:ff:00:xx).
func (c *capture) ignoreFlood(on bool) error {
	if !on {
		if err := unix.SetsockoptInt(c.fd, unix.SOL_SOCKET, unix.SO_DETACH_FILTER, 0); err != nil {
			return fmt.Errorf("detach the capture's flood filter: %w", err)
		}
		return nil
	}
	const (
		ldh = unix.BPF_LD | unix.BPF_H | unix.BPF_ABS
		jeq = unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K
		ret = unix.BPF_RET | unix.BPF_K
	)
	prog := []unix.SockFilter{
		{Code: ldh, K: 6},             // source MAC, bytes 0-1
		{Code: jeq, Jf: 3, K: 0x0200}, // not 02:00: keep
		{Code: ldh, K: 8},             // bytes 2-3
		{Code: jeq, Jf: 1, K: 0x5eff}, // not 5e:ff: keep
		{Code: ret, K: 0},             // the flood's: drop
		{Code: ret, K: 0xffff},        // keep the frame
	}
	fp := unix.SockFprog{Len: uint16(len(prog)), Filter: &prog[0]}
	if err := unix.SetsockoptSockFprog(c.fd, unix.SOL_SOCKET, unix.SO_ATTACH_FILTER, &fp); err != nil {
		return fmt.Errorf("attach the capture's flood filter: %w", err)
	}
	return nil
}

// floodSources is how many spoofed sources the flood cycles through.
const floodSources = 127

// floodFrames builds the flood's frames: source i of each kind.
func floodFrames(p protocol, vrid int, vip netip.Addr) ([][]byte, error) {
	kinds := []vrrp.Advert{
		{VRID: uint8(vrid), Priority: prioBackup / 2, Addrs: []netip.Addr{vip}},
		{VRID: uint8(vrid%250 + 1 + 100), Priority: prioBackup / 2, Addrs: []netip.Addr{vip}},
		{VRID: uint8(vrid), Priority: prioBackup / 2, Addrs: []netip.Addr{netip.MustParseAddr("198.51.100.254")}},
	}
	var out [][]byte
	for i := range floodSources {
		src := netip.AddrFrom4([4]byte{192, 0, 2, byte(128 + i)})
		mac := net.HardwareAddr{0x02, 0x00, 0x5e, 0xff, 0x00, byte(i)}
		for _, a := range kinds {
			a.Version, a.Interval = uint8(p.Version), p.AdvertInt
			if p.Version == 2 {
				a.AuthType = vrrp.AuthPass
				copy(a.AuthData[:], "11111")
			}
			payload, err := vrrp.Marshal(a, src, vrrp.GroupIPv4, vrrp.CodecOptions{})
			if err != nil {
				return nil, fmt.Errorf("build flood advert: %w", err)
			}
			out = append(out, spoofedFrame(mac, src, payload))
		}
	}
	return out, nil
}

// spoofedFrame wraps a VRRP message in IPv4 (TTL 255, to 224.0.0.18) and
// Ethernet (to 01:00:5e:00:00:12).
func spoofedFrame(mac net.HardwareAddr, src netip.Addr, payload []byte) []byte {
	b := make([]byte, ethHdrLen+20+len(payload))
	copy(b[0:6], []byte{0x01, 0x00, 0x5e, 0x00, 0x00, 0x12})
	copy(b[6:12], mac)
	binary.BigEndian.PutUint16(b[12:], etherIPv4)
	ip := b[ethHdrLen:]
	ip[0], ip[1] = 0x45, 0xc0
	binary.BigEndian.PutUint16(ip[2:], uint16(20+len(payload)))
	ip[8], ip[9] = vrrp.TTL, protoVRRP
	copy(ip[12:16], src.AsSlice())
	copy(ip[16:20], vrrp.GroupIPv4.AsSlice())
	binary.BigEndian.PutUint16(ip[10:], inetChecksum(ip[:20]))
	copy(ip[20:], payload)
	return b
}
