package dump

import (
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/vrrp"
)

// stateName is keepalived's get_state_str.
func stateName(s vrrp.State) string {
	if s == vrrp.StateStopped {
		return "STOP"
	}
	return s.String()
}

// wantState is keepalived's wantstate: where the instance is heading. A
// running instance wants the state it is in, one held in FAULT by a
// tracker wants FAULT; one waiting for its first script results or not
// running wants its configured initial state (observed on 2.2.7).
func wantState(in *Instance) vrrp.State {
	switch {
	case in.State == vrrp.StateMaster, in.State == vrrp.StateBackup:
		return in.State
	case in.State == vrrp.StateFault && in.Faults > 0:
		return vrrp.StateFault
	}
	if in.Cfg.State == config.StateMaster {
		return vrrp.StateMaster
	}
	return vrrp.StateBackup
}

// dumpTime is keepalived's "SEC.USEC (Www Mmm dd hh:mm:ss.USEC yyyy)" in
// local time.
func dumpTime(t time.Time) string {
	return fmt.Sprintf("%d.%06d (%s.%06d %s)", t.Unix(), t.Nanosecond()/1000,
		t.Format("Mon Jan _2 15:04:05"), t.Nanosecond()/1000, t.Format("2006"))
}

// MasterDown is keepalived's ms_down_timer: down_timer_adverts * advert
// interval + skew, the skew being (256-prio)/256 s in VRRPv2 and
// (256-prio)*interval/256 in VRRPv3.
func (in *Instance) MasterDown() time.Duration {
	c := in.Cfg
	skew := time.Duration(256-in.Priority) * time.Second / 256
	if c.Version == 3 {
		skew = time.Duration(256-in.Priority) * c.AdvertInt / 256
	}
	return time.Duration(c.DownTimerAdverts)*c.AdvertInt + skew
}

// writeTopology is the "VRRP Topology" block: one entry per instance.
func writeTopology(d *dumpWriter, s *Snapshot) {
	d.line("------< VRRP Topology >------")
	for i := range s.Instances {
		writeInstance(d, s, &s.Instances[i])
	}
}

func writeInstance(d *dumpWriter, s *Snapshot, in *Instance) {
	c := in.Cfg
	d.line(" VRRP Instance = %s", c.Name)
	d.line("   VRRP Version = %d", c.Version)
	if c.SyncGroup != "" {
		d.line("   Sync group = %s", c.SyncGroup)
	}
	if c.Family == config.IPv6 {
		d.line("   Using Native IPv6")
	}
	d.line("   State = %s", stateName(in.State))
	if in.State == vrrp.StateBackup {
		d.line("   Master router = %s", addrOrNone(in.MasterAddr))
		d.line("   Master priority = %d", in.MasterPrio)
		if c.Version == 3 {
			d.line("   Master advert int = %.2f sec", c.AdvertInt.Seconds())
		}
	}
	writeFlags(d, c)
	d.line("   Wantstate = %s", stateName(wantState(in)))
	d.line("   Number of config faults = 0")
	d.line("   Number of interface and track script faults = %d", in.Faults)
	d.line("   Number of track scripts init = %d", in.ScriptsInit)
	d.line("   Last transition = %s", dumpTime(in.Since))
	if in.ReadTimeout.IsZero() {
		d.line("   Read timeout = DISABLED")
	} else {
		d.line("   Read timeout = %s", dumpTime(in.ReadTimeout))
	}
	d.line("   Master down timer = %d usecs", in.MasterDown().Microseconds())
	d.line("   Interface = %s", c.Interface)
	writeInstanceAddressing(d, in)
	writeInstanceTimers(d, in)
	writeInstanceAddrs(d, s, in)
	writeTrackLists(d, c.TrackInterfaces(), c.TrackScripts(), c.TrackFiles(), c.TrackProcesses(), "Tracked processes")
	d.line("   Using smtp notification = %s", yesNo(c.SMTPAlert))
	if c.Notify().Deleted {
		d.line("   Notify deleted = Deleted")
	} else {
		d.line("   Notify deleted = Fault")
	}
	for _, n := range in.Notify {
		d.line("   %s state transition script = %s, uid:gid %d:%d", n.Kind, cmdString(n.Argv), n.UID, n.GID)
	}
	d.line("   Notify priority changes = %s", trueFalse(c.NotifyPriorityChanges))
}

// writeFlags prints keepalived's flag word: "none" when no flag bit is
// set, otherwise the bits that have a description (2.2.7 only describes
// unicast; the others leave an empty "Flags:" line, as observed).
func writeFlags(d *dumpWriter, c *config.Instance) {
	if !c.Unicast() && !c.DontTrackPrimary && !c.SkipCheckAdvAddr && !c.Nopreempt && !c.PromoteSecondaries &&
		!c.Strict && !c.UnicastSrcIP().IsValid() && !c.McastSrcIP().IsValid() && !c.NoVIPs && !c.UnicastFaultNoPeer() {
		d.line("   Flags: none")
		return
	}
	d.line("   Flags:")
	if c.Unicast() {
		d.line("     Using unicast")
	}
}

func writeInstanceAddressing(d *dumpWriter, in *Instance) {
	c := in.Cfg
	if c.DontTrackPrimary {
		d.line("   VRRP interface tracking disabled")
	}
	if c.SkipCheckAdvAddr {
		d.line("   Skip checking advert IP addresses")
	}
	if c.Strict {
		d.line("   Enforcing strict VRRP compliance")
	}
	fromCfg := ""
	if c.UnicastSrcIP().IsValid() || c.McastSrcIP().IsValid() {
		fromCfg = " (from configuration)"
	}
	d.line("   Using src_ip = %s%s", addrOrNone(in.Source), fromCfg)
	if c.Unicast() {
		return
	}
	if c.McastDstIP.Is6() {
		d.line("   Multicast address %s, ifindex %d", c.McastDstIP, in.IfIndex)
	} else {
		d.line("   Multicast address %s", c.McastDstIP)
	}
}

func writeInstanceTimers(d *dumpWriter, in *Instance) {
	c := in.Cfg
	d.line("   Gratuitous ARP delay = %d", secs(c.GARP.MasterDelay))
	d.line("   Gratuitous ARP repeat = %d", c.GARP.MasterRepeat)
	d.line("   Gratuitous ARP refresh = %d", secs(c.GARP.MasterRefresh))
	d.line("   Gratuitous ARP refresh repeat = %d", c.GARP.MasterRefreshRepeat)
	d.line("   Gratuitous ARP lower priority delay = %d", secs(c.GARP.LowerPrioDelay))
	d.line("   Gratuitous ARP lower priority repeat = %d", c.GARP.LowerPrioRepeat)
	d.line("   Down timer adverts = %d", c.DownTimerAdverts)
	d.line("   Send advert after receive lower priority advert = %s", trueFalse(!c.LowerPrioNoAdvert))
	d.line("   Send advert after receive higher priority advert = %s", trueFalse(c.HigherPrioSendAdvert))
	d.line("   Virtual Router ID = %d", c.VRID)
	d.line("   Priority = %d", c.Priority)
	d.line("   Effective priority = %d", in.Priority)
	d.line("   Total priority = %d", in.Total)
	d.line("   Advert interval = %s", advertInterval(c.Version, c.AdvertInt))
	if in.State == vrrp.StateBackup && c.Version == 3 {
		d.line("   Master advert interval = %d milli-sec", c.AdvertInt.Milliseconds())
	}
	d.line("   Accept = %s", enabled(c.Accept))
	d.line("   Preempt = %s", enabled(!c.Nopreempt))
	if c.PreemptDelay > 0 {
		d.line("   Preempt delay = %g secs", c.PreemptDelay.Seconds())
	}
	d.line("   Promote_secondaries = %s", enabled(c.PromoteSecondaries))
	if a := c.Auth; a != nil && c.Version == 2 {
		if a.Type == "AH" {
			d.line("   Authentication type = IPSEC_AH")
		} else {
			d.line("   Authentication type = SIMPLE_PASSWORD")
			d.line("   Password = %s", a.Pass)
		}
	} else if c.Version == 2 {
		d.line("   Authentication type = none")
	}
	if c.KernelRxBufSize() > 0 {
		d.line("   Kernel rx buffer size = %d", c.KernelRxBufSize())
	}
	if c.Debug() > 0 {
		d.line("   Debug level = %d", c.Debug())
	}
}

func advertInterval(version int, d time.Duration) string {
	if version == 2 {
		return fmt.Sprintf("%d sec", secs(d))
	}
	return fmt.Sprintf("%d milli-sec", d.Milliseconds())
}

func writeInstanceAddrs(d *dumpWriter, s *Snapshot, in *Instance) {
	c := in.Cfg
	set := in.State == vrrp.StateMaster
	if len(c.VIPs) > 0 {
		d.line("   Virtual IP (%d):", len(c.VIPs))
		for _, v := range c.VIPs {
			d.line("     %s", formatVIP(v, c.Interface, set))
		}
	}
	if len(c.ExcludedVIPs()) > 0 {
		d.line("   Virtual IP Excluded :")
		for _, v := range c.ExcludedVIPs() {
			d.line("     %s", formatVIP(v, c.Interface, set))
		}
	}
	writeUnicast(d, in)
	if in.Socket >= 0 && in.Socket < len(s.Sockets) {
		fd := s.Sockets[in.Socket].FD
		d.line("   fd_in %d, fd_out %d", fd, fd)
	} else {
		d.line("   No sockets allocated")
	}
	writeRouting(d, "   Virtual Routes :", "   Virtual Rules :", c.Routes(), c.Rules(), false)
}

func writeUnicast(d *dumpWriter, in *Instance) {
	c := in.Cfg
	if !c.Unicast() {
		return
	}
	ttl := c.UnicastTTL
	if ttl < 0 {
		ttl = 255
	}
	d.line("   Unicast TTL = %d", ttl)
	d.line("   Check unicast src : %s", yesNo(c.CheckUnicastSrc))
	d.line("   Unicast Peer :")
	for _, p := range c.UnicastPeers() {
		d.line("     %s min_ttl %d max_ttl %d", p.Addr, p.MinTTL, p.MaxTTL)
	}
	d.line("   Unicast checksum compatibility = %s", checksumCompat(in.Checksum))
}

// checksumCompat is keepalived's name of the mode (vrrp_print_data).
func checksumCompat(v vrrp.UnicastChecksum) string {
	switch v {
	case vrrp.UnicastChecksumNever:
		return "never"
	case vrrp.UnicastChecksumOld:
		return "config"
	case vrrp.UnicastChecksumDetected:
		return "auto"
	}
	return "no"
}

// writeTrackLists prints an instance's or a sync group's trackers.
// keepalived writes "NAME weight W" for interfaces and scripts but
// "NAME, weight W" for files and processes.
func writeTrackLists(d *dumpWriter, ifaces, scripts, files, procs []config.Track, procTitle string) {
	lists := []struct {
		title, sep string
		items      []config.Track
	}{
		{"Tracked interfaces", "", ifaces},
		{"Tracked scripts", "", scripts},
		{"Tracked files", ",", files},
		{procTitle, ",", procs},
	}
	for _, l := range lists {
		if len(l.items) == 0 {
			continue
		}
		d.line("   %s :", l.title)
		for _, t := range l.items {
			d.line("     %s%s weight %d%s", t.Name, l.sep, t.Weight, reverse(t.Reverse))
		}
	}
}

func reverse(r bool) string {
	if r {
		return " reverse"
	}
	return ""
}

// formatVIP is keepalived's format_ipaddress: the prefix length only when
// it is not the full length, then brd, dev, scope (IPv4 and IPv6 alike),
// label, the flags, IPv6 preferred_lft, and "set" while the address is
// installed.
func formatVIP(v config.VIP, defDev string, set bool) string {
	var b strings.Builder
	a := v.Prefix.Addr()
	b.WriteString(a.String())
	if v.Prefix.Bits() != a.BitLen() {
		fmt.Fprintf(&b, "/%d", v.Prefix.Bits())
	}
	if v.Broadcast().IsValid() {
		fmt.Fprintf(&b, " brd %s", v.Broadcast())
	}
	dev := v.Dev
	if dev == "" {
		dev = defDev
	}
	scope := v.Scope()
	if scope == "" {
		scope = "global"
	}
	fmt.Fprintf(&b, " dev %s scope %s", dev, scope)
	if v.Label() != "" {
		fmt.Fprintf(&b, " label %s", v.Label())
	}
	writeVIPFlags(&b, v)
	if a.Is6() {
		switch v.PreferredLft {
		case config.LifetimeForever:
			b.WriteString(" preferred_lft forever")
		case 0:
			b.WriteString(" deprecated")
		default:
			fmt.Fprintf(&b, " preferred_lft %d", v.PreferredLft)
		}
	}
	if set {
		b.WriteString(" set")
	}
	return b.String()
}

// writeVIPFlags adds the address flags keepalived 2.2.7 prints after the
// label (observed): home, -nodad (an IPv6 address with DAD asked for),
// mngtmpaddr, noprefixroute, autojoin, no_track and track_group.
func writeVIPFlags(b *strings.Builder, v config.VIP) {
	for _, f := range []struct {
		on   bool
		word string
	}{
		{v.Home(), "home"}, {v.Prefix.Addr().Is6() && !v.NoDAD, "-nodad"}, {v.MngTmpAddr(), "mngtmpaddr"},
		{v.NoPrefixRoute(), "noprefixroute"}, {v.AutoJoin(), "autojoin"}, {v.NoTrack, "no_track"},
	} {
		if f.on {
			b.WriteString(" " + f.word)
		}
	}
	if v.TrackGroup() != "" {
		fmt.Fprintf(b, " track_group %s", v.TrackGroup())
	}
}

func addrOrNone(a netip.Addr) string {
	if !a.IsValid() {
		return "(none)"
	}
	return a.String()
}
