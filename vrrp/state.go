package vrrp

import (
	"fmt"
	"net/netip"
	"time"
)

// State is the state of a VRRP instance (RFC 5798 section 6.4, plus
// keepalived's FAULT and STOP).
type State uint8

// States.
const (
	StateInit State = iota
	StateBackup
	StateMaster
	StateFault
	// StateStopped is entered on Shutdown; keepalived reports it as STOP.
	StateStopped
)

var stateNames = [...]string{"INIT", "BACKUP", "MASTER", "FAULT", "STOP"}

func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return fmt.Sprintf("state(%d)", uint8(s))
}

// Reason says why a step did what it did.
type Reason uint8

// Reasons.
const (
	ReasonNone            Reason = iota
	ReasonStart                  // started, waiting for a master
	ReasonOwner                  // address owner (priority 255) takes over at once
	ReasonMasterDown             // master-down timer expired
	ReasonPriorityZero           // a master resigned (priority 0 advert)
	ReasonFastPreempt            // FastPreempt: took over from a lower-priority master after skew
	ReasonHigherPriority         // a master heard a better master and yields
	ReasonLowerPriority          // a master heard a worse master (split brain) and asserts itself
	ReasonAdvertAccepted         // a backup accepted the master's advert
	ReasonAdvertDiscarded        // a backup discarded a lower-priority advert (it will preempt)
	ReasonPreemptDelay           // a lower-priority advert accepted while preempt_delay runs
	ReasonAdvertTimer            // a master's advert interval elapsed
	ReasonGARPTimer              // a delayed or refresh GARP burst is due
	ReasonPriorityChanged        // the effective priority changed
	ReasonFault                  // a fault was set
	ReasonFaultCleared           // the last fault was cleared
	ReasonShutdown               // the instance is being stopped
	ReasonDropped                // the packet failed validation
	ReasonIgnored                // the event means nothing in this state
	ReasonReload                 // the configuration was reloaded
	ReasonSyncGroup              // forced by the sync group (ForceMaster, ForceBackup)
	ReasonSyncHeld               // the down timer fired but the sync group holds us in BACKUP
	numReasons
)

var reasonNames = [...]string{
	"none", "start", "address owner", "master down timer", "priority 0 advert", "fast preempt",
	"higher priority advert", "lower priority advert", "advert accepted", "lower priority advert discarded",
	"preempt delay", "advert timer", "garp timer", "priority changed", "fault", "fault cleared",
	"shutdown", "packet dropped", "ignored", "reload", "sync group", "held by sync group",
}

func (r Reason) String() string {
	if int(r) < len(reasonNames) {
		return reasonNames[r]
	}
	return fmt.Sprintf("reason(%d)", uint8(r))
}

// Event is an input to Machine.Step.
type Event interface{ event() }

// Events.
type (
	// Start leaves INIT.
	Start struct{}
	// PacketReceived is a raw received message; Step validates it as keepalived does.
	PacketReceived struct{ Packet Packet }
	// AdvertReceived is an advert that has already been validated.
	AdvertReceived struct {
		Advert   Advert
		Src, Dst netip.Addr
	}
	// Timer: the deadline of the previous Result has been reached.
	Timer struct{}
	// PriorityChanged carries the new effective priority (clamped to 1..254;
	// ignored for an address owner, whose priority is frozen).
	PriorityChanged struct{ Priority int }
	// FaultSet and FaultCleared: the instance's aggregated fault condition.
	FaultSet     struct{}
	FaultCleared struct{}
	// Shutdown stops the instance: a master resigns with priority 0 and
	// releases its VIPs, unless KeepVIPs (keepalived -V,
	// --dont-release-vrrp).
	Shutdown struct{ KeepVIPs bool }
	// Reload applies a new configuration to a running instance that
	// keepalived would match to this one (same VRID, family, interface).
	// Build it with NewReload, which validates.
	Reload struct{ cfg Config }
	// ForceMaster: a sync group member went MASTER and takes this one
	// with it (keepalived's vrrp_sync_master). Only a BACKUP moves; it
	// becomes master as on its own timer if the Gate lets it (a
	// SyncGroup does while the group is MASTER).
	ForceMaster struct{}
	// ForceBackup: a sync group member left MASTER for BACKUP and takes
	// this one with it (vrrp_sync_backup). Only a MASTER moves: it
	// releases its VIPs, without a priority 0 advert, and waits for a
	// master with its down timer armed.
	ForceBackup struct{}
)

func (Start) event()           {}
func (PacketReceived) event()  {}
func (AdvertReceived) event()  {}
func (Timer) event()           {}
func (PriorityChanged) event() {}
func (FaultSet) event()        {}
func (FaultCleared) event()    {}
func (Shutdown) event()        {}
func (Reload) event()          {}
func (ForceMaster) event()     {}
func (ForceBackup) event()     {}

// Action is an output of Machine.Step, to be performed in order.
type Action interface{ action() }

// AnnounceReason says why GARP/NA rounds are sent.
type AnnounceReason uint8

// Announce reasons.
const (
	AnnounceBecameMaster       AnnounceReason = iota + 1 // first burst on becoming master
	AnnounceMasterDelay                                  // second burst after garp_master_delay
	AnnounceRefresh                                      // garp_master_refresh
	AnnounceLowerPriority                                // split brain healing: a worse master was heard
	AnnounceLowerPriorityDelay                           // second burst after garp_lower_prio_delay
	AnnounceReload                                       // a reload added addresses to a master
)

func (a AnnounceReason) String() string {
	switch a {
	case AnnounceBecameMaster:
		return "became master"
	case AnnounceMasterDelay:
		return "master delay"
	case AnnounceRefresh:
		return "refresh"
	case AnnounceLowerPriority:
		return "lower priority"
	case AnnounceLowerPriorityDelay:
		return "lower priority delay"
	case AnnounceReload:
		return "reload"
	}
	return fmt.Sprintf("announce(%d)", uint8(a))
}

// Actions.
type (
	// SendAdvert: send this advert to every destination (the group, or each
	// unicast peer in order). AHSeq is its IPsec-AH sequence number
	// (auth_type AH), the same for every destination. The action is a
	// *SendAdvert the machine owns (see Result).
	SendAdvert struct {
		Advert Advert
		AHSeq  uint32
	}
	// AddVIPs / RemoveVIPs: own or release the virtual addresses.
	AddVIPs    struct{}
	RemoveVIPs struct{}
	// Announce: send Rounds rounds of GARP/unsolicited NA for the VIPs.
	Announce struct {
		Rounds int
		Why    AnnounceReason
	}
	// Notify: a state transition (notify scripts, FIFO, log, status).
	Notify struct {
		From, To State
		Reason   Reason
		Priority uint8
	}
	// RxLowerPriority: a master received a lower-priority advert
	// (notify_master_rx_lower_pri, FIFO MASTER_RX_LOWER_PRI).
	RxLowerPriority struct {
		From     netip.Addr
		Priority uint8
	}
	// WantMaster: the down timer fired but the Gate held the instance in
	// BACKUP; the timer is re-armed (keepalived's vrrp_sync_can_goto_master).
	WantMaster struct{}
	// OldChecksumDetected: From's advert carried the pre-1.3.6 unicast
	// VRRPv3 checksum, which the instance sends from now on.
	OldChecksumDetected struct{ From netip.Addr }
	// RxDiscarded: a backup discarded From's advert of lower Priority
	// because it will preempt (keepalived logs each one).
	RxDiscarded struct {
		From     netip.Addr
		Priority uint8
	}
	// RxPriorityZero: From resigned (a priority 0 advert).
	RxPriorityZero struct{ From netip.Addr }
	// RxHigherPriority: a master yields to From's advert of Priority
	// (higher than ours, or equal from a higher address); the
	// transition to BACKUP follows.
	RxHigherPriority struct {
		From     netip.Addr
		Priority uint8
	}
)

func (*SendAdvert) action()         {}
func (AddVIPs) action()             {}
func (RemoveVIPs) action()          {}
func (Announce) action()            {}
func (Notify) action()              {}
func (RxLowerPriority) action()     {}
func (WantMaster) action()          {}
func (OldChecksumDetected) action() {}
func (RxDiscarded) action()         {}
func (RxPriorityZero) action()      {}
func (RxHigherPriority) action()    {}

// Result is the outcome of one Step. Its Actions (and the advert a
// *SendAdvert points to) belong to the machine and are valid until its
// next Step, which reuses them: a master's advert then costs no
// allocation, where a new slice and a boxed advert each time made 1000
// instances' garbage collector run every few seconds.
type Result struct {
	From, State State
	Reason      Reason
	Actions     []Action
	// Deadline is when Step must next be called with Timer; zero for none.
	Deadline time.Time
	// Drop is the *DropError of a rejected packet.
	Drop error
	// Verdict holds the notes about an accepted packet.
	Verdict Verdict
}

// Changed reports whether the step changed the state.
func (r Result) Changed() bool { return r.From != r.State }
