package config

import (
	"net/netip"
	"time"
)

// instanceJSON is the instance as the JSON dump has always shown it: one
// flat object, keys in this order.
type instanceJSON struct {
	Name                  string        `json:"name"`
	State                 State         `json:"state"`
	StateSet              bool          `json:"state_set"`
	Interface             string        `json:"interface,omitempty"`
	VRID                  int           `json:"virtual_router_id"`
	Priority              int           `json:"priority"`
	AdvertInt             time.Duration `json:"advert_int"`
	Version               int           `json:"version"`
	Family                Family        `json:"family"`
	Auth                  *Auth         `json:"authentication,omitempty"`
	VIPs                  []VIP         `json:"virtual_ipaddress,omitempty"`
	ExcludedVIPs          []VIP         `json:"virtual_ipaddress_excluded,omitempty"`
	NoVIPs                bool          `json:"no_virtual_ipaddress,omitempty"`
	Routes                []Route       `json:"virtual_routes,omitempty"`
	Rules                 []Rule        `json:"virtual_rules,omitempty"`
	TrackInterfaces       []Track       `json:"track_interface,omitempty"`
	TrackScripts          []Track       `json:"track_script,omitempty"`
	TrackFiles            []Track       `json:"track_file,omitempty"`
	TrackProcesses        []Track       `json:"track_process,omitempty"`
	UnicastSrcIP          netip.Addr    `json:"unicast_src_ip,omitzero"`
	UnicastPeers          []UnicastPeer `json:"unicast_peer,omitempty"`
	UnicastTTL            int           `json:"unicast_ttl"`
	UnicastFaultNoPeer    bool          `json:"unicast_fault_no_peer,omitempty"`
	CheckUnicastSrc       bool          `json:"check_unicast_src"`
	OldUnicastChecksum    string        `json:"old_unicast_checksum,omitempty"`
	McastSrcIP            netip.Addr    `json:"mcast_src_ip,omitzero"`
	McastDstIP            netip.Addr    `json:"mcast_dst_ip"`
	TrackSrcIP            bool          `json:"track_src_ip,omitempty"`
	Nopreempt             bool          `json:"nopreempt"`
	PreemptDelay          time.Duration `json:"preempt_delay"`
	Accept                bool          `json:"accept"`
	DontTrackPrimary      bool          `json:"dont_track_primary,omitempty"`
	VMAC                  *VMAC         `json:"use_vmac,omitempty"`
	VMACAddr              bool          `json:"use_vmac_addr,omitempty"`
	GARP                  GARP          `json:"garp"`
	DownTimerAdverts      int           `json:"down_timer_adverts"`
	LowerPrioNoAdvert     bool          `json:"lower_prio_no_advert"`
	HigherPrioSendAdvert  bool          `json:"higher_prio_send_advert"`
	OwnerIgnoreAdverts    bool          `json:"owner_ignore_adverts,omitempty"`
	SkipCheckAdvAddr      bool          `json:"skip_check_adv_addr"`
	Strict                bool          `json:"strict_mode"`
	V3ChecksumAsV2        bool          `json:"v3_checksum_as_v2"`
	PromoteSecondaries    bool          `json:"promote_secondaries,omitempty"`
	NotifyPriorityChanges bool          `json:"notify_priority_changes"`
	KernelRxBufSize       int           `json:"kernel_rx_buf_size,omitempty"`
	Debug                 int           `json:"debug,omitempty"`
	SMTPAlert             bool          `json:"smtp_alert,omitempty"`
	Notify                Notifies      `json:"notify"`
	SyncGroup             string        `json:"sync_group,omitempty"`
}

func (in Instance) jsonView() any {
	u, t, it := orZero(in.Unicasting, &noUnicasting), orZero(in.Trackers, &noTrackers), orZero(in.Items, &noItems)
	return instanceJSON{
		Name: in.Name, State: in.State, StateSet: in.StateSet, Interface: in.Interface, VRID: in.VRID,
		Priority: in.Priority, AdvertInt: in.AdvertInt, Version: in.Version, Family: in.Family, Auth: in.Auth,
		VIPs: in.VIPs, ExcludedVIPs: it.ExcludedVIPs, NoVIPs: in.NoVIPs, Routes: it.Routes, Rules: it.Rules,
		TrackInterfaces: t.TrackInterfaces, TrackScripts: t.TrackScripts, TrackFiles: t.TrackFiles,
		TrackProcesses: t.TrackProcesses, UnicastSrcIP: u.UnicastSrcIP, UnicastPeers: u.UnicastPeers,
		UnicastTTL: in.UnicastTTL, UnicastFaultNoPeer: u.UnicastFaultNoPeer, CheckUnicastSrc: in.CheckUnicastSrc,
		OldUnicastChecksum: u.OldUnicastChecksum, McastSrcIP: u.McastSrcIP, McastDstIP: in.McastDstIP,
		TrackSrcIP: in.TrackSrcIP, Nopreempt: in.Nopreempt, PreemptDelay: in.PreemptDelay, Accept: in.Accept,
		DontTrackPrimary: in.DontTrackPrimary, VMAC: in.VMAC, VMACAddr: in.VMACAddr, GARP: in.GARP,
		DownTimerAdverts: in.DownTimerAdverts, LowerPrioNoAdvert: in.LowerPrioNoAdvert,
		HigherPrioSendAdvert: in.HigherPrioSendAdvert, OwnerIgnoreAdverts: in.OwnerIgnoreAdverts,
		SkipCheckAdvAddr: in.SkipCheckAdvAddr, Strict: in.Strict, V3ChecksumAsV2: in.V3ChecksumAsV2,
		PromoteSecondaries: in.PromoteSecondaries, NotifyPriorityChanges: in.NotifyPriorityChanges,
		KernelRxBufSize: in.KernelRxBufSize(), Debug: in.Debug(), SMTPAlert: in.SMTPAlert,
		Notify: *in.Notify(), SyncGroup: in.SyncGroup,
	}
}
