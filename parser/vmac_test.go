package parser

import (
	"net/netip"
	"testing"

	"github.com/goalived/goalived/config"
)

// TestInstanceVMAC: use_vmac, vmac_xmit_base and use_vmac_addr with the
// messages keepalived 2.2.7 -t gives for the same lines.
func TestInstanceVMAC(t *testing.T) {
	type vm struct {
		VMAC        *config.VMAC
		Addr, Promo bool
	}
	get := func(c *config.Config) any {
		in := vi1(c)
		return vm{in.VMAC, in.VMACAddr, in.PromoteSecondaries}
	}
	unicast := "unicast_src_ip 192.0.2.11\nunicast_peer {\n 192.0.2.12\n}\n"
	cases := []kwCase{
		{name: "none", src: instanceConf(""), get: get, want: vm{}},
		{name: "bare", src: instanceConf("use_vmac"), get: get, want: vm{VMAC: &config.VMAC{}}},
		{name: "name and mac", src: instanceConf("use_vmac vm1 02:11:22:33:44:55\nvmac_xmit_base\nuse_vmac_addr"), get: get,
			want: vm{VMAC: &config.VMAC{Name: "vm1", MAC: "02:11:22:33:44:55", XmitBase: true}, Addr: true}},
		{name: "mac first", src: instanceConf("use_vmac 2:A:b:c:d:e vm1"), get: get, want: vm{VMAC: &config.VMAC{Name: "vm1", MAC: "02:0a:0b:0c:0d:0e"}}},
		// Five bytes: the VRID (51) is the sixth, also when written later.
		{name: "five bytes take the vrid", src: "vrrp_instance VI_1 {\n use_vmac 02:11:22:33:44\n interface eth0\n virtual_router_id 51\n}\n", get: get,
			want: vm{VMAC: &config.VMAC{MAC: "02:11:22:33:44:33"}}},
		{name: "five bytes and a colon", src: instanceConf("use_vmac 02:11:22:33:44:"), get: get, want: vm{VMAC: &config.VMAC{MAC: "02:11:22:33:44:33"}}},
		{name: "bytes after the sixth", src: instanceConf("use_vmac 02:11:22:33:44:55:66"), get: get, want: vm{VMAC: &config.VMAC{MAC: "02:11:22:33:44:55"}}},
		{name: "multicast", src: instanceConf("use_vmac 01:00:5e:00:00:01"), get: get, want: vm{VMAC: &config.VMAC{}},
			diags: []string{"warning: use_vmac: VMAC MAC address is multicast 01:00:5e:00:00:01 - ignoring"}},
		{name: "rfc 5798 ipv4", src: instanceConf("use_vmac 00:00:5e:00:01:02"), get: get, want: vm{VMAC: &config.VMAC{}},
			diags: []string{"warning: use_vmac: VMAC MAC address not allowed to be RFC5798 address (00:00:5e:00:01:02) - ignoring"}},
		{name: "rfc 5798 ipv6", src: instanceConf("use_vmac 00:00:5e:00:02:09"), get: get, want: vm{VMAC: &config.VMAC{}},
			diags: []string{"warning: use_vmac: VMAC MAC address not allowed to be RFC5798 address (00:00:5e:00:02:09) - ignoring"}},
		{name: "not hex", src: instanceConf("use_vmac zz:00"), get: get, want: vm{VMAC: &config.VMAC{}},
			diags: []string{"warning: use_vmac: VMAC invalid MAC address zz:00"}},
		{name: "long byte", src: instanceConf("use_vmac 0211:22:33:44:55"), get: get, want: vm{VMAC: &config.VMAC{}},
			diags: []string{"warning: use_vmac: VMAC invalid MAC address 0211:22:33:44:55 - ignored"}},
		{name: "two macs", src: instanceConf("use_vmac 02:11:22:33:44:55 02:11:22:33:44:56"), get: get, want: vm{VMAC: &config.VMAC{MAC: "02:11:22:33:44:55"}},
			diags: []string{"warning: use_vmac: VMAC interface address already specified"}},
		{name: "two names", src: instanceConf("use_vmac n1 n2"), get: get, want: vm{VMAC: &config.VMAC{Name: "n1"}},
			diags: []string{"warning: use_vmac: VMAC interface name already specified"}},
		{name: "bad name", src: instanceConf("use_vmac a/b"), get: get, want: vm{VMAC: &config.VMAC{}},
			diags: []string{"warning: use_vmac: VMAC interface name 'a/b' too long or invalid characters - ignoring"}},
		{name: "long name", src: instanceConf("use_vmac abcdefghijklmnop"), get: get, want: vm{VMAC: &config.VMAC{}},
			diags: []string{"warning: use_vmac: VMAC interface name 'abcdefghijklmnop' too long or invalid characters - ignoring"}},
		{name: "third word", src: instanceConf("use_vmac x y z"), get: get, want: vm{VMAC: &config.VMAC{Name: "x"}},
			diags: []string{"warning: use_vmac: VMAC interface name already specified", "note: use_vmac: extra words after 'use_vmac' ignored: z"}},
		{name: "name of another instance", src: "vrrp_instance VI_0 {\n interface eth0\n virtual_router_id 50\n use_vmac vm1\n}\n" + instanceConf("use_vmac vm1"),
			get: get, want: vm{VMAC: &config.VMAC{}},
			diags: []string{"warning: use_vmac: (VI_1) VRRP instance VI_0 is already using vm1 - ignoring name"}},
		{name: "xmit_base without vmac", src: instanceConf("vmac_xmit_base"), get: get, want: vm{},
			diags: []string{"warning: vmac_xmit_base: (VI_1) vmac_xmit_base is only valid with a vmac"}},
		{name: "unicast forces xmit_base", src: instanceConf("use_vmac\n" + unicast), get: get, want: vm{VMAC: &config.VMAC{XmitBase: true}},
			diags: []string{"warning: use_vmac: (VI_1) unicast with use_vmac requires vmac_xmit_base - setting"}},
		{name: "unicast without interface", src: "vrrp_instance VI_1 {\n virtual_router_id 51\n use_vmac\n" + unicast + "}\n", get: get, want: vm{},
			diags: []string{"warning: use_vmac: (VI_1): Cannot use VMAC/ipvlan with unicast and no interface - clearing use_vmac"}},
		{name: "strict clears mac and xmit_base", src: instanceConf("strict_mode\nuse_vmac 02:11:22:33:44:55\nvmac_xmit_base"), get: get,
			want: vm{VMAC: &config.VMAC{}},
			diags: []string{strictNoVIP, "warning: use_vmac: (VI_1): cannot specify MAC address with strict mode - clearing",
				"warning: vmac_xmit_base: (VI_1) xmit_base is incompatible with strict mode - resetting"}},
		// keepalived sets xmit_base for unicast at the block's end, then
		// strict mode resets it.
		{name: "strict unicast", src: instanceConf("strict_mode\nuse_vmac\n" + unicast), get: get, want: vm{VMAC: &config.VMAC{}},
			diags: []string{"warning: strict_mode: (VI_1) unicast peers in strict mode: keepalived 2.2.7 runs such an instance as unicast without checking (later versions remove it), kept",
				strictNoVIP,
				"warning: use_vmac: (VI_1) unicast with use_vmac requires vmac_xmit_base - setting",
				"warning: vmac_xmit_base: (VI_1) xmit_base is incompatible with strict mode - resetting"}},
		{name: "promote_secondaries", src: instanceConf("use_vmac\npromote_secondaries"), get: get, want: vm{VMAC: &config.VMAC{}},
			diags: []string{"warning: promote_secondaries: (VI_1) promote_secondaries is automatically set for vmacs - ignoring"}},
	}
	runCases(t, cases)
}

// strictNoVIP is strict mode's warning about an instance without VIPs.
const strictNoVIP = "warning: virtual_ipaddress: (VI_1) No VIP specified; at least one is required"

// TestVIPVMAC: which addresses get a VMAC of their own (VIP.UseVMAC).
func TestVIPVMAC(t *testing.T) {
	type got struct {
		Prefix  netip.Prefix
		UseVMAC bool
	}
	get := func(c *config.Config) any {
		var out []got
		in := vi1(c)
		for _, v := range append(append([]config.VIP(nil), in.VIPs...), in.ExcludedVIPs()...) {
			out = append(out, got{v.Prefix, v.UseVMAC})
		}
		return out
	}
	p := netip.MustParsePrefix
	vips := "virtual_ipaddress {\n 192.0.2.3/24\n 192.0.2.4/24 use_vmac\n 192.0.2.5/24 dev eth9 use_vmac\n 192.0.2.7/24 dev eth9\n}\nvirtual_ipaddress_excluded {\n 2001:db8::6/64\n}\n"
	cases := []kwCase{
		{name: "line option only", src: instanceConf(vips), get: get,
			want: []got{{p("192.0.2.3/24"), false}, {p("192.0.2.4/24"), true}, {p("192.0.2.5/24"), true}, {p("192.0.2.7/24"), false}, {p("2001:db8::6/64"), false}}},
		{name: "instance vmac", src: instanceConf("use_vmac\n" + vips), get: get,
			want:  []got{{p("192.0.2.3/24"), false}, {p("192.0.2.4/24"), false}, {p("192.0.2.5/24"), true}, {p("192.0.2.7/24"), false}, {p("2001:db8::6/64"), false}},
			diags: []string{"warning: use_vmac: (VI_1) use_vmac specified for VIP/eVIP 192.0.2.4/24 and vrrp instance"}},
		{name: "use_vmac_addr", src: instanceConf("use_vmac\nuse_vmac_addr\n" + vips), get: get,
			want: []got{{p("192.0.2.3/24"), false}, {p("192.0.2.4/24"), false}, {p("192.0.2.5/24"), true}, {p("192.0.2.7/24"), true}, {p("2001:db8::6/64"), true}},
			diags: []string{"warning: use_vmac: (VI_1) use_vmac specified for VIP/eVIP 192.0.2.4/24 and vrrp instance",
				"warning: use_vmac: (VI_1) use_vmac_addr specified and use_vmac specified for VIP/eVIP 192.0.2.5/24"}},
		{name: "use_vmac_addr without use_vmac", src: instanceConf("use_vmac_addr\n" + vips), get: get,
			want:  []got{{p("192.0.2.3/24"), false}, {p("192.0.2.4/24"), true}, {p("192.0.2.5/24"), true}, {p("192.0.2.7/24"), true}, {p("2001:db8::6/64"), true}},
			diags: []string{"warning: use_vmac: (VI_1) use_vmac_addr specified and use_vmac specified for VIP/eVIP 192.0.2.5/24"}},
	}
	runCases(t, cases)
}
