package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/goalived/goalived/engine/kalog"
	"github.com/goalived/goalived/vrrp"
)

// The lines keepalived 2.2.7's VRRP child writes about an instance's
// states and the adverts it hears, written as it words them (the
// message) with goalived's facts as attributes for the text and JSON
// formats.

// logTransition writes a state change as keepalived does: "Receive
// advertisement timeout" (-D) before a master taken by the down timer,
// "Entering X STATE" ("(init)" when leaving INIT), then the resignation
// ("sent 0 priority") and "setting VIPs." / "removing VIPs." (-D). A
// stop writes only the resignation of a master.
func (r reporter) logTransition(log *slog.Logger, rep vrrp.Report) {
	name := rep.Instance
	attrs := []any{"from", rep.From.String(), "to", rep.To.String(), "reason", rep.Reason.String(), "priority", rep.Priority}
	detail := func(format string) { log.Log(context.Background(), kalog.LevelDetail, fmt.Sprintf(format, name)) }
	entering := func(state string) {
		line := fmt.Sprintf("(%s) Entering %s STATE", name, state)
		if rep.From == vrrp.StateInit {
			line += " (init)"
		}
		log.Info(line, attrs...)
	}
	resigned := rep.From == vrrp.StateMaster
	switch rep.To {
	case vrrp.StateMaster:
		switch rep.Reason {
		case vrrp.ReasonMasterDown, vrrp.ReasonPriorityZero, vrrp.ReasonFastPreempt:
			detail("(%s) Receive advertisement timeout")
		}
		log.Info(fmt.Sprintf("(%s) Entering MASTER STATE", name), attrs...)
		detail("(%s) setting VIPs.")
		return
	case vrrp.StateBackup:
		entering("BACKUP")
		resigned = false // a master yielding sends no priority 0
	case vrrp.StateFault:
		entering("FAULT")
	case vrrp.StateStopped:
		resigned = resigned && !r.e.opts.KeepVIPsOnStop
	}
	if resigned {
		detail("(%s) sent 0 priority")
	}
	if rep.From == vrrp.StateMaster && (resigned || rep.To == vrrp.StateBackup) {
		detail("(%s) removing VIPs.")
	}
}

// Kinds of per-packet lines, each with its own budget (see lineLimiter).
const (
	kindDiscarded    = "lower priority adverts discarded"
	kindLowerAsked   = "lower priority adverts received as master"
	kindPriorityZero = "priority 0 adverts"
	kindOtherVIPs    = "adverts listing other addresses"
	kindOutputErrors = "output errors"
)

// logPacket writes the lines of an instance's other reports, most of
// them caused by single packets and so subject to the instance's line
// budget.
func (r reporter) logPacket(log *slog.Logger, rep vrrp.Report) {
	name := rep.Instance
	lines := r.in.status.lines(r.e, name)
	info := func(kind, msg string, args ...any) {
		if lines.allow(kind, rep.Peer) {
			log.Info(msg, args...)
		}
	}
	switch rep.Kind {
	case vrrp.ReportRxHigherPriority:
		ours := r.in.vi.Priority()
		if rep.PeerPriority == ours {
			log.Info(fmt.Sprintf("(%s) Master received advert from %v with same priority %d but higher IP address than ours",
				name, rep.Peer, rep.PeerPriority), "peer", rep.Peer, "peer_priority", rep.PeerPriority)
			return
		}
		log.Info(fmt.Sprintf("(%s) Master received advert from %v with higher priority %d, ours %d", name, rep.Peer, rep.PeerPriority, ours),
			"peer", rep.Peer, "peer_priority", rep.PeerPriority, "priority", ours)
	case vrrp.ReportRxLowerPriority:
		suffix := ", forcing new election"
		if r.in.conf().LowerPrioNoAdvert {
			suffix = ""
		}
		ours := r.in.vi.Priority()
		info(kindLowerAsked, fmt.Sprintf("(%s) Received advert from %v with lower priority %d, ours %d%s", name, rep.Peer, rep.Priority, ours, suffix),
			"peer", rep.Peer, "peer_priority", rep.Priority, "priority", ours)
	case vrrp.ReportRxDiscarded:
		info(kindDiscarded, fmt.Sprintf("(%s) received lower priority (%d) advert from %v - discarding", name, rep.PeerPriority, rep.Peer),
			"peer", rep.Peer, "peer_priority", rep.PeerPriority)
	case vrrp.ReportRxPriorityZero:
		line := fmt.Sprintf("(%s) Backup received priority 0 advertisement", name)
		if rep.From == vrrp.StateMaster {
			line = fmt.Sprintf("(%s) Master received priority 0 message", name)
		}
		if lines.allow(kindPriorityZero, rep.Peer) {
			log.Log(context.Background(), kalog.LevelDetail, line, "peer", rep.Peer)
		}
	case vrrp.ReportAddrMismatch:
		// keepalived 2.2.7 drops such an advert ("received an unexpected
		// ip number count"); goalived accepts it (README).
		info(kindOtherVIPs, fmt.Sprintf("(%s) advert from %v lists other ip addresses than ours - accepting", name, rep.Peer),
			"peer", rep.Peer)
	case vrrp.ReportDrop:
		info("dropped adverts ("+vrrp.ReasonOf(rep.Err).String()+")", dropLine(name, rep), "peer", rep.Peer, "err", rep.Err)
	case vrrp.ReportOldChecksum:
		log.Info(fmt.Sprintf("(%s) Setting unicast VRRPv3 checksum to old version", name), "peer", rep.Peer)
	case vrrp.ReportError:
		var se *vrrp.SendError
		if errors.As(rep.Err, &se) {
			if line, ok := sendErrorLine(name, se); ok {
				if line != "" {
					info(kindOutputErrors, line, "peer", se.Dst, "err", se.Err)
				}
				return
			}
		}
		if lines.allow(kindOutputErrors, rep.Peer) {
			log.Error(fmt.Sprintf("(%s) %v", name, rep.Err))
		}
	case vrrp.ReportWantMaster:
		// The down timer fired; the sync group holds the instance back.
		log.Log(context.Background(), kalog.LevelDetail, fmt.Sprintf("(%s) Receive advertisement timeout", name))
	}
}

// dropLine is keepalived's line for a dropped advert, or one in its
// style for goalived's own checks.
func dropLine(name string, rep vrrp.Report) string {
	var d *vrrp.DropError
	if errors.As(rep.Err, &d) && d.Keepalived != "" {
		return fmt.Sprintf("(%s) %s", name, d.Keepalived)
	}
	return fmt.Sprintf("(%s) dropping advert from %v: %v", name, rep.Peer, rep.Err)
}
