package parser

import (
	"time"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/parser/syntax"
)

// globalTable is the keyword table of global_defs (reference 2.2).
var globalTable = &table[*config.GlobalDefs]{
	block: "global_defs",
	handlers: map[string]globalHandler{
		"router_id":                        fixed(1, globalRouterID),
		"script_user":                      fixed(2, globalScriptUser),
		"enable_script_security":           globalFlag(func(g *config.GlobalDefs) *bool { return &g.EnableScriptSecurity }),
		"vrrp_garp_master_delay":           globalSeconds(func(g *config.GlobalDefs) *time.Duration { return &g.GARP.MasterDelay }, 0, 1<<31-1),
		"vrrp_garp_master_repeat":          globalGARPRepeat(func(g *config.GlobalDefs) *int { return &g.GARP.MasterRepeat }, false),
		"vrrp_garp_master_refresh":         globalSeconds(func(g *config.GlobalDefs) *time.Duration { return &g.GARP.MasterRefresh }, 0, 1<<31-1),
		"vrrp_garp_master_refresh_repeat":  globalGARPRepeat(func(g *config.GlobalDefs) *int { return &g.GARP.MasterRefreshRepeat }, false),
		"vrrp_garp_lower_prio_delay":       globalSeconds(func(g *config.GlobalDefs) *time.Duration { return &g.GARP.LowerPrioDelay }, 0, 1<<31-1),
		"vrrp_garp_lower_prio_repeat":      globalGARPRepeat(func(g *config.GlobalDefs) *int { return &g.GARP.LowerPrioRepeat }, true),
		"vrrp_garp_interval":               globalAnnounceInterval(func(g *config.GlobalDefs) *time.Duration { return &g.GARPInterval }),
		"vrrp_gna_interval":                globalAnnounceInterval(func(g *config.GlobalDefs) *time.Duration { return &g.GNAInterval }),
		"vrrp_min_garp":                    globalBool(func(g *config.GlobalDefs) *bool { return &g.MinGARP }),
		"vrrp_version":                     fixed(1, globalVersion),
		"vrrp_mcast_group4":                fixed(1, globalMcast(false)),
		"vrrp_mcast_group6":                fixed(1, globalMcast(true)),
		"vrrp_check_unicast_src":           globalFlag(func(g *config.GlobalDefs) *bool { return &g.CheckUnicastSrc }),
		"vrrp_skip_check_adv_addr":         globalBool(func(g *config.GlobalDefs) *bool { return &g.SkipCheckAdvAddr }),
		"vrrp_strict":                      fixed(1, globalStrict),
		"vrrp_lower_prio_no_advert":        globalBool(func(g *config.GlobalDefs) *bool { return &g.LowerPrioNoAdvert }),
		"vrrp_higher_prio_send_advert":     globalBool(func(g *config.GlobalDefs) *bool { return &g.HigherPrioSendAdvert }),
		"vrrp_down_timer_adverts":          globalInt(func(g *config.GlobalDefs) *int { return &g.DownTimerAdverts }, 1, 100),
		"vrrp_owner_ignore_adverts":        globalBool(func(g *config.GlobalDefs) *bool { return &g.OwnerIgnoreAdverts }),
		"notify_fifo":                      fixed(3, globalFIFO(func(g *config.GlobalDefs) **config.FIFO { return &g.NotifyFIFO })),
		"notify_fifo_script":               globalFIFOScript(func(g *config.GlobalDefs) **config.FIFO { return &g.NotifyFIFO }),
		"vrrp_notify_fifo":                 fixed(3, globalFIFO(func(g *config.GlobalDefs) **config.FIFO { return &g.VRRPNotifyFIFO })),
		"vrrp_notify_fifo_script":          globalFIFOScript(func(g *config.GlobalDefs) **config.FIFO { return &g.VRRPNotifyFIFO }),
		"vrrp_notify_priority_changes":     globalBool(func(g *config.GlobalDefs) *bool { return &g.NotifyPriorityChanges }),
		"fifo_write_vrrp_states_on_reload": globalFlag(func(g *config.GlobalDefs) *bool { return &g.FIFOWriteStatesOnReload }),
		"default_interface":                fixed(1, globalDefaultInterface),
		"dynamic_interfaces":               fixed(1, globalDynamicInterfaces),
		"disable_local_igmp":               globalFlag(func(g *config.GlobalDefs) *bool { return &g.DisableLocalIGMP }),
		"v3_checksum_as_v2":                globalBool(func(g *config.GlobalDefs) *bool { return &g.V3ChecksumAsV2 }),
		"vrrp_startup_delay":               globalTimer(func(g *config.GlobalDefs) *time.Duration { return &g.StartupDelay }, 3600*time.Second),
		"log_unknown_vrids":                globalFlag(func(g *config.GlobalDefs) *bool { return &g.LogUnknownVRIDs }),
		"startup_script":                   globalScript(func(g *config.GlobalDefs) **config.Command { return &g.StartupScript }),
		"shutdown_script":                  globalScript(func(g *config.GlobalDefs) **config.Command { return &g.ShutdownScript }),
		"startup_script_timeout":           globalSeconds(func(g *config.GlobalDefs) *time.Duration { return &g.StartupScriptTimeout }, 1, 1000),
		"shutdown_script_timeout":          globalSeconds(func(g *config.GlobalDefs) *time.Duration { return &g.ShutdownScriptTimeout }, 1, 1000),
		"umask":                            globalUmask,
		"vrrp_rx_bufs_policy":              globalRxBufsPolicy,
		"vrrp_rx_bufs_multiplier":          globalRxBufsMultiplier,
		"data_use_instance":                globalBool(func(g *config.GlobalDefs) *bool { return &g.DataUseInstance }),

		// the daemon process (global_process.go)
		"max_auto_priority":       globalMaxAutoPriority,
		"min_auto_priority_delay": globalMinAutoPriorityDelay,
		"vrrp_rt_priority":        globalRTPriority,
		"vrrp_rlimit_rttime":      globalRlimitRTTime,
		"vrrp_rlimit_rtime":       globalRlimitRTTime,
		"vrrp_priority":           globalNice,
		"vrrp_no_swap":            globalFlag(func(g *config.GlobalDefs) *bool { return &g.Process.NoSwap }),
		"vrrp_cpu_affinity":       globalCPUAffinity,
		"process_names":           globalProcessNames,
		"process_name":            globalProcessName(func(p *config.Process) *string { return &p.Name }),
		"vrrp_process_name":       globalProcessName(func(p *config.Process) *string { return &p.VRRPName }),

		// e-mail alerts (global_email.go)
		"notification_email":      globalEmailTo,
		"notification_email_from": globalEmailFrom,
		"smtp_server":             globalSMTPServer,
		"smtp_helo_name":          globalSMTPHelo,
		"smtp_connect_timeout":    globalSMTPTimeout,
		"smtp_alert":              globalAlert(func(e *config.Email) **bool { return &e.Alert }),
		"smtp_alert_vrrp":         globalAlert(func(e *config.Email) **bool { return &e.AlertVRRP }),
		"no_email_faults":         globalFlag(func(g *config.GlobalDefs) *bool { return &g.Email.NoFaults }),

		// Accept_Mode's firewall and the VMACs (global_firewall.go)
		"nftables":          fixed(1, globalNftables),
		"nftables_priority": fixed(1, globalNftablesPriority),
		"nftables_counters": globalFlag(func(g *config.GlobalDefs) *bool { return &g.NftablesCounters }),
		"nftables_ifindex":  globalFlag(func(g *config.GlobalDefs) *bool { return &g.NftablesIfindex }),
		"vrrp_iptables":     globalIptables,
		"vmac_prefix":       fixed(1, globalVMACPrefix(func(g *config.GlobalDefs) *string { return &g.VMACPrefix }, "vmac prefix")),
		"vmac_addr_prefix":  fixed(1, globalVMACPrefix(func(g *config.GlobalDefs) *string { return &g.VMACAddrPrefix }, "vmac_addr prefix")),

		// netlink socket receive buffers (global_netlink_bufs.go)
		"vrrp_netlink_cmd_rcv_bufs":           globalRcvBufs(func(g *config.GlobalDefs) *int { return &g.NetlinkCmdRcvBufs }),
		"vrrp_netlink_cmd_rcv_bufs_force":     globalBool(func(g *config.GlobalDefs) *bool { return &g.NetlinkCmdRcvBufsForce }),
		"vrrp_netlink_monitor_rcv_bufs":       globalRcvBufs(func(g *config.GlobalDefs) *int { return &g.NetlinkMonitorRcvBufs }),
		"vrrp_netlink_monitor_rcv_bufs_force": globalBool(func(g *config.GlobalDefs) *bool { return &g.NetlinkMonitorRcvBufsForce }),
		"process_monitor_rcv_bufs":            globalRcvBufs(func(g *config.GlobalDefs) *int { return &g.ProcessMonitorRcvBufs }),
		"process_monitor_rcv_bufs_force":      globalBool(func(g *config.GlobalDefs) *bool { return &g.ProcessMonitorRcvBufsForce }),
		// include_check is applied by the preprocessor (parser/syntax).
		"include_check": func(*builder, *syntax.Stmt, *config.GlobalDefs) {},
	},
	unsupported: []string{
		// e-mail
		"smtp_alert_checker",
		// LVS / checker
		"checker_log_all_failures", "lvs_notify_fifo", "lvs_notify_fifo_script", "lvs_sync_daemon",
		"lvs_timeouts", "lvs_flush", "lvs_flush_on_stop", "lvs_flush_onstop", "rs_init_notifies",
		"no_checker_emails", "nftables_ipvs", "nftables_ipvs_priority", "nftables_ipvs_start_fwmark",
		"lvs_netlink_cmd_rcv_bufs", "lvs_netlink_cmd_rcv_bufs_force",
		"lvs_netlink_monitor_rcv_bufs", "lvs_netlink_monitor_rcv_bufs_force",
		// VMAC, firewalls
		"vrrp_garp_extra_if", "vrrp_vmac_garp_intvl", "vrrp_ipsets",
		// process tuning
		"checker_priority", "bfd_priority", "checker_no_swap", "bfd_no_swap",
		"checker_rt_priority", "bfd_rt_priority",
		"checker_cpu_affinity", "bfd_cpu_affinity",
		"checker_rlimit_rttime", "bfd_rlimit_rttime",
		"checker_rlimit_rtime", "bfd_rlimit_rtime",
		"vrrp_delay_after_boot",
		"checker_process_name",
		"lvs_process_name", "bfd_process_name", "use_symlink_paths", "set_supplementary_groups",
		// SNMP, D-Bus
		"snmp_socket", "enable_traps", "enable_snmp_vrrp", "enable_snmp_keepalived", "enable_snmp_rfc",
		"enable_snmp_rfcv2", "enable_snmp_rfcv3", "enable_snmp_checker",
		"snmp_vs_stats_update_interval", "snmp_rs_stats_update_interval",
		"enable_dbus", "dbus_service_name", "dbus_no_interface_name",
		// files, reload
		"random_seed", "reload_check_config", "reload_time_file", "reload_repeat", "reload_file",
		"config_save_dir", "tmp_config_directory", "json_version",
		"state_dump_file", "stats_dump_file", "json_dump_file", "iproute_usr_dir", "iproute_etc_dir",
	},
}
