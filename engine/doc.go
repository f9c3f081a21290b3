// Package engine is goalived's composition root: it turns the typed
// configuration (package config) into running VRRP instances (package
// vrrp) on a Host, wired to checks and notifications (package script).
//
// The engine reaches the machine only through the Host it is given
// (host.go), as wireguard-go's device takes its TUN and network sides:
// raw VRRP sockets, the addresses, routes and rules it owns, the link
// and address watcher, the announcer, kernel settings, the script
// runner, the notify FIFOs, the nftables table, the VMAC interfaces and
// the clock. netif/host is the real host;
// netif/netiftest keeps one in memory, so whole engines run in a test
// without root (the scenario_*_test.go files), while the TestIntegration*
// tests run the daemon against the kernel and keepalived 2.2.7.
//
// Data flow:
//
//	Conn (one per interface/family/mode/source) --ReadPacket--> demux by
//	    VRID --> vrrp.Instance.Deliver
//	vrrp.Instance --Sender-----> Conn.WritePacket
//	              --VIPs-------> Firewall.SetBlocked (Accept_Mode, before
//	                             the addresses), Routing.Add / Delete
//	                             (netif.Items; on the VMACs with use_vmac)
//	              --Announcer--> Announcer (GARP / NA)
//	              --Reporter---> log, script.Notifier, status callback
//	script.Check events, Links events --> script.Evaluate
//	    --> vrrp.Instance.SetPriority / SetFault
//
// An instance's VMACs (vmac.go, vmac_run.go) are made before its socket
// opens (on the VMAC unless vmac_xmit_base), tracked as its interface,
// made again when deleted from outside and deleted when it stops; the
// firewall (firewall.go) is opened when keepalived would use its table
// and deleted at stop.
//
// A reload is planned by a pure function (reload_plan.go: kept, updated,
// restarted, added, removed, and the static items) and applied in a
// fixed order (reload.go).
//
// Seams for what comes next:
//
//   - Hot upgrade (handover*.go): Freeze exports the running state
//     (State: each instance's vrrp.Saved keyed as a reload pairs
//     instances, the owned and static items, the changed sysctls,
//     package track's Saved), Prepare and Resume start a new engine from
//     it and apply its configuration as a reload would, Retire ends the
//     old one leaving the host as it is, Thaw resumes it if the new one
//     failed. cmd/goalived carries the State between processes. The
//     nftables table and the VMACs stay in place and the new engine
//     adopts them (handover_net.go); Settle, once the old process has
//     exited, drops what only its instances had.
//   - Many instances at low CPU: the Clock is injected, so a per-socket
//     timer heap (one timer per socket instead of per instance) is a
//     Clock the engine hands to the instances of one socket.
//   - Log lines in keepalived's words: every transition, drop and error
//     passes through reporter.Report (report.go), one place to word them.
package engine
