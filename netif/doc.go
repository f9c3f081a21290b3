// Package netif is goalived's kernel side: raw VRRP sockets, virtual
// addresses, link/address change notifications, and gratuitous ARP /
// unsolicited neighbour advertisements. It knows nothing of VRRP messages
// (package vrrp encodes them); it moves bytes and addresses the way
// keepalived 2.2.7 does, so that both can share one VRRP cluster.
//
// # Sockets (RFC 3768 5.1-5.2, RFC 5798 5.1, keepalived vrrp.c / vrrp_scheduler.c)
//
// Listen opens one raw socket of IP protocol 112 (or 51 for keepalived's
// AH emulation) per interface, family and mode, serving both directions;
// cmd/goalived demultiplexes by VRID as keepalived's socket pool does.
// Every option has a reason:
//
//   - SO_BINDTODEVICE: only packets of this interface, and sends leave by
//     it whatever the routing table says.
//   - IPv4 IP_HDRINCL: we write the header ourselves to match keepalived on
//     the wire: TOS 0xC0 (precedence "internetwork control"), TTL 255, DF
//     clear, IP id counting from 1, protocol 112, and a source address
//     chosen by us (Source()), because the VRRPv3 IPv4 checksum covers a
//     pseudo-header with that source. The kernel fills in the header
//     checksum.
//   - IP_MULTICAST_ALL=0 / IPV6_MULTICAST_ALL=0: without it a raw socket
//     receives every group joined by any socket on the host.
//   - IP_ADD_MEMBERSHIP (ip_mreqn with the ifindex) / IPV6_JOIN_GROUP, and
//     bind() to the group: the socket joins 224.0.0.18 / ff02::12 on this
//     interface only, and the bind filters out packets to other
//     destinations (unicast adverts are for unicast instances).
//   - IP_MULTICAST_IF / IPV6_MULTICAST_IF: multicast leaves by this
//     interface.
//   - IP_MULTICAST_LOOP=0 / IPV6_MULTICAST_LOOP=0: a router must not hear
//     its own adverts.
//   - IP_TTL, IP_MULTICAST_TTL, IPV6_MULTICAST_HOPS, IPV6_UNICAST_HOPS 255:
//     RFC 5798 requires 255 so receivers can drop adverts from off-link
//     (keepalived leaves the IPv6 unicast hop limit at the kernel default
//     unless unicast_ttl is set; we send 255, which receivers accept
//     because unicast adverts are not TTL-checked by default).
//   - IP_TOS / IPV6_TCLASS 0xC0: as keepalived.
//   - IP_PKTINFO, IPV6_RECVPKTINFO, IPV6_RECVHOPLIMIT: the receiving
//     interface, the IPv6 destination (multicast or unicast must match
//     the instance's mode) and the hop limit, which the caller must check
//     is 255 for multicast. IPv4 TTL and destination come from the header
//     the raw socket delivers, which ReadPacket strips.
//   - IPV6_CHECKSUM at offset 6: the kernel computes the VRRPv3 IPv6
//     checksum (with its pseudo-header) on send and drops packets with a
//     bad one on receive.
//   - Unicast mode: no group membership; the socket is bound to the local
//     source address with IP_FREEBIND / IPV6_FREEBIND so that the address
//     need not exist yet (keepalived logs "src address not configured" but
//     it only matters once packets flow). The IPv6 source of a send is set
//     per packet with an IPV6_PKTINFO control message.
//
// The file descriptor is non-blocking and registered with the Go runtime
// poller, so Close unblocks a pending ReadPacket and SetReadDeadline works.
//
// # Addresses (keepalived vrrp_ipaddress.c)
//
// Addrs.Ensure/Remove are declarative and idempotent: present addresses
// are left alone, missing ones are added; absent ones are not an error on
// removal. Defaults follow keepalived, not iproute2: no broadcast unless
// given, IPv6 with IFA_F_NODAD unless DAD is asked for, a /128 IPv6 address
// with preferred_lft 0 (deprecated, never a source address) unless
// PreferredForever. Labels are IPv4 only. Watch reports link and address
// changes (track_interface; a VIP deleted from outside).
//
// # Announcements (RFC 5798 6.4.2 and 8.1.2, RFC 4861 7.2.6)
//
// A gratuitous ARP is, as keepalived sends it, an Ethernet broadcast ARP
// request with sender IP = target IP = the VIP and target MAC
// ff:ff:ff:ff:ff:ff. An unsolicited NA goes to ff02::1 with hop limit 255,
// Override set, Router set when the interface forwards IPv6, and a target
// link-layer address option. Its source is the VIP, as keepalived; if the
// kernel refuses that source (the address is still tentative or already
// gone) it falls back to the link-local address, which receivers accept
// as well. Announcer paces packets per interface and family
// (vrrp_garp_interval / vrrp_gna_interval) across concurrent callers.
// A failed send does not end a burst: transient errors (ENETDOWN right
// after a link flap, ENOBUFS) are retried within a budget, every packet
// is attempted, and Stats counts sent, retried, failed and skipped
// packets per interface. Interfaces without a link-layer address or
// marked NOARP (lo, tun) get nothing and no error, as with keepalived.
//
// # Accept_Mode firewall (RFC 5798 6.1, keepalived vrrp_nftables.c)
//
// Firewall keeps keepalived's nftables table (default name "keepalived",
// families ip and ip6) over netlink: the VIPs of masters that must not
// accept traffic (no_accept, or vrrp_strict for a non-owner) are dropped
// on input (destination) and output (source), neighbour discovery stays
// allowed, link-local VIPs only on their interface; VMACs' IGMP/MLD
// reports leave by their base interface. Chains, sets, rules and
// priorities are keepalived 2.2.7's; a stale table of the same name (a
// SIGKILLed daemon) is deleted at open, the table at Close.
//
// # VMAC (RFC 5798 7.3, keepalived vrrp_vmac.c, vrrp_if_config.c)
//
// VMACs creates use_vmac's macvlan interfaces (private mode, virtual MAC
// 00:00:5e:00:01:VRID or 00:00:5e:00:02:VRID, keepalived's names) with
// the sysctls keepalived sets, and removes them at Close.
//
// testdata/keepalived/OBSERVED.md records what keepalived 2.2.7 did in
// namespaces for all of this, state by state.
//
// # Namespaces
//
// Sockets and the Announcer's packet sockets belong to the network
// namespace of the thread that opens them (Listen, or the first Announce on
// an interface); Addrs is bound to the namespace given to OpenAddrs. Tests
// use package nstest to run these calls inside lab namespaces.
//
// # Tracked files and processes
//
// WatchFiles follows track_files as keepalived 2.2.7 does, by inotify on
// their directories (a file is read again once closed after writing or
// moved in); ReadTrackFile and InitTrackFile read and initialise one as
// keepalived does. ProcFS scans /proc for vrrp_track_process, which
// keepalived follows through the proc connector, unavailable outside the
// initial network namespace. InterfaceHasAddr serves track_src_ip.
package netif
