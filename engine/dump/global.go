package dump

import (
	"fmt"
	"io"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/goalived/goalived/config"
)

// dumpWriter keeps the first write error so that the formatters read as
// the list of lines they print.
type dumpWriter struct {
	w   io.Writer
	err error
}

func (d *dumpWriter) line(format string, args ...any) {
	if d.err != nil {
		return
	}
	_, d.err = fmt.Fprintf(d.w, format+"\n", args...)
}

// yesNo, trueFalse and enabled are keepalived's spellings of booleans.
func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func trueFalse(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func enabled(b bool) string {
	if b {
		return "enabled"
	}
	return "disabled"
}

// cmdString is keepalived's cmd_str: every word single-quoted.
func cmdString(argv []string) string {
	q := make([]string, len(argv))
	for i, a := range argv {
		q[i] = "'" + a + "'"
	}
	return strings.Join(q, " ")
}

// secs prints a whole-second timer as keepalived's "%u".
func secs(d time.Duration) int64 { return int64(d / time.Second) }

// dumpProcess is the keepalived process whose copy of the global
// definitions a dump shows: the VRRP child (keepalived.data) or the parent
// (keepalived_parent.data), which keeps some values as configured.
type dumpProcess int

const (
	vrrpChild dumpProcess = iota
	parentProcess
)

// unsetValue is how keepalived prints a lower-priority GARP value that
// was not configured: PARAMETER_UNSET as an unsigned int.
const unsetValue = 4294967295

// writeGlobal is the "Global definitions" block as keepalived 2.2.7
// writes it, in the parent's copy or the VRRP child's.
// Lines about subsystems goalived does not have (LVS, checkers, BFD,
// SNMP, DBus) keep keepalived's wording for "not in use", so tools
// diffing the files see the same shape.
func writeGlobal(d *dumpWriter, s *Snapshot, p dumpProcess) {
	g := &s.Config.Global
	d.line("------< Global definitions >------")
	d.line(" Network namespace = (default)")
	d.line(" Network namespace ipvs = (main namespace)")
	if g.Process.Name != "" {
		d.line(" Parent process name = %s", g.Process.Name)
	}
	if g.Process.VRRPName != "" {
		d.line(" VRRP process name = %s", g.Process.VRRPName)
	}
	d.line(" Router ID = %s", g.RouterID)
	writeEmail(d, g.Email)
	d.line(" Checkers log all failures = false")
	d.line(" No test config before reload")
	if g.DataUseInstance {
		d.line(" Use instance name in data dumps")
	}
	d.line(" Dynamic interfaces = %s", trueFalse(g.DynamicInterfaces))
	if g.DynamicInterfaces {
		d.line(" Allow interface changes = %s", trueFalse(g.AllowIfChanges))
	}
	if p == vrrpChild {
		// Only the VRRP process looks the interface up.
		d.line(" Default interface = %s", g.DefaultInterface)
	}
	d.line(" Disable local IGMP = %s", yesNo(g.DisableLocalIGMP))
	d.line(" LVS flush = false")
	d.line(" LVS flush on stop = disabled")
	writeFIFO(d, "Global notify fifo", s.NotifyFIFO, p)
	writeFIFO(d, "VRRP notify fifo", s.VRRPNotifyFIFO, p)
	d.line(" FIFO write vrrp states on reload = %s", trueFalse(g.FIFOWriteStatesOnReload))
	d.line(" VRRP notify priority changes = %s", trueFalse(g.NotifyPriorityChanges))
	d.line(" VRRP IPv4 mcast group = %s", g.McastGroup4)
	d.line(" VRRP IPv6 mcast group = %s", g.McastGroup6)
	writeGlobalGARP(d, g, p)
	d.line(" VRRP default protocol version = %d", g.Version)
	d.line(" VRRP check unicast_src = %s", trueFalse(g.CheckUnicastSrc))
	d.line(" VRRP skip check advert addresses = %s", trueFalse(g.SkipCheckAdvAddr))
	d.line(" VRRP strict mode = %s", trueFalse(g.Strict))
	writeProcess(d, g.Process)
	for _, snmp := range []string{"vrrp", "checker", "RFCv2", "RFCv3", "traps"} {
		d.line(" SNMP %s disabled", snmp)
	}
	d.line(" SNMP socket = default (unix:/var/agentx/master)")
	d.line(" DBus disabled")
	d.line(" DBus service name = ")
	d.line(" Script security %s", enabled(g.EnableScriptSecurity))
	d.line(" Default script uid:gid %d:%d", s.DefaultUID, s.DefaultGID)
	for _, b := range []struct {
		name  string
		size  int
		force bool
	}{
		{"vrrp_netlink_cmd", g.NetlinkCmdRcvBufs, g.NetlinkCmdRcvBufsForce},
		{"vrrp_netlink_monitor", g.NetlinkMonitorRcvBufs, g.NetlinkMonitorRcvBufsForce},
		{"process_monitor", g.ProcessMonitorRcvBufs, g.ProcessMonitorRcvBufsForce},
		{"lvs_netlink_cmd", 0, false}, {"lvs_netlink_monitor", 0, false},
	} {
		force := 0
		if b.force {
			force = 1
		}
		d.line(" %s_rcv_bufs = %d", b.name, b.size)
		d.line(" %s_rcv_bufs_force = %d", b.name, force)
	}
	d.line(" rs_init_notifies = 0")
	d.line(" no_checker_emails = 0")
	switch g.RxBufsPolicy {
	case config.RxBufsMTU, config.RxBufsAdvert:
		d.line(" rx_bufs_policy = %s", g.RxBufsPolicy)
	case config.RxBufsSize:
		d.line(" rx_bufs_size = %d", g.RxBufsBytes)
	}
	d.line(" rx_bufs_multiples = %d", g.RxMultiplier())
	d.line(" umask = 0%o", umaskOrDefault(s.Umask))
	if g.StartupDelay > 0 {
		d.line(" vrrp_startup_delay = %s", cFloat(g.StartupDelay.Seconds()))
	}
	if g.LogUnknownVRIDs {
		d.line(" log_unknown_vrids")
	}
	if g.VMACPrefix != "" {
		d.line(" VMAC prefix = %s", g.VMACPrefix)
	}
	if g.VMACAddrPrefix != "" {
		d.line(" VMAC address prefix = %s", g.VMACAddrPrefix)
	}
	if p == vrrpChild && s.RealtimePriority > 0 {
		// Only keepalived's VRRP process runs realtime.
		d.line(" current realtime priority = %d", s.RealtimePriority)
	}
	if p == vrrpChild && s.RealtimeLimit > 0 {
		d.line(" current realtime time limit = %d", s.RealtimeLimit)
	}
}

// defaultRlimitRTTime is keepalived's RLIMIT_RTTIME for realtime
// processes when vrrp_rlimit_rttime is not set, in microseconds.
const defaultRlimitRTTime = 10000

// writeProcess prints the scheduling settings of the VRRP process as
// configured, then the checker's and BFD's, which goalived does not have,
// at keepalived's defaults.
func writeProcess(d *dumpWriter, p config.Process) {
	if p.MaxAutoPriority == -1 {
		d.line(" Max auto priority = Disabled")
	} else {
		d.line(" Max auto priority = %d", p.MaxAutoPriority)
	}
	d.line(" Min auto priority delay = %d usecs", p.MinAutoPriorityDelay.Microseconds())
	d.line(" VRRP process priority = %d", p.Nice)
	d.line(" VRRP don't swap = %s", trueFalse(p.NoSwap))
	d.line(" VRRP realtime priority = %d", p.RealtimePriority)
	if len(p.CPUs) > 0 {
		d.line(" VRRP CPU Affinity = %s", cpuList(p.CPUs))
	}
	limit := p.RlimitRTTime
	if limit == 0 {
		limit = defaultRlimitRTTime
	}
	d.line(" VRRP realtime limit = %d", limit)
	for _, proc := range []string{"Checker", "BFD"} {
		d.line(" %s process priority = 0", proc)
		d.line(" %s don't swap = false", proc)
		d.line(" %s realtime priority = 0", proc)
		d.line(" %s realtime limit = %d", proc, defaultRlimitRTTime)
	}
}

// cpuList is keepalived 2.2.7's CPU list: each CPU in ascending order
// followed by a space, CPU 0 as an empty string (its integer_to_string
// writes no digit for 0; observed: "VRRP CPU Affinity =  " for CPU 0).
func cpuList(cpus []int) string {
	sorted := slices.Sorted(slices.Values(cpus))
	var b strings.Builder
	for _, c := range slices.Compact(sorted) {
		if c != 0 {
			b.WriteString(strconv.Itoa(c))
		}
		b.WriteString(" ")
	}
	return b.String()
}

// writeEmail prints the e-mail settings keepalived 2.2.7 shows: the
// server (its address and port), the HELO name, the timeout, the sender
// with the recipients, and the defaults of smtp_alert.
func writeEmail(d *dumpWriter, e config.Email) {
	if host, port, err := net.SplitHostPort(e.Server); err == nil {
		d.line(" Smtp server = %s", host)
		d.line(" Smtp server port = %s", port)
	}
	if e.HeloName != "" {
		d.line(" Smtp HELO name = %s", e.HeloName)
	}
	if e.ConnectTimeout > 0 {
		d.line(" Smtp server connection timeout = %d", secs(e.ConnectTimeout))
	}
	if e.From != "" {
		d.line(" Email notification from = %s", e.From)
		d.line(" Email notification to:")
		for _, to := range e.To {
			d.line("   %s", to)
		}
	}
	d.line(" Default smtp_alert = %s", onOffUnset(e.Alert))
	d.line(" Default smtp_alert_vrrp = %s", onOffUnset(e.AlertVRRP))
	d.line(" Default smtp_alert_checker = unset")
}

func onOffUnset(b *bool) string {
	switch {
	case b == nil:
		return "unset"
	case *b:
		return "on"
	}
	return "off"
}

// cFloat is C's "%g": six significant digits, trailing zeros dropped.
func cFloat(v float64) string {
	return strconv.FormatFloat(v, 'g', 6, 64)
}

// writeGlobalGARP prints the global GARP values. The parent shows the
// lower-priority delay and repeat as unset when they were not written;
// the VRRP child has resolved them to the master values.
func writeGlobalGARP(d *dumpWriter, g *config.GlobalDefs, p dumpProcess) {
	lowerDelay, lowerRepeat := secs(g.GARP.LowerPrioDelay), int64(g.GARP.LowerPrioRepeat)
	if p == parentProcess && !g.LowerPrioDelayWritten {
		lowerDelay = unsetValue
	}
	if p == parentProcess && !g.LowerPrioRepeatWritten {
		lowerRepeat = unsetValue
	}
	d.line(" Gratuitous ARP delay = %d", secs(g.GARP.MasterDelay))
	d.line(" Gratuitous ARP repeat = %d", g.GARP.MasterRepeat)
	d.line(" Gratuitous ARP refresh timer = %d", secs(g.GARP.MasterRefresh))
	d.line(" Gratuitous ARP refresh repeat = %d", g.GARP.MasterRefreshRepeat)
	d.line(" Gratuitous ARP lower priority delay = %d", lowerDelay)
	d.line(" Gratuitous ARP lower priority repeat = %d", lowerRepeat)
	d.line(" Num adverts before down = %d", g.DownTimerAdverts)
	d.line(" Gratuitous ARP for each secondary VMAC = 0s")
	d.line(" Send advert after receive lower priority advert = %s", trueFalse(!g.LowerPrioNoAdvert))
	d.line(" Send advert after receive higher priority advert = %s", trueFalse(g.HigherPrioSendAdvert))
	d.line(" Gratuitous ARP interval = %f", g.GARPInterval.Seconds())
	d.line(" Gratuitous NA interval = %f", g.GNAInterval.Seconds())
}

// writeFIFO prints a notify FIFO and its reader. The VRRP child shows the
// reader as it runs it: the program resolved and the FIFO path appended
// as its last argument; the parent shows the reader as configured.
func writeFIFO(d *dumpWriter, what string, f *FIFO, p dumpProcess) {
	if f == nil {
		return
	}
	d.line(" %s = %s, uid:gid %d:%d", what, f.Path, f.UID, f.GID)
	if f.Script == nil {
		return
	}
	argv := f.Script.Argv
	if p == vrrpChild {
		argv = append(append([]string(nil), f.Shown...), f.Path)
	}
	d.line(" %s script = %s, uid:gid %d:%d", what, cmdString(argv), f.Script.UID, f.Script.GID)
}

// keepalivedUmask is the umask keepalived runs with unless -u or the
// umask keyword says otherwise.
const keepalivedUmask = 0o177

// umaskOrDefault is u, or keepalived's default when it is not known.
func umaskOrDefault(u *uint32) uint32 {
	if u == nil {
		return keepalivedUmask
	}
	return *u
}
