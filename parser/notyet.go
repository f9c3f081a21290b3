package parser

import (
	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/parser/syntax"
)

// notYetEntry is a keyword keepalived 2.2.7 acts on, that goalived's
// model holds (or records in Config.Unsupported with its words), but that
// goalived's engine does not act on yet.
type notYetEntry struct {
	block   string // the keyword table's block: "top level", "global_defs", "vrrp_instance", "authentication"
	keyword string
	// when, if set, limits the report to lines it accepts (auth_type AH,
	// a <BOOL> keyword turned on). An option turned off asks for
	// goalived's behaviour, so it is not reported.
	when func(s *syntax.Stmt) bool
	// what names the feature in the warning when it is more than the
	// keyword ("auth_type AH").
	what string
	// resolved entries are reported from the finished model, not per
	// line: no_accept also comes from strict mode, and an address owner
	// accepts whatever was written.
	resolved bool
	// field is the identifier the engine will use once it acts on the
	// keyword (a model field, or vrrp.AuthAH); TestNotYetEngine fails when
	// engine/*.go mentions it, so that the entry is removed. Empty for
	// keywords only Config.Unsupported keeps.
	field string
}

// notYet is the one list of keywords that the running daemon (engine/*.go)
// ignores although keepalived acts on them. Each written keyword (or
// resolved value) warns "KEYWORD is not supported by goalived yet,
// ignored" and is recorded in Config.Unsupported with NotYet set; parsing
// into the model is unchanged, so implementing one is a change to the
// engine plus the removal of its entry here. Remove an entry when the
// engine implements the keyword (TestNotYetTable checks every entry).
//
// Not listed on purpose: default_interface, which the parser resolves into the Dev of
// static addresses and of the VIPs of an instance without interface; and,
// implemented by the engine, accept/no_accept and strict mode's
// Accept_Mode (the nftables globals with them), use_vmac,
// use_vmac_addr, vmac_xmit_base, vmac_prefix, vmac_addr_prefix,
// startup_script/shutdown_script (and their
// timeouts), log_unknown_vrids, unicast_ttl, kernel_rx_buf_size,
// promote_secondaries, disable_local_igmp, vrrp_startup_delay,
// unicast_fault_no_peer, track_src_ip, virtual_routes/virtual_rules,
// static_ipaddress/static_routes/static_rules, track_file,
// vrrp_track_process, sync groups, the notify FIFOs,
// old_unicast_checksum, umask (cmd/goalived), vrrp_rx_bufs_policy and
// vrrp_rx_bufs_multiplier, the vrrp_netlink_*_rcv_bufs(_force) sizes,
// dynamic_interfaces, track_group and the e-mail alerts (cmd/goalived
// sends the instances' and sync groups' smtp_alert e-mails from the
// engine's notifications); process_monitor_rcv_bufs(_force)
// need nothing (track_process scans /proc: there is no event socket).
var notYet = []notYetEntry{
	{block: "vrrp_instance", keyword: "owner_ignore_adverts", when: boolOn, field: "OwnerIgnoreAdverts"},
	{block: "global_defs", keyword: "vrrp_owner_ignore_adverts", when: boolOn, field: "OwnerIgnoreAdverts"},
}

// boolOn accepts a <BOOL> line that turns the option on (absent value
// means on; an invalid value was reported by the handler).
func boolOn(s *syntax.Stmt) bool {
	a, ok := arg(s, 0)
	return !ok || a == "on" || a == "true" || a == "yes"
}

// notYetFor returns the entry for keyword kw of block, if any.
func notYetFor(block, kw string) (notYetEntry, bool) {
	if i, ok := notYetIndex[[2]string{block, kw}]; ok {
		return notYet[i], true
	}
	return notYetEntry{}, false
}

// notYetIndex finds the (first) entry of a block and keyword: every
// statement of a configuration is looked up.
var notYetIndex = func() map[[2]string]int {
	m := make(map[[2]string]int, len(notYet))
	for i, e := range notYet {
		if _, dup := m[[2]string{e.block, e.keyword}]; !dup {
			m[[2]string{e.block, e.keyword}] = i
		}
	}
	return m
}()

// notYetKeywords lists the entries of one block, for "did you mean".
func notYetKeywords(block string) []string {
	var out []string
	for _, e := range notYet {
		if e.block == block {
			out = append(out, e.keyword)
		}
	}
	return out
}

// checkNotYet reports line s of block when the table says the engine
// ignores it.
func (b *builder) checkNotYet(block string, s *syntax.Stmt) {
	e, ok := notYetFor(block, s.Keyword)
	if !ok || e.resolved || e.when != nil && !e.when(s) {
		return
	}
	b.reportNotYet(e, s.Pos, words(s), "")
}

// reportNotYet warns about e at pos and records it in Config.Unsupported.
func (b *builder) reportNotYet(e notYetEntry, pos syntax.Pos, args []string, note string) {
	what := e.what
	if what == "" {
		what = e.keyword
	}
	b.cfg.Unsupported = append(b.cfg.Unsupported, config.Feature{
		Keyword: e.keyword, Block: b.context, Pos: pos.String(), Args: args, NotYet: true,
	})
	b.warnf(pos, e.keyword, "%s is not supported by goalived yet, ignored%s", what, note)
}
