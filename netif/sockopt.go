package netif

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"unsafe"

	"golang.org/x/sys/unix"
)

// sockopt is one setsockopt call, named for error messages.
type sockopt struct {
	name  string
	apply func(fd int) error
	// optional options are set when the kernel knows them (IPV6_MULTICAST_ALL
	// exists since Linux 4.20) and skipped otherwise.
	optional bool
}

func intOpt(name string, level, opt, v int) sockopt {
	return sockopt{name: name, apply: func(fd int) error { return unix.SetsockoptInt(fd, level, opt, v) }}
}

func applyOpts(fd int, opts []sockopt) error {
	for _, o := range opts {
		err := o.apply(fd)
		if err != nil && o.optional && errors.Is(err, unix.ENOPROTOOPT) {
			continue
		}
		if err != nil {
			return fmt.Errorf("set %s: %w", o.name, err)
		}
	}
	return nil
}

// openIPv4 opens the single raw socket used for both directions; see
// doc.go for why each option is set.
func openIPv4(cfg Config, ifindex int, src netip.Addr) (int, error) {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_RAW|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, cfg.Proto)
	if err != nil {
		return -1, fmt.Errorf("socket: %w", err)
	}
	group := cfg.Group.As4()
	opts := []sockopt{
		{name: "SO_BINDTODEVICE", apply: func(fd int) error { return unix.BindToDevice(fd, cfg.Ifname) }},
		intOpt("IP_HDRINCL", unix.IPPROTO_IP, unix.IP_HDRINCL, 1),
		intOpt("IP_MULTICAST_ALL", unix.IPPROTO_IP, unix.IP_MULTICAST_ALL, 0),
		{name: "IP_MULTICAST_IF", apply: func(fd int) error {
			return unix.SetsockoptIPMreqn(fd, unix.IPPROTO_IP, unix.IP_MULTICAST_IF, &unix.IPMreqn{Ifindex: int32(ifindex)})
		}},
		intOpt("IP_MULTICAST_LOOP", unix.IPPROTO_IP, unix.IP_MULTICAST_LOOP, 0),
		intOpt("IP_MULTICAST_TTL", unix.IPPROTO_IP, unix.IP_MULTICAST_TTL, vrrpTTL),
		intOpt("IP_TTL", unix.IPPROTO_IP, unix.IP_TTL, vrrpTTL),
		intOpt("IP_TOS", unix.IPPROTO_IP, unix.IP_TOS, vrrpTOS),
		intOpt("IP_PKTINFO", unix.IPPROTO_IP, unix.IP_PKTINFO, 1),
	}
	opts = append(opts, rcvBufOpt(cfg)...)
	var bindAddr [4]byte
	if cfg.Unicast {
		opts = append(opts, intOpt("IP_FREEBIND", unix.IPPROTO_IP, unix.IP_FREEBIND, 1))
		bindAddr = src.As4()
	} else {
		opts = append(opts, sockopt{name: "IP_ADD_MEMBERSHIP " + cfg.Group.String(), apply: func(fd int) error {
			return unix.SetsockoptIPMreqn(fd, unix.IPPROTO_IP, unix.IP_ADD_MEMBERSHIP,
				&unix.IPMreqn{Multiaddr: group, Ifindex: int32(ifindex)})
		}})
		bindAddr = group
	}
	if err := applyOpts(fd, opts); err != nil {
		unix.Close(fd)
		return -1, err
	}
	if err := unix.Bind(fd, &unix.SockaddrInet4{Addr: bindAddr}); err != nil {
		unix.Close(fd)
		return -1, fmt.Errorf("bind %v: %w", netip.AddrFrom4(bindAddr), err)
	}
	return fd, nil
}

// ipv6MulticastAll is IPV6_MULTICAST_ALL (Linux 4.20), absent from older
// x/sys releases.
const ipv6MulticastAll = 29

// ipv6Freebind is IPV6_FREEBIND (Linux 4.15): IP_FREEBIND is refused on
// raw IPv6 sockets.
const ipv6Freebind = 78

func openIPv6(cfg Config, ifindex int, src netip.Addr) (int, error) {
	fd, err := unix.Socket(unix.AF_INET6, unix.SOCK_RAW|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, cfg.Proto)
	if err != nil {
		return -1, fmt.Errorf("socket: %w", err)
	}
	opts := []sockopt{
		{name: "SO_BINDTODEVICE", apply: func(fd int) error { return unix.BindToDevice(fd, cfg.Ifname) }},
		intOpt("IPV6_CHECKSUM", unix.IPPROTO_IPV6, unix.IPV6_CHECKSUM, 6),
		{name: "IPV6_MULTICAST_ALL", optional: true, apply: func(fd int) error {
			return unix.SetsockoptInt(fd, unix.IPPROTO_IPV6, ipv6MulticastAll, 0)
		}},
		intOpt("IPV6_MULTICAST_IF", unix.IPPROTO_IPV6, unix.IPV6_MULTICAST_IF, ifindex),
		intOpt("IPV6_MULTICAST_LOOP", unix.IPPROTO_IPV6, unix.IPV6_MULTICAST_LOOP, 0),
		intOpt("IPV6_MULTICAST_HOPS", unix.IPPROTO_IPV6, unix.IPV6_MULTICAST_HOPS, vrrpTTL),
		intOpt("IPV6_UNICAST_HOPS", unix.IPPROTO_IPV6, unix.IPV6_UNICAST_HOPS, cfg.unicastHops()),
		intOpt("IPV6_TCLASS", unix.IPPROTO_IPV6, unix.IPV6_TCLASS, vrrpTOS),
		intOpt("IPV6_RECVHOPLIMIT", unix.IPPROTO_IPV6, unix.IPV6_RECVHOPLIMIT, 1),
		intOpt("IPV6_RECVPKTINFO", unix.IPPROTO_IPV6, unix.IPV6_RECVPKTINFO, 1),
	}
	opts = append(opts, rcvBufOpt(cfg)...)
	bind := &unix.SockaddrInet6{ZoneId: uint32(ifindex)}
	if cfg.Unicast {
		opts = append(opts, intOpt("IPV6_FREEBIND", unix.IPPROTO_IPV6, ipv6Freebind, 1))
		bind.Addr = src.As16()
	} else {
		mreq := &unix.IPv6Mreq{Multiaddr: cfg.Group.As16(), Interface: uint32(ifindex)}
		opts = append(opts, sockopt{name: "IPV6_ADD_MEMBERSHIP " + cfg.Group.String(), apply: func(fd int) error {
			return unix.SetsockoptIPv6Mreq(fd, unix.IPPROTO_IPV6, unix.IPV6_JOIN_GROUP, mreq)
		}})
		bind.Addr = cfg.Group.As16()
	}
	if err := applyOpts(fd, opts); err != nil {
		unix.Close(fd)
		return -1, err
	}
	if err := unix.Bind(fd, bind); err != nil {
		unix.Close(fd)
		return -1, fmt.Errorf("bind %v: %w", netip.AddrFrom16(bind.Addr), err)
	}
	return fd, nil
}

// control holds what ReadPacket needs from the ancillary data.
type control struct {
	ifindex      int
	dst          netip.Addr // IPv6 only: IPv4 takes it from the header
	hopLimit     uint8
	haveHopLimit bool
}

// parseControl decodes IP_PKTINFO, IPV6_PKTINFO and IPV6_HOPLIMIT. It
// walks the messages in place (unix.ParseSocketControlMessage would
// allocate a list for every packet).
func parseControl(oob []byte) (control, error) {
	var c control
	for len(oob) >= unix.CmsgLen(0) {
		h, data, rest, err := unix.ParseOneSocketControlMessage(oob)
		if err != nil {
			return c, fmt.Errorf("parse control messages: %w", err)
		}
		oob = rest
		switch {
		case h.Level == unix.IPPROTO_IP && h.Type == unix.IP_PKTINFO:
			if len(data) < unix.SizeofInet4Pktinfo {
				return c, fmt.Errorf("short IP_PKTINFO of %d bytes", len(data))
			}
			c.ifindex = int(int32(binary.NativeEndian.Uint32(data[0:4])))
		case h.Level == unix.IPPROTO_IPV6 && h.Type == unix.IPV6_PKTINFO:
			if len(data) < unix.SizeofInet6Pktinfo {
				return c, fmt.Errorf("short IPV6_PKTINFO of %d bytes", len(data))
			}
			c.dst = netip.AddrFrom16([16]byte(data[0:16]))
			c.ifindex = int(binary.NativeEndian.Uint32(data[16:20]))
		case h.Level == unix.IPPROTO_IPV6 && h.Type == unix.IPV6_HOPLIMIT:
			if len(data) < 4 {
				return c, fmt.Errorf("short IPV6_HOPLIMIT of %d bytes", len(data))
			}
			h := int32(binary.NativeEndian.Uint32(data[0:4]))
			if h < 0 || h > 255 {
				return c, fmt.Errorf("IPV6_HOPLIMIT %d out of range", h)
			}
			c.hopLimit, c.haveHopLimit = uint8(h), true
		}
	}
	return c, nil
}

// pktinfo6 builds the IPV6_PKTINFO control message that picks the source
// address and outgoing interface of one IPv6 packet.
func pktinfo6(src netip.Addr, ifindex int) []byte {
	b := make([]byte, unix.CmsgSpace(unix.SizeofInet6Pktinfo))
	h := (*unix.Cmsghdr)(unsafe.Pointer(&b[0]))
	h.Level = unix.IPPROTO_IPV6
	h.Type = unix.IPV6_PKTINFO
	h.SetLen(unix.CmsgLen(unix.SizeofInet6Pktinfo))
	data := b[unix.CmsgLen(0):]
	a := src.As16()
	copy(data[0:16], a[:])
	binary.NativeEndian.PutUint32(data[16:20], uint32(ifindex))
	return b
}

// rcvBufOpt is SO_RCVBUF for kernel_rx_buf_size, when configured.
func rcvBufOpt(cfg Config) []sockopt {
	if cfg.RcvBuf <= 0 {
		return nil
	}
	return []sockopt{intOpt("SO_RCVBUF", unix.SOL_SOCKET, unix.SO_RCVBUF, cfg.RcvBuf)}
}

// unicastHops is the IPV6_UNICAST_HOPS value: -1 asks the kernel for its
// default.
func (c Config) unicastHops() int {
	switch {
	case !c.Unicast, c.UnicastTTL == 0:
		return vrrpTTL
	case c.UnicastTTL < 0:
		return -1
	}
	return c.UnicastTTL
}

// unicastTTL4 is the TTL written in IPv4 unicast adverts; the header is
// ours (IP_HDRINCL), so "kernel default" means the usual 64.
func (c Config) unicastTTL4() uint8 {
	switch {
	case !c.Unicast, c.UnicastTTL == 0:
		return vrrpTTL
	case c.UnicastTTL < 0:
		return 64
	}
	return uint8(c.UnicastTTL)
}
