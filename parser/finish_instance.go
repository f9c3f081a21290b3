package parser

import (
	"net/netip"
	"time"

	"github.com/goalived/goalived/config"
)

// finishInstance applies vrrp_complete_instance()'s defaults and checks
// (reference 2.4, 3.7, 3.9-3.12). false means the instance is removed.
func (b *builder) finishInstance(in *config.Instance) bool {
	if in.VRID == 0 {
		b.warnf(b.at(in, "vrrp_instance"), "vrrp_instance", "(%s) the virtual router id must be set, instance removed", in.Name)
		return false
	}
	if in.Interface == "" && !in.UnicastSrcIP().IsValid() {
		b.warnf(b.at(in, "vrrp_instance"), "vrrp_instance", "(%s) one of interface or unicast_src_ip must be specified, instance removed", in.Name)
		return false
	}
	g := &b.cfg.Global
	if in.Family == 0 {
		in.Family = config.IPv4
	}
	in.Strict = b.instBoolDefault(in, "strict_mode", in.Strict, g.Strict)
	if in.Version == 0 {
		in.Version = g.Version
		if in.Family == config.IPv6 {
			in.Version = 3
		}
	}
	if in.Strict && in.Family == config.IPv6 && in.Version == 2 {
		b.warnf(b.at(in, "version"), "version", "(%s) strict mode requires VRRPv3 for IPv6, using version 3", in.Name)
		in.Version = 3
	}
	b.finishStatePriority(in)
	b.finishAdvertInt(in)
	b.finishAuth(in)
	if in.Strict && !b.finishStrict(in) {
		return false
	}
	b.finishDefaults(in)
	b.finishUnicast(in)
	b.finishAddresses(in)
	b.finishVMAC(in)
	b.finishTrackers(in)
	if b.noDefaultUser() {
		if in.Notifies != nil {
			b.dropUserless(in.Name, in.Notifies)
		}
	}
	return true
}

// finishStatePriority couples state and priority (reference 3.7).
func (b *builder) finishStatePriority(in *config.Instance) {
	if !b.inst(in).set["priority"] && in.StateSet && in.State == config.StateMaster {
		in.Priority = 255
	}
	if !in.StateSet {
		in.State = config.StateBackup
		if in.Priority == 255 {
			in.State = config.StateMaster
		}
	}
	if in.State == config.StateMaster || in.Owner() {
		if in.Nopreempt {
			b.warnf(b.at(in, "nopreempt"), "nopreempt", "(%s) nopreempt is incompatible with state MASTER or priority 255, resetting", in.Name)
			in.Nopreempt = false
		}
		if in.PreemptDelay != 0 {
			b.warnf(b.at(in, "preempt_delay"), "preempt_delay", "(%s) preempt_delay is incompatible with state MASTER or priority 255, resetting", in.Name)
			in.PreemptDelay = 0
		}
	}
	if in.Nopreempt && in.PreemptDelay != 0 {
		b.warnf(b.at(in, "preempt_delay"), "preempt_delay", "(%s) preempt_delay is incompatible with nopreempt, resetting", in.Name)
		in.PreemptDelay = 0
	}
}

// finishAdvertInt rounds advert_int for the version (reference 3.9): v2
// to whole seconds, v3 to centiseconds with a maximum of 40.95 s.
func (b *builder) finishAdvertInt(in *config.Instance) {
	d := in.AdvertInt
	if in.Version == 2 {
		r := d.Round(time.Second)
		if r == 0 {
			r = time.Second
		}
		if r != d {
			b.warnf(b.at(in, "advert_int"), "advert_int", "(%s) VRRPv2 advert_int %s is not a whole number of seconds, using %s", in.Name, fmtSecs(d), fmtSecs(r))
		}
		in.AdvertInt = r
		return
	}
	r := d.Round(10 * time.Millisecond)
	if r == 0 {
		r = 10 * time.Millisecond
	}
	if r > 4095*10*time.Millisecond {
		b.warnf(b.at(in, "advert_int"), "advert_int", "(%s) VRRPv3 advert_int %s too large, using 40.95", in.Name, fmtSecs(d))
		r = 4095 * 10 * time.Millisecond
	} else if r != d {
		b.warnf(b.at(in, "advert_int"), "advert_int", "(%s) VRRPv3 advert_int %s rounded to %s", in.Name, fmtSecs(d), fmtSecs(r))
	}
	in.AdvertInt = r
}

// finishAuth drops authentication where keepalived ignores it (3.10).
func (b *builder) finishAuth(in *config.Instance) {
	a := in.Auth
	if a == nil {
		return
	}
	switch {
	case in.Version == 3:
		b.warnf(b.at(in, "authentication"), "authentication", "(%s) authentication is not supported with VRRPv3, ignored", in.Name)
		in.Auth = nil
	case a.Type == "AH" && in.Family == config.IPv6:
		b.warnf(b.at(in, "authentication"), "authentication", "(%s) AH authentication is not supported with IPv6, ignored", in.Name)
		in.Auth = nil
	case in.Strict:
		b.warnf(b.at(in, "authentication"), "authentication", "(%s) authentication is not allowed in strict mode, ignored", in.Name)
		in.Auth = nil
	case a.Type == "AH" && in.State == config.StateMaster && !in.Owner():
		b.warnf(b.at(in, "state"), "state", "(%s) state MASTER with AH authentication starts as BACKUP to learn the sequence number", in.Name)
		in.State = config.StateBackup
	}
}

// finishStrict applies strict mode (reference 3.12); false if fatal.
func (b *builder) finishStrict(in *config.Instance) bool {
	if in.Unicast() {
		// keepalived's source removes the instance, but 2.2.7 checks the
		// interface flags before it has read them: -t and the daemon run
		// the instance as unicast without a word (observed). goalived
		// runs it too, and says so.
		b.warnf(b.at(in, "strict_mode"), "strict_mode", "(%s) unicast peers in strict mode: keepalived 2.2.7 runs such an instance as unicast without checking (later versions remove it), kept", in.Name)
	}
	if in.State == config.StateMaster && !in.Owner() {
		b.warnf(b.at(in, "state"), "state", "(%s) strict mode allows state MASTER only with priority 255, using BACKUP", in.Name)
		in.State = config.StateBackup
	}
	if in.PreemptDelay != 0 {
		b.warnf(b.at(in, "preempt_delay"), "preempt_delay", "(%s) preempt_delay is not allowed in strict mode, resetting", in.Name)
		in.PreemptDelay = 0
	}
	if !b.inst(in).set["accept"] && !in.Owner() {
		in.Accept = false
	} else if in.Accept && in.Version == 2 && !in.Owner() {
		b.warnf(b.at(in, "accept"), "accept", "(%s) accept mode is not allowed in strict mode for VRRPv2, resetting", in.Name)
		in.Accept = false
	}
	if b.inst(in).set["down_timer_adverts"] && in.DownTimerAdverts != 3 {
		b.warnf(b.at(in, "down_timer_adverts"), "down_timer_adverts", "(%s) down_timer_adverts is incompatible with strict mode, resetting", in.Name)
	}
	in.DownTimerAdverts = 3
	b.inst(in).mark("down_timer_adverts")
	in.LowerPrioNoAdvert, in.HigherPrioSendAdvert = true, false
	b.inst(in).mark("lower_prio_no_advert")
	b.inst(in).mark("higher_prio_send_advert")
	return true
}

// instBoolDefault returns the instance value if written, else the global.
func (b *builder) instBoolDefault(in *config.Instance, kw string, v, global bool) bool {
	if b.inst(in).set[kw] {
		return v
	}
	return global
}

// finishDefaults copies the global values an instance did not override.
func (b *builder) finishDefaults(in *config.Instance) {
	g := &b.cfg.Global
	set := b.inst(in).set
	dur := func(kw string, v *time.Duration, gv time.Duration) {
		if !set[kw] {
			*v = gv
		}
	}
	num := func(kw string, v *int, gv int) {
		if !set[kw] {
			*v = gv
		}
	}
	dur("garp_master_delay", &in.GARP.MasterDelay, g.GARP.MasterDelay)
	num("garp_master_repeat", &in.GARP.MasterRepeat, g.GARP.MasterRepeat)
	dur("garp_master_refresh", &in.GARP.MasterRefresh, g.GARP.MasterRefresh)
	num("garp_master_refresh_repeat", &in.GARP.MasterRefreshRepeat, g.GARP.MasterRefreshRepeat)
	// keepalived 2.2.7 takes the lower-priority values an instance does
	// not set from global_defs (written there, else the global master
	// values: finishGlobal), not from the instance's own master values,
	// and none in strict mode.
	lowerDelay, lowerRepeat := g.GARP.LowerPrioDelay, g.GARP.LowerPrioRepeat
	if in.Strict {
		lowerDelay, lowerRepeat = 0, 0
		if set["garp_lower_prio_repeat"] && in.GARP.LowerPrioRepeat != 0 {
			b.warnf(b.at(in, "garp_lower_prio_repeat"), "garp_lower_prio_repeat", "(%s) Strict mode requires no repeat garps. resetting", in.Name)
			in.GARP.LowerPrioRepeat = 0
		}
		if set["garp_lower_prio_delay"] && in.GARP.LowerPrioDelay != 0 {
			b.warnf(b.at(in, "garp_lower_prio_delay"), "garp_lower_prio_delay", "(%s) Strict mode requires no repeat garp delay. resetting", in.Name)
			in.GARP.LowerPrioDelay = 0
		}
	}
	dur("garp_lower_prio_delay", &in.GARP.LowerPrioDelay, lowerDelay)
	num("garp_lower_prio_repeat", &in.GARP.LowerPrioRepeat, lowerRepeat)
	num("down_timer_adverts", &in.DownTimerAdverts, g.DownTimerAdverts)
	in.LowerPrioNoAdvert = b.instBoolDefault(in, "lower_prio_no_advert", in.LowerPrioNoAdvert, g.LowerPrioNoAdvert)
	in.HigherPrioSendAdvert = b.instBoolDefault(in, "higher_prio_send_advert", in.HigherPrioSendAdvert, g.HigherPrioSendAdvert)
	in.SkipCheckAdvAddr = b.instBoolDefault(in, "skip_check_adv_addr", in.SkipCheckAdvAddr, g.SkipCheckAdvAddr)
	in.V3ChecksumAsV2 = b.instBoolDefault(in, "v3_checksum_as_v2", in.V3ChecksumAsV2, g.V3ChecksumAsV2)
	in.NotifyPriorityChanges = b.instBoolDefault(in, "notify_priority_changes", in.NotifyPriorityChanges, g.NotifyPriorityChanges)
	in.OwnerIgnoreAdverts = b.instBoolDefault(in, "owner_ignore_adverts", in.OwnerIgnoreAdverts, g.OwnerIgnoreAdverts)
	if in.McastDstIP.IsValid() && in.McastDstIP.Is6() != (in.Family == config.IPv6) {
		b.warnf(b.at(in, "mcast_dst_ip"), "mcast_dst_ip", "(%s) mcast_dst_ip %s is not %s like the instance, using the default group", in.Name, in.McastDstIP, familyName(in.Family))
		in.McastDstIP = netip.Addr{}
	}
	if !in.McastDstIP.IsValid() {
		in.McastDstIP = g.McastGroup4
		if in.Family == config.IPv6 {
			in.McastDstIP = g.McastGroup6
		}
	}
}
