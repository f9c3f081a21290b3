// Package vrrp implements the Virtual Router Redundancy Protocol as
// keepalived 2.2.7 speaks it: VRRPv2 (RFC 3768, with the RFC 2338 simple
// password authentication keepalived still supports) and VRRPv3 (RFC 5798)
// for IPv4 and IPv6.
//
// It is pure protocol logic: it opens no sockets, touches no interfaces and
// runs no scripts. The daemon wires in the real implementations of the
// small interfaces declared here (Sender, VIPs, Announcer, Reporter).
//
// Implemented:
//
//   - RFC 3768 section 5 / RFC 5798 section 5: message format (Marshal,
//     Unmarshal). VRRPv2 always carries 8 bytes of authentication data and
//     a checksum over the message only. VRRPv3 over IPv4 is sent with the
//     IPv4 pseudo-header checksum (keepalived's default) or without it
//     (CodecOptions.V3ChecksumAsV2); on receive both forms and keepalived's
//     pre-1.3.6 unicast form are accepted and reported (RFC 9568 section
//     5.2.8). IPv6 always uses the pseudo-header.
//   - RFC 3768 section 7.1 / RFC 5798 section 7.1: receive validation
//     (Check), in keepalived's order, with a typed DropReason per rejected
//     packet and keepalived's statistics counters (Stats).
package vrrp
