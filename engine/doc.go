// Package engine is goalived's composition root: it turns the typed
// configuration (package config) into running VRRP instances (package
// vrrp) on a Host, wired to checks and notifications (package script).
//
// The engine reaches the machine only through the Host it is given
// (host.go), as wireguard-go's device takes its TUN and network sides:
// raw VRRP sockets, the addresses, routes and rules it owns, the link
// and address watcher, the announcer, kernel settings, the script
// runner, the notify FIFOs and the clock. netif/host is the real host;
// netif/netiftest keeps one in memory, so whole engines run in a test
// without root (the scenario_*_test.go files), while the TestIntegration*
// tests run the daemon against the kernel and keepalived 2.2.7.
//
// Data flow:
//
//	Conn (one per interface/family/mode/source) --ReadPacket--> demux by
//	    VRID --> vrrp.Instance.Deliver
//	vrrp.Instance --Sender-----> Conn.WritePacket
//	              --VIPs-------> Routing.Add / Delete (netif.Items)
//	              --Announcer--> Announcer (GARP / NA)
//	              --Reporter---> log, script.Notifier, status callback
//	script.Check events, Links events --> script.Evaluate
//	    --> vrrp.Instance.SetPriority / SetFault
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
//     failed. cmd/goalived carries the State between processes.
//   - Accept_Mode firewall rules and VMAC interfaces are host outputs
//     that follow an instance's state, as its addresses do: new members
//     of Host (netif.Firewall's SetBlocked per instance, netif.VMACs'
//     Ensure), called where vipOwner calls Routing, with fakes beside
//     netiftest's routing.
//   - Many instances at low CPU: the Clock is injected, so a per-socket
//     timer heap (one timer per socket instead of per instance) is a
//     Clock the engine hands to the instances of one socket.
//   - Log lines in keepalived's words: every transition, drop and error
//     passes through reporter.Report (report.go), one place to word them.
package engine
