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
//     (Step with PacketReceived), in keepalived's order, with a typed DropReason per rejected
//     packet and keepalived's statistics counters (Stats). An advert whose
//     address list differs from ours is accepted, counted (AddrListErr) and
//     reported (Verdict.AddrMismatch), like keepalived >= 2.3.3 and unlike
//     2.2.7, whose rejection makes a persistent dual master.
//   - RFC 3768 section 6 / RFC 5798 section 6: the state machine (Machine),
//     with keepalived's deviations: Skew_Time in VRRPv2 is (256-prio)/256 s
//     whatever advert_int; a VRRPv3 backup adopts the master's interval;
//     down_timer_adverts; a BACKUP accepts an equal priority without
//     comparing addresses, only a MASTER uses the higher-address tie-break;
//     nopreempt and preempt_delay; a master answers priority 0 and lower
//     priority adverts with an advert at once; GARP bursts on becoming
//     master (garp_master_repeat/delay/refresh) and on a lower-priority
//     advert (garp_lower_prio_*). RFC 5798 section 6.4.3: a master resigns
//     with priority 0 on shutdown and on fault.
//   - keepalived's vrrp_sync_group: a Gate in Outputs
//     can hold a member in BACKUP when its down timer fires (the timer is
//     re-armed and ReportWantMaster sent) or an owner starts; ForceMaster
//     and ForceBackup move a member with its group. SyncGroup is the
//     coordinator: Gate for its members, Follow for their reports,
//     SetFault for their faults.
//   - goalived additions: a master that hears a worse master (a healing
//     split brain) always re-announces the VIPs at once; FastPreempt lets a
//     backup take over from a worse master after its skew time.
//
// Transitions (Step; Notify actions carry them with a Reason):
//
//	                 Start (owner 255 + state MASTER)
//	INIT ─────────────────────────────────────────────────┐
//	  │ Start                                              ▼
//	  ├──────────► BACKUP ── down timer / prio-0 skew ──► MASTER
//	  │              ▲  ▲        / FastPreempt skew          │
//	  │              │  └── higher prio, or equal prio ──────┘
//	  │              │      from a higher address
//	  │ Start+fault  │ FaultCleared          FaultSet (prio-0 advert if master)
//	  └──────────► FAULT ◄───────────────────── BACKUP, MASTER
//
//	any state ── Shutdown (prio-0 advert + RemoveVIPs if master) ──► STOP
//
// Shutdown{KeepVIPs} (keepalived -V) skips the priority-0 advert and the
// removal. Reload keeps the state like keepalived's SIGHUP for a matched
// instance: a master sends one advert and announces all VIPs when the new
// configuration added some.
//
// The runtime (Instance) runs one Machine per VRRP instance on its own
// goroutine with an injected Clock. That goroutine only steps the machine
// and sends adverts (Sender must not block); the outputs that may block
// (VIPs via netlink, Announcer, Reporter running notify scripts) run in
// order on a second goroutine per instance behind an unbounded queue, so
// neither they nor any other instance can delay an advert. Late timers
// are measured and reported (ReportTimerLate). Package vrrptest has a fake clock and
// an in-memory L2 segment for election tests.
package vrrp
