package dump

import (
	"fmt"
	"io"
	"net"
	"time"

	"github.com/goalived/goalived/vrrp"
)

// WriteData writes keepalived.data as the VRRP process of keepalived
// 2.2.7 writes it on SIGUSR1: global definitions, topology,
// socket pool, sync groups, scripts and interfaces. Upstream calls the
// format unstable; goalived follows 2.2.7 line for line where it has the
// same facts and leaves out what it does not run (nftables, GARP delay
// groups, VMACs).
func WriteData(w io.Writer, s *Snapshot) error {
	d := &dumpWriter{w: w}
	ifcs := interfaces(s)
	writeGlobal(d, s, vrrpChild)
	writeGARPDelays(d, ifcs)
	writeStatic(d, s.Config)
	writeTopology(d, s)
	writeSockpool(d, s)
	writeSyncGroups(d, s)
	writeScripts(d, s)
	writeTrackFiles(d, s)
	writeTrackProcesses(d, s)
	writeInterfaces(d, ifcs)
	return d.err
}

func writeSockpool(d *dumpWriter, s *Snapshot) {
	d.line("------< VRRP Sockpool >------")
	for _, k := range s.Sockets {
		d.line(" fd_in %d fd_out = %d", k.FD, k.FD)
		d.line("   Interface = %s", k.Ifname)
		if k.Family == 6 {
			d.line("   Family = IPv6")
		} else {
			d.line("   Family = IPv4")
		}
		d.line("   Protocol = VRRP")
		if k.Unicast {
			d.line("   Type = Unicast")
		} else {
			d.line("   Type = Multicast")
		}
		if k.Addr.IsValid() {
			d.line("   Address = %s", k.Addr)
		}
		d.line("   Rx buf size = %d", k.RxBufSize)
		d.line("   VRRP instances")
		for _, v := range k.Instances {
			d.line("     %s vrid %d", v.Name, v.VRID)
		}
	}
}

// writeSyncGroups lists vrrp_sync_group blocks with the state their
// members add up to: FAULT if one is in fault, MASTER if all are master,
// else BACKUP (INIT before any member started), and the group's own
// trackers (keepalived 2.2.7 titles their processes "Tracked process").
func writeSyncGroups(d *dumpWriter, s *Snapshot) {
	if len(s.Config.SyncGroups) == 0 {
		return
	}
	d.line("------< VRRP Sync groups >------")
	for _, g := range s.Config.SyncGroups {
		st, faults, inits := groupState(s, g.Members)
		if known, ok := s.GroupStates[g.Name]; ok {
			st = known
		}
		d.line(" VRRP Sync Group = %s, %s", g.Name, stateName(st))
		d.line("   Num member fault %d, num member init %d", faults, inits)
		d.line("   VRRP member instances :")
		for _, m := range g.Members {
			d.line("     %s", m)
		}
		if g.TrackingWeight {
			d.line("   sync group tracking weight set")
		}
		d.line("   Using smtp notification = %s", yesNo(g.SMTPAlert))
		if g.NotifyPriorityChangesWritten {
			d.line("   Notify priority changes = %s", yesNo(g.NotifyPriorityChanges))
		}
		writeTrackLists(d, g.TrackInterfaces, g.TrackScripts, g.TrackFiles, g.TrackProcesses, "Tracked process")
		for _, n := range s.GroupNotify[g.Name] {
			d.line("   %s state transition script = %s, uid:gid %d:%d", n.Kind, cmdString(n.Argv), n.UID, n.GID)
		}
	}
}

func groupState(s *Snapshot, members []string) (st vrrp.State, faults, inits int) {
	masters, found := 0, 0
	for i := range s.Instances {
		in := &s.Instances[i]
		for _, m := range members {
			if in.Cfg.Name != m {
				continue
			}
			found++
			switch in.State {
			case vrrp.StateFault:
				faults++
			case vrrp.StateInit:
				inits++
			case vrrp.StateMaster:
				masters++
			}
		}
	}
	switch {
	case faults > 0:
		return vrrp.StateFault, faults, inits
	case found > 0 && masters == found:
		return vrrp.StateMaster, faults, inits
	case inits == found:
		return vrrp.StateInit, faults, inits
	}
	return vrrp.StateBackup, faults, inits
}

// writeScripts lists the vrrp_scripts in use with keepalived's rise/fall
// counter: rise+fall-1 when good, 0 when failed, and the initial value
// (rise-1, or 0 with init_fail) before the first result.
func writeScripts(d *dumpWriter, s *Snapshot) {
	if len(s.Scripts) == 0 {
		return
	}
	d.line("------< VRRP Scripts >------")
	for _, sc := range s.Scripts {
		c := sc.Cfg
		d.line(" VRRP Script = %s", c.Name)
		d.line("   Command = %s", cmdString(sc.Argv))
		d.line("   Interval = %d sec", secs(c.Interval))
		// keepalived shows an unset timeout as 0; the script runs with
		// the interval as its timeout all the same.
		timeout := c.Timeout
		if !c.TimeoutWritten {
			timeout = 0
		}
		d.line("   Timeout = %d sec", secs(timeout))
		d.line("   Weight = %d%s", c.Weight, reverse(c.Reverse))
		d.line("   Rise = %d", c.Rise)
		d.line("   Fall = %d", c.Fall)
		result, initState, status, state := scriptStatus(sc)
		d.line("   Result = %d", result)
		d.line("   Insecure = no")
		d.line("   Init state = %s", initState)
		d.line("   Status = %s", status)
		d.line("   Script uid:gid = %d:%d", sc.UID, sc.GID)
		d.line("   VRRP instances :")
		d.line("   Tracking instances :")
		for _, t := range sc.Tracking {
			d.line("     %s, weight %d%s", t.Name, t.Weight, reverse(t.Reverse))
		}
		d.line("   State = %s", state)
	}
}

func scriptStatus(sc Script) (result int, initState, status, state string) {
	c := sc.Cfg
	switch sc.State {
	case ScriptGood:
		return c.Rise + c.Fall - 1, "unknown", "GOOD", "idle"
	case ScriptBad:
		return 0, "unknown", "BAD", "idle"
	}
	if c.InitFail {
		return 0, "INIT/FAILED", "BAD", "running"
	}
	result = c.Rise - 1
	status = "BAD"
	if result >= c.Rise {
		status = "GOOD"
	}
	return result, "INIT", status, "running"
}

func writeInterfaces(d *dumpWriter, ifcs []iface) {
	d.line("------< Interfaces >------")
	for _, ifc := range ifcs {
		d.line(" Name = %s", ifc.Name)
		d.line("   index = %d", ifc.Index)
		d.line("   IPv4 address = %s", addrOrNone(ifc.IPv4))
		d.line("   IPv6 address = %s", addrOrNone(ifc.IPv6))
		if ifc.HWType == "ETHERNET" {
			d.line("   MAC = %s", ifc.MAC)
			d.line("   MAC broadcast = %s", ifc.BcastMAC)
		}
		d.line("   State = %s", linkFlags(ifc.Flags))
		d.line("   Seen up = %d", b2i(ifc.Flags&net.FlagUp != 0))
		d.line("   Delayed state change running = false")
		d.line("   Up debounce timer = 0us")
		d.line("   Down debounce timer = 0us")
		d.line("   MTU = %d", ifc.MTU)
		d.line("   HW Type = %s", ifc.HWType)
		d.line("   NIC netlink status update")
		if ifc.GARPInterval > 0 {
			d.line("   Gratuitous ARP interval %dms", ifc.GARPInterval.Milliseconds())
		}
		if ifc.GNAInterval > 0 {
			d.line("   Gratuitous NA interval %dms", ifc.GNAInterval.Milliseconds())
		}
		d.line("   Reset ARP config counter 0")
		d.line("   Original arp_ignore 0")
		d.line("   Original arp_filter 0")
		d.line("   Original promote_secondaries 0")
		d.line("   Reset promote_secondaries counter 0")
		if fw := ifc.Forwarding; fw != nil {
			not := "Not "
			if fw.Forwarding {
				not = ""
			}
			d.line("   %sIPv6 forwarding. Last checked %d.%06d (%s.%06d)", not, fw.Checked.Unix(), fw.Checked.Nanosecond()/1000,
				fw.Checked.Format("Mon Jan _2 15:04:05 2006"), fw.Checked.Nanosecond()/1000)
		}
		if len(ifc.Tracking) > 0 {
			d.line("   Tracking VRRP instances :")
			for _, t := range ifc.Tracking {
				d.line("     %s, weight %d%s", t.Name, t.Weight, reverse(t.Reverse))
			}
		}
	}
}

// linkFlags is keepalived's interface state word list.
func linkFlags(f net.Flags) string {
	out := "not UP"
	if f&net.FlagUp != 0 {
		out = "UP"
	}
	if f&net.FlagRunning != 0 {
		out += ", RUNNING"
	} else {
		out += ", not RUNNING"
	}
	if f&net.FlagBroadcast == 0 {
		out += ", no broadcast"
	}
	if f&net.FlagLoopback != 0 {
		out += ", loopback"
	}
	if f&net.FlagMulticast == 0 {
		out += ", no multicast"
	}
	return out
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// writeGARPDelays lists the interfaces whose gratuitous ARPs / NAs are
// paced (vrrp_garp_interval, vrrp_gna_interval), one delay group each,
// with when the next one may go: the master's announcement time plus the
// interval, or the epoch before any (keepalived 2.2.7 numbers every group
// 0, as observed).
func writeGARPDelays(d *dumpWriter, ifcs []iface) {
	first := true
	for _, ifc := range ifcs {
		if ifc.GARPInterval == 0 && ifc.GNAInterval == 0 {
			continue
		}
		if first {
			d.line("------< Gratuitous ARP delays >------")
			first = false
		}
		d.line("------< GARP delay group 0 >------")
		if ifc.GARPInterval > 0 {
			d.line(" GARP interval = %g", ifc.GARPInterval.Seconds())
			d.line(" GARP next time %s", delayTime(ifc.AnnouncedAt, ifc.GARPInterval))
		}
		if ifc.GNAInterval > 0 {
			d.line(" GNA interval = %g", ifc.GNAInterval.Seconds())
			d.line(" GNA next time %s", delayTime(ifc.AnnouncedAt, ifc.GNAInterval))
		}
		d.line(" Interfaces")
		d.line("  %s", ifc.Name)
	}
}

// delayTime is "SEC.USEC (Www Mmm dd hh:mm:ss.USEC)", the epoch when
// nothing was announced.
func delayTime(at time.Time, interval time.Duration) string {
	t := time.Unix(0, 0).UTC()
	if !at.IsZero() {
		t = at.Add(interval)
	}
	return fmt.Sprintf("%d.%06d (%s.%06d)", t.Unix(), t.Nanosecond()/1000, t.Format("Mon Jan _2 15:04:05"), t.Nanosecond()/1000)
}
