package dump

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/vrrp"
)

// jsonState is keepalived's numeric state in keepalived.json: 0 INIT, 1 BACKUP, 2 MASTER, 3 FAULT, 98 STOP. (97, DELETED, is
// only seen during a reload, which goalived does not dump.)
func jsonState(s vrrp.State) int {
	switch s {
	case vrrp.StateBackup:
		return 1
	case vrrp.StateMaster:
		return 2
	case vrrp.StateFault:
		return 3
	case vrrp.StateStopped:
		return 98
	}
	return 0
}

// jsonWriter reproduces keepalived's json_writer: no whitespace, fields
// in call order, and its string escaping (see jsonString).
type jsonWriter struct {
	b   strings.Builder
	sep bool // a value was written at this level: the next needs a comma
}

func (j *jsonWriter) comma() {
	if j.sep {
		j.b.WriteByte(',')
	}
	j.sep = true
}

func (j *jsonWriter) open(c byte) {
	j.comma()
	j.b.WriteByte(c)
	j.sep = false
}

func (j *jsonWriter) close(c byte) {
	j.b.WriteByte(c)
	j.sep = true
}

func (j *jsonWriter) name(n string) {
	j.comma()
	j.b.WriteString(jsonString(n))
	j.b.WriteByte(':')
	j.sep = false
}

func (j *jsonWriter) raw(name, v string) {
	j.name(name)
	j.comma()
	j.b.WriteString(v)
}

func (j *jsonWriter) str(name, v string) { j.raw(name, jsonString(v)) }
func (j *jsonWriter) uint(name string, v uint64) {
	j.raw(name, strconv.FormatUint(v, 10))
}
func (j *jsonWriter) int(name string, v int)   { j.raw(name, strconv.Itoa(v)) }
func (j *jsonWriter) bool(name string, v bool) { j.raw(name, strconv.FormatBool(v)) }
func (j *jsonWriter) flag(name string, v bool) { j.raw(name, strconv.Itoa(b2i(v))) }
func (j *jsonWriter) float(name string, v float64) {
	// C's "%g": six significant digits, trailing zeros dropped.
	j.raw(name, strconv.FormatFloat(v, 'g', 6, 64))
}

func (j *jsonWriter) strings(name string, vs []string) {
	if len(vs) == 0 {
		return // keepalived leaves empty lists out
	}
	j.name(name)
	j.open('[')
	for _, v := range vs {
		j.comma()
		j.b.WriteString(jsonString(v))
	}
	j.close(']')
}

// jsonString escapes as keepalived's jsonw_puts: \t \n \r \f \b, quote and
// "/" (as "\/"); other bytes, including other control characters and
// UTF-8, are copied. keepalived 2.2.7 writes a backslash as "\n" (a bug in
// its writer); goalived writes a correct "\\" instead, since readers of the
// file want the real string and the difference only shows in commands
// that contain a backslash.
func jsonString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\t':
			b.WriteString(`\t`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\f':
			b.WriteString(`\f`)
		case '\b':
			b.WriteString(`\b`)
		case '\\':
			b.WriteString(`\\`)
		case '"':
			b.WriteString(`\"`)
		case '/':
			b.WriteString(`\/`)
		default:
			if c < 0x20 {
				fmt.Fprintf(&b, `\u%04x`, c)
				continue
			}
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// WriteJSON writes keepalived.json (the JSON signal) as keepalived 2.2.7
// does, json_version 1: one line, an array of
// {"data":{...},"stats":{...}}, and a newline.
func WriteJSON(w io.Writer, s *Snapshot) error {
	j := &jsonWriter{}
	j.open('[')
	for i := range s.Instances {
		in := &s.Instances[i]
		j.open('{')
		j.name("data")
		jsonData(j, s, in)
		j.name("stats")
		jsonStats(j, &in.Stats)
		j.close('}')
	}
	j.close(']')
	j.b.WriteByte('\n')
	_, err := io.WriteString(w, j.b.String())
	return err
}

func jsonData(j *jsonWriter, s *Snapshot, in *Instance) {
	c := in.Cfg
	j.open('{')
	j.str("iname", c.Name)
	j.flag("dont_track_primary", c.DontTrackPrimary)
	j.flag("skip_check_adv_addr", c.SkipCheckAdvAddr)
	j.flag("strict_mode", c.Strict)
	j.str("vmac_ifname", "")
	j.str("ifp_ifname", c.Interface)
	masterPrio := 0
	if in.State == vrrp.StateBackup {
		masterPrio = in.MasterPrio
	}
	j.int("master_priority", masterPrio)
	j.raw("last_transition", fmt.Sprintf("%d.%06d", in.Since.Unix(), in.Since.Nanosecond()/1000))
	j.float("garp_delay", c.GARP.MasterDelay.Seconds())
	j.int("garp_refresh", int(secs(c.GARP.MasterRefresh)))
	j.int("garp_rep", c.GARP.MasterRepeat)
	j.int("garp_refresh_rep", c.GARP.MasterRefreshRepeat)
	j.int("garp_lower_prio_delay", int(secs(c.GARP.LowerPrioDelay)))
	j.int("garp_lower_prio_rep", c.GARP.LowerPrioRepeat)
	j.flag("lower_prio_no_advert", c.LowerPrioNoAdvert)
	j.flag("higher_prio_send_advert", c.HigherPrioSendAdvert)
	jsonDataRest(j, s, in)
	j.close('}')
}

// jsonDataRest is the second half of the data object: priorities,
// timers, state, scripts, lists and authentication.
func jsonDataRest(j *jsonWriter, s *Snapshot, in *Instance) {
	c := in.Cfg
	j.int("vrid", c.VRID)
	j.int("base_priority", c.Priority)
	j.int("effective_priority", in.Priority)
	j.bool("vipset", in.State == vrrp.StateMaster)
	j.bool("promote_secondaries", c.PromoteSecondaries)
	j.float("adver_int", c.AdvertInt.Seconds())
	j.float("master_adver_int", c.AdvertInt.Seconds())
	j.flag("accept", c.Accept)
	j.bool("nopreempt", c.Nopreempt)
	j.int("preempt_delay", int(c.PreemptDelay/time.Second))
	j.int("state", jsonState(in.State))
	j.int("wantstate", jsonState(wantState(in)))
	j.int("version", c.Version)
	j.bool("smtp_alert", c.SMTPAlert)
	j.bool("notify_deleted", c.Notify().Deleted)
	for _, n := range jsonNotifyOrder(in.Notify) {
		j.str(n.JSONKey, cmdString(n.Argv))
	}
	jsonLists(j, s, in)
	authType, authData := 0, ""
	if c.Auth != nil && c.Version == 2 {
		authType, authData = 1, c.Auth.Pass
		if c.Auth.Type == "AH" {
			authType = 2
		}
	}
	j.int("auth_type", authType)
	if authType != 0 {
		j.str("auth_data", authData)
	}
}

func jsonLists(j *jsonWriter, s *Snapshot, in *Instance) {
	c := in.Cfg
	set := in.State == vrrp.StateMaster
	vips := func(list []config.VIP) []string {
		var out []string
		for _, v := range list {
			out = append(out, formatVIP(v, c.Interface, set))
		}
		return out
	}
	j.strings("vips", vips(c.VIPs))
	j.strings("evips", vips(c.ExcludedVIPs()))
	var routes, rules, ifs, scripts []string
	for _, r := range c.Routes() {
		routes = append(routes, formatRoute(r, false))
	}
	for _, r := range c.Rules() {
		rules = append(rules, formatRule(r))
	}
	for _, t := range c.TrackInterfaces() {
		ifs = append(ifs, t.Name)
	}
	// keepalived lists the commands of the tracked scripts that run.
	for _, t := range c.TrackScripts() {
		for _, sc := range s.Scripts {
			if sc.Cfg.Name == t.Name {
				scripts = append(scripts, cmdString(sc.Argv))
			}
		}
	}
	j.strings("vroutes", routes)
	j.strings("vrules", rules)
	j.strings("track_ifp", ifs)
	j.strings("track_script", scripts)
}

// jsonNotifyOrder is keepalived's JSON order of notify scripts, which
// puts "deleted" before the generic script (the data file does not).
func jsonNotifyOrder(ns []Notify) []Notify {
	order := []string{"script_backup", "script_master", "script_fault", "script_stop", "script_deleted", "script", "script_master_rx_lower_pri"}
	var out []Notify
	for _, k := range order {
		for _, n := range ns {
			if n.JSONKey == k {
				out = append(out, n)
			}
		}
	}
	return out
}

func jsonStats(j *jsonWriter, st *vrrp.Stats) {
	j.open('{')
	j.uint("advert_rcvd", st.AdvertReceived)
	j.uint("advert_sent", st.AdvertSent)
	j.uint("become_master", st.BecameMaster)
	j.uint("release_master", st.ReleasedMaster)
	j.uint("packet_len_err", st.PacketLenErr)
	j.uint("advert_interval_err", st.AdvertIntervalErr)
	j.uint("ip_ttl_err", st.TTLErr)
	j.uint("invalid_type_rcvd", st.InvalidType)
	j.uint("addr_list_err", st.AddrListErr)
	j.uint("invalid_authtype", st.InvalidAuthType)
	j.uint("authtype_mismatch", st.AuthTypeMismatch)
	j.uint("auth_failure", st.AuthFailure)
	j.uint("pri_zero_rcvd", st.PriZeroReceived)
	j.uint("pri_zero_sent", st.PriZeroSent)
	j.close('}')
}
