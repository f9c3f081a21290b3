package config

// VMAC is an instance's use_vmac: the macvlan interface keepalived puts
// the instance (its VIPs, and its adverts unless XmitBase) on, with the
// virtual router MAC, so that clients and switches follow a failover
// without gratuitous ARP.
type VMAC struct {
	// Name is the interface name written after use_vmac; "" lets the
	// engine choose one (vmac_prefix, "vrrp" by default, then .VRID).
	Name string `json:"name,omitempty"`
	// MAC is the MAC address written after use_vmac, with the VRID as
	// its last byte when only five bytes were written; "" is RFC 5798's
	// 00:00:5e:00:01:VRID (IPv6: 00:00:5e:00:02:VRID). Strict mode
	// clears it.
	MAC string `json:"mac,omitempty"`
	// XmitBase is vmac_xmit_base: adverts leave from the base interface
	// (with its MAC) instead of the VMAC. Unicast forces it on, strict
	// mode off.
	XmitBase bool `json:"vmac_xmit_base,omitempty"`
}
