// Package parser turns a keepalived.conf syntax tree (package
// parser/syntax) into goalived's typed configuration model (package
// config, which does not depend on this one): every keyword
// keepalived 2.2.7 knows is recognised, the VRRP-side ones get keepalived's
// defaults and validation, the rest are recorded as unsupported features.
//
// The model follows RFC 5798 (VRRPv3) section 5.2 and RFC 3768 (VRRPv2)
// section 5.3 for the protocol fields (VRID 1..255, priority 1..255, the
// advertisement interval in seconds (v2) or centiseconds (v3, at most
// 40.95 s), authentication (RFC 2338 section 5.3.6, v2 only)), and
// keepalived's own rules where keepalived goes beyond the RFCs. Those are
// cited as "reference N.M", the section of
// /work/shared/docs/keepalived-reference.md they come from.
//
// # Entry points
//
// Load and LoadBytes run parser/syntax (includes, conditionals, macros)
// and then Build. They always return a model, possibly partial, with
// Diagnostics; Diagnostics.ExitCode gives the status "keepalived -t" would
// exit with. Nothing here logs or touches the network: interface, user,
// group and script look-ups are hooks in Options (defaults: the host).
//
// # Keyword tables
//
// keywords_*.go, script.go, syncgroup.go, trackers.go and top.go hold one
// table per block mapping each keyword either to a handler or to
// "unsupported by goalived". A keyword in no table is "unknown keyword"
// with a "did you mean" suggestion (edit distance, case mistakes included).
// An unsupported keyword is a warning naming its position and is listed in
// Config.Unsupported; its block is skipped as a unit, so nothing inside a
// virtual_server is reported.
//
// Script-like keywords (notify*, script, *_fifo_script, startup_script,
// shutdown_script) are split by splitScriptLine, keepalived
// 2.2.7's two passes (reference 1.4); trailing words are USER [[:]GROUP].
//
// # Choices where goalived differs from keepalived 2.2.7 on purpose
//
//   - Unsupported features (LVS, e-mail, SNMP, D-Bus, VMAC, BFD, firewall
//     and process-tuning keywords) warn, so -t exits 5 where keepalived may
//     exit 0.
//   - Extra words after a vrrp_script command, and notify commands whose
//     unquoted second word is not an existing user (keepalived silently
//     drops the script), are reported as warnings.
//   - Unicast peers in strict mode are kept (keepalived 2.2.7 runs such an
//     instance as unicast without a word) but warned about.
//   - vrrp_script interval/timeout accept milliseconds (keepalived 2.3+);
//     a fraction is used but warned about, because 2.2.7 rejects it.
//   - Keywords added after 2.2.7 (v3_checksum_as_v2, no_virtual_ipaddress,
//     vrrp_owner_ignore_adverts, owner_ignore_adverts) are accepted instead
//     of being unknown; the owner_ignore_adverts pair is in the notYet
//     table.
//   - Surplus words after a keyword that takes a fixed number of words
//     (keepalived ignores them silently: "virtual_router_id 51 priority
//     200" sets only the VRID) warn "extra words after 'KEYWORD' ignored",
//     at the first surplus word.
//   - Keywords the model holds but the engine does not act on yet (the
//     notYet table in notyet.go: owner_ignore_adverts, ...) warn "KEYWORD is not
//     supported by goalived yet, ignored" and are listed in
//     Config.Unsupported with NotYet set.
//
// # Copied keepalived behaviours that look like bugs
//
// "state MASTER" without priority means 255, "priority 255" without state
// means MASTER; lower-case state values are BACKUP; skip_check_adv_addr
// turns the option on whatever its value; "vrrp_strict off" turns strict
// mode on; out-of-range vrrp_script weights are used; an IPv6 instance is
// VRRPv3 unless "version 2" came before its first address; track_script
// only sees vrrp_scripts defined earlier in the file; a warning masks a
// fatal error in the exit code (Diagnostics.ExitCode).
package parser
