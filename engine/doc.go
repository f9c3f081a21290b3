// Package engine is goalived's composition root: it turns the typed
// configuration (package parser) into running VRRP instances (package
// vrrp) wired to the real network (package netif) and to checks and
// notifications (package script).
//
// It exists as its own package, beside cmd/goalived, because this wiring
// is where the parts meet: which raw socket an instance shares, how
// received packets are demultiplexed by VRID, how tracker results become
// an effective priority, and what a transition reports. Keeping it out of
// package main lets it be tested in network namespaces without a process,
// and keeps main to flags, signals and the daemon's life cycle.
//
// Data flow:
//
//	netif.Conn (one per interface/family/mode) --ReadPacket--> demux by VRID
//	    --> vrrp.Instance.Deliver
//	vrrp.Instance --Sender--> netif.Conn.WritePacket
//	              --VIPs----> netif.Addrs.Ensure / Remove
//	              --Announcer--> netif.Announcer (GARP / NA)
//	              --Reporter--> log, script.Notifier, status callback
//	script.Check events, netif link events --> script.Evaluate
//	    --> vrrp.Instance.SetPriority / SetFault
package engine
