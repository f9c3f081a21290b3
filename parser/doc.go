// Package parser turns a keepalived.conf syntax tree (package
// parser/syntax) into goalived's typed configuration model: every keyword
// keepalived 2.2.7 knows is recognised, the VRRP-side ones get keepalived's
// defaults and validation, the rest are recorded as unsupported features.
//
// The model follows RFC 5798 (VRRPv3) section 5.2 and RFC 3768 (VRRPv2)
// section 5.3 for the protocol fields (VRID 1..255, priority 1..255, the
// advertisement interval in seconds (v2) or centiseconds (v3), authentication
// types of RFC 2338 section 5.3.6, which exist in v2 only), and keepalived's
// own rules where keepalived goes beyond the RFCs: priority 255 implied by
// "state MASTER", version 3 forced by IPv6, out-of-range script weights used
// anyway, script argument splitting with quotes and escapes, and so on. The
// keepalived behaviours copied are cited as "reference N.M", the section of
// /work/shared/docs/keepalived-reference.md they come from.
//
// Entry points are Load and LoadBytes. Both always return a model (possibly
// partial) together with Diagnostics; Diagnostics.ExitCode gives the status
// "keepalived -t" would exit with. Nothing in this package logs or touches
// the network: interface and user look-ups are hooks in Options.
//
// Keyword tables (keywords*.go) are data: one table per block, mapping each
// keyword either to a handler or to "unsupported by goalived". A keyword in
// no table is "unknown" and gets a "did you mean" suggestion.
package parser
