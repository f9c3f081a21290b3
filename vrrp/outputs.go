package vrrp

import (
	"fmt"
	"net/netip"
	"time"
)

// Sender transmits an encoded advert (the VRRP message) to dst with TTL /
// hop limit 255. It is called on the instance's timer path and must not
// block: a raw socket implementation uses non-blocking writes and returns
// the error (EAGAIN included) instead of waiting.
type Sender interface {
	Send(dst netip.Addr, msg []byte) error
}

// VIPs makes the instance's virtual addresses (and routes, rules) present
// or absent. It is declarative and idempotent: Own(true) twice is one add.
// It may block (netlink); it runs on the instance's effects goroutine.
type VIPs interface {
	Own(own bool) error
}

// Announcer sends rounds of gratuitous ARP / unsolicited NA for the VIPs
// (one packet per VIP per round). It may block; it runs on
// the effects goroutine after the VIPs were added.
type Announcer interface {
	Announce(rounds int) error
}

// Reporter receives what the daemon logs, notifies (scripts, FIFO) and
// writes to status files. It runs on the effects goroutine, in event order.
type Reporter interface {
	Report(Report)
}

// ReportKind classifies a Report.
type ReportKind uint8

// Report kinds.
const (
	ReportTransition       ReportKind = iota + 1 // From -> To, with Reason and Priority
	ReportRxLowerPriority                        // a master heard Peer advertise Priority below ours
	ReportAddrMismatch                           // Peer's advert lists other addresses than ours (accepted)
	ReportDrop                                   // a packet from Peer was dropped; Err is a *DropError
	ReportError                                  // an output failed; Err says which
	ReportTimerLate                              // a timer was handled Late after its deadline
	ReportWantMaster                             // the down timer fired but the Gate held us in BACKUP
	ReportOldChecksum                            // Peer sent the old unicast VRRPv3 checksum; we send it from now on
	ReportRxDiscarded                            // a backup discarded Peer's advert of lower PeerPriority (it will preempt)
	ReportRxPriorityZero                         // Peer resigned (priority 0 advert); From is the state that heard it
	ReportPriorityChanged                        // the effective priority is now Priority
	ReportRxHigherPriority                       // a master yields to Peer's advert of PeerPriority; the transition follows
)

func (k ReportKind) String() string {
	switch k {
	case ReportTransition:
		return "transition"
	case ReportRxLowerPriority:
		return "rx lower priority"
	case ReportAddrMismatch:
		return "address list mismatch"
	case ReportDrop:
		return "drop"
	case ReportError:
		return "error"
	case ReportTimerLate:
		return "timer late"
	case ReportWantMaster:
		return "want master"
	case ReportOldChecksum:
		return "old unicast checksum"
	case ReportRxDiscarded:
		return "rx lower priority discarded"
	case ReportRxPriorityZero:
		return "rx priority 0"
	case ReportPriorityChanged:
		return "priority changed"
	case ReportRxHigherPriority:
		return "rx higher priority"
	}
	return fmt.Sprintf("report(%d)", uint8(k))
}

// Report is one event of an instance.
type Report struct {
	Instance string
	Time     time.Time
	Kind     ReportKind
	From, To State
	Reason   Reason
	Priority uint8
	Peer     netip.Addr
	// PeerPriority is what Peer advertised (ReportRxDiscarded,
	// ReportRxHigherPriority).
	PeerPriority uint8
	Err          error
	Late         time.Duration // ReportTimerLate
}

// Gate holds a sync group member back from MASTER (keepalived's
// vrrp_sync_can_goto_master): it is asked before the
// instance enters MASTER on its own, from is the state it would leave
// (INIT for an address owner's start, BACKUP when the down timer fired,
// FAULT for an owner's recovery). It runs on the instance's timer path
// and must not block; it may call other instances' WantsMaster. SyncGroup
// implements it.
type Gate interface {
	MayBecomeMaster(instance string, from State) bool
}

// Outputs are the instance's effects. Nil members are no-ops; a nil Gate
// never holds the instance back.
type Outputs struct {
	Sender    Sender
	VIPs      VIPs
	Announcer Announcer
	Reporter  Reporter
	Gate      Gate
}
