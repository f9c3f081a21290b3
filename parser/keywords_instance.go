package parser

import (
	"time"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/parser/syntax"
)

type instHandler = handler[*config.Instance]

// instanceTable is the keyword table of vrrp_instance (reference 2.4).
var instanceTable = &table[*config.Instance]{
	block: "vrrp_instance",
	handlers: map[string]instHandler{
		"state":                      fixed(1, instState),
		"interface":                  fixed(1, instInterface),
		"virtual_router_id":          fixed(1, instVRID),
		"priority":                   fixed(1, instPriority),
		"advert_int":                 fixed(1, instAdvertInt),
		"authentication":             fixed(0, instAuth),
		"virtual_ipaddress":          fixed(0, instVIPs(false)),
		"virtual_ipaddress_excluded": fixed(0, instVIPs(true)),
		"no_virtual_ipaddress":       instFlag(func(in *config.Instance) *bool { return &in.NoVIPs }),
		"virtual_routes":             fixed(0, instRoutes),
		"virtual_rules":              fixed(0, instRules),
		"track_script":               fixed(0, instTrack(trackScript)),
		"track_interface":            fixed(0, instTrack(trackInterface)),
		"track_file":                 fixed(0, instTrack(trackFile)),
		"track_process":              fixed(0, instTrack(trackProcess)),
		"notify":                     instNotify(func(n *config.Notifies) **config.Notify { return &n.Generic }),
		"notify_master":              instNotify(func(n *config.Notifies) **config.Notify { return &n.Master }),
		"notify_backup":              instNotify(func(n *config.Notifies) **config.Notify { return &n.Backup }),
		"notify_fault":               instNotify(func(n *config.Notifies) **config.Notify { return &n.Fault }),
		"notify_stop":                instNotify(func(n *config.Notifies) **config.Notify { return &n.Stop }),
		"notify_master_rx_lower_pri": instNotify(func(n *config.Notifies) **config.Notify { return &n.MasterRxLowerPri }),
		"notify_deleted":             instNotifyDeleted,
		"notify_priority_changes":    instBool(func(in *config.Instance) *bool { return &in.NotifyPriorityChanges }),
		"nopreempt":                  instFlag(func(in *config.Instance) *bool { return &in.Nopreempt }),
		"smtp_alert": func(b *builder, s *syntax.Stmt, in *config.Instance) {
			if v, ok := b.alertArg(s, "Invalid vrrp_instance smtp_alert parameter %s"); ok {
				b.setAlert(in, v)
			}
		},
		"preempt":                    fixed(0, instPreempt),
		"preempt_delay":              fixed(1, instPreemptDelay),
		"unicast_src_ip":             fixed(1, instSrcIP(true)),
		"mcast_src_ip":               fixed(1, instSrcIP(false)),
		"unicast_peer":               fixed(0, instUnicastPeers),
		"unicast_ttl":                instInt(func(in *config.Instance) *int { return &in.UnicastTTL }, 0, 255),
		"unicast_fault_no_peer":      instFlag(func(in *config.Instance) *bool { return &group(&in.Unicasting).UnicastFaultNoPeer }),
		"check_unicast_src":          instFlag(func(in *config.Instance) *bool { return &in.CheckUnicastSrc }),
		"old_unicast_checksum":       fixed(1, instOldUnicastChecksum),
		"mcast_dst_ip":               fixed(1, instMcastDst),
		"track_src_ip":               instFlag(func(in *config.Instance) *bool { return &in.TrackSrcIP }),
		"version":                    fixed(1, instVersion),
		"native_ipv6":                fixed(0, instNativeIPv6),
		"dont_track_primary":         instFlag(func(in *config.Instance) *bool { return &in.DontTrackPrimary }),
		"use_vmac":                   instVMAC,
		"use_vmac_addr":              instFlag(func(in *config.Instance) *bool { return &in.VMACAddr }),
		"vmac_xmit_base":             fixed(0, func(b *builder, _ *syntax.Stmt, in *config.Instance) { b.inst(in).mark("vmac_xmit_base") }),
		"accept":                     fixed(0, instAccept(true)),
		"no_accept":                  fixed(0, instAccept(false)),
		"garp_master_delay":          instSeconds(func(in *config.Instance) *time.Duration { return &in.GARP.MasterDelay }),
		"garp_master_repeat":         instRepeat(func(in *config.Instance) *int { return &in.GARP.MasterRepeat }, false),
		"garp_master_refresh":        instSeconds(func(in *config.Instance) *time.Duration { return &in.GARP.MasterRefresh }),
		"garp_master_refresh_repeat": instRepeat(func(in *config.Instance) *int { return &in.GARP.MasterRefreshRepeat }, false),
		"garp_lower_prio_delay":      instSeconds(func(in *config.Instance) *time.Duration { return &in.GARP.LowerPrioDelay }),
		"garp_lower_prio_repeat":     instRepeat(func(in *config.Instance) *int { return &in.GARP.LowerPrioRepeat }, true),
		"down_timer_adverts":         instInt(func(in *config.Instance) *int { return &in.DownTimerAdverts }, 1, 100),
		"lower_prio_no_advert":       instBool(func(in *config.Instance) *bool { return &in.LowerPrioNoAdvert }),
		"higher_prio_send_advert":    instBool(func(in *config.Instance) *bool { return &in.HigherPrioSendAdvert }),
		"owner_ignore_adverts":       instBool(func(in *config.Instance) *bool { return &in.OwnerIgnoreAdverts }),
		"skip_check_adv_addr":        fixed(1, instSkipCheckAdvAddr),
		"strict_mode":                instBool(func(in *config.Instance) *bool { return &in.Strict }),
		"v3_checksum_as_v2":          instBool(func(in *config.Instance) *bool { return &in.V3ChecksumAsV2 }),
		"promote_secondaries":        instFlag(func(in *config.Instance) *bool { return &in.PromoteSecondaries }),
		"kernel_rx_buf_size":         instInt(func(in *config.Instance) *int { return &group(&in.Extra).KernelRxBufSize }, 0, 1<<31-1),
		"debug":                      instInt(func(in *config.Instance) *int { return &group(&in.Extra).Debug }, 0, 4),
	},
	unsupported: []string{
		"track_bfd", "use_ipvlan", "vrf",
		"garp_extra_if", "vmac_garp_intvl", "timer_expired_backup", "thread_timer_expired",
		"linkbeat_use_polling", "lvs_sync_daemon_interface", "auth_hmac",
	},
}

// authTable is the keyword table of authentication { }.
var authTable = &table[*config.Auth]{
	block: "authentication",
	handlers: map[string]handler[*config.Auth]{
		"auth_type": fixed(1, authType),
		"auth_pass": fixed(1, authPass),
	},
}

func instFlag(field func(in *config.Instance) *bool) instHandler {
	return func(b *builder, s *syntax.Stmt, in *config.Instance) {
		*field(in) = true
		b.inst(in).mark(s.Keyword)
		b.extraWords(s, 0)
	}
}

func instBool(field func(in *config.Instance) *bool) instHandler {
	return func(b *builder, s *syntax.Stmt, in *config.Instance) {
		if v, ok := b.boolArg(s, 0); ok {
			*field(in) = v
			b.inst(in).mark(s.Keyword)
		}
		b.extraWords(s, 1)
	}
}

func instInt(field func(in *config.Instance) *int, lo, hi int) instHandler {
	return func(b *builder, s *syntax.Stmt, in *config.Instance) {
		if v, ok := b.intArg(s, 0, lo, hi); ok {
			*field(in) = v
			b.inst(in).mark(s.Keyword)
		}
		b.extraWords(s, 1)
	}
}

func instSeconds(field func(in *config.Instance) *time.Duration) instHandler {
	return func(b *builder, s *syntax.Stmt, in *config.Instance) {
		if v, ok := b.secondsArg(s, 0, 0, 1<<31-1); ok {
			*field(in) = v
			b.inst(in).mark(s.Keyword)
		}
		b.extraWords(s, 1)
	}
}

func instRepeat(field func(in *config.Instance) *int, zeroOK bool) instHandler {
	return func(b *builder, s *syntax.Stmt, in *config.Instance) {
		defer b.extraWords(s, 1)
		v, ok := b.intArg(s, 0, 0, 1<<31-1)
		if !ok {
			return
		}
		if v == 0 && !zeroOK {
			b.warnf(argPos(s, 0), s.Keyword, "%s must be at least 1, using 1", s.Keyword)
			v = 1
		}
		*field(in) = v
		b.inst(in).mark(s.Keyword)
	}
}
