package parser

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/parser/syntax"
)

// instVMAC: use_vmac [NAME] [MAC], in either order (a word with a ':' is
// the MAC: interface names cannot have one). keepalived 2.2.7 reads the
// first two words only and reports each bad one, keeping the rest.
func instVMAC(b *builder, s *syntax.Stmt, in *config.Instance) {
	if in.VMAC == nil {
		in.VMAC = &config.VMAC{}
	}
	for i, w := range words(s) {
		if i == 2 {
			b.extraWords(s, 2)
			break
		}
		if strings.Contains(w, ":") {
			b.vmacMAC(s, i, in, w)
			continue
		}
		b.vmacName(s, i, in, w)
	}
}

func (b *builder) vmacMAC(s *syntax.Stmt, i int, in *config.Instance, w string) {
	pos := argPos(s, i)
	if in.VMAC.MAC != "" {
		b.warnf(pos, s.Keyword, "VMAC interface address already specified")
		return
	}
	mac, useVRID, err := parseVMACAddr(w)
	switch {
	case err != nil:
		b.warnf(pos, s.Keyword, "%v", err)
	case mac[0]&1 != 0:
		b.warnf(pos, s.Keyword, "VMAC MAC address is multicast %s - ignoring", w)
	case mac[0] == 0 && mac[1] == 0 && mac[2] == 0x5e && mac[3] == 0 && (mac[4] == 1 || mac[4] == 2):
		b.warnf(pos, s.Keyword, "VMAC MAC address not allowed to be RFC5798 address (%s) - ignoring", w)
	default:
		if useVRID {
			// The VRID may come later in the block: finishVMAC sets it.
			b.inst(in).mark("vmac_mac_vrid")
		}
		in.VMAC.MAC = formatMAC(mac)
	}
}

// parseVMACAddr reads a MAC address as keepalived 2.2.7 does: six hex
// bytes of one or two digits separated by ':', or five (with or without
// a trailing ':') to take the VRID as the last; bytes after the sixth are
// ignored.
func parseVMACAddr(w string) (mac [6]byte, useVRID bool, err error) {
	if strings.Trim(w, "0123456789ABCDEFabcdef:") != "" {
		return mac, false, fmt.Errorf("VMAC invalid MAC address %s", w)
	}
	bad := fmt.Errorf("VMAC invalid MAC address %s - ignored", w)
	parts := strings.Split(w, ":")
	for j := range 6 {
		if j >= len(parts) {
			return mac, false, bad
		}
		p := parts[j]
		if p == "" || len(p) > 2 {
			if j == 5 && p == "" && len(parts) == 6 {
				return mac, true, nil // "a:b:c:d:e:"
			}
			return mac, false, bad
		}
		v, _ := strconv.ParseUint(p, 16, 8)
		mac[j] = byte(v)
		if j == 4 && len(parts) == 5 {
			return mac, true, nil
		}
	}
	return mac, false, nil
}

func formatMAC(m [6]byte) string {
	return fmt.Sprintf("%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5])
}

func (b *builder) vmacName(s *syntax.Stmt, i int, in *config.Instance, name string) {
	pos := argPos(s, i)
	switch {
	case in.VMAC.Name != "":
		b.warnf(pos, s.Keyword, "VMAC interface name already specified")
		return
	case !devNameValid(name):
		b.warnf(pos, s.Keyword, "VMAC interface name '%s' too long or invalid characters - ignoring", name)
		return
	}
	for _, o := range b.cfg.Instances {
		if o.VMAC != nil && o.VMAC.Name == name {
			b.warnf(pos, s.Keyword, "(%s) VRRP instance %s is already using %s - ignoring name", in.Name, o.Name, name)
			return
		}
	}
	in.VMAC.Name = name
}

// devNameValid is the kernel's check of an interface name.
func devNameValid(name string) bool {
	if name == "" || len(name) >= 16 || name == "." || name == ".." {
		return false
	}
	return !strings.ContainsAny(name, "/: \t\n\v\f\r")
}

// finishVMAC applies keepalived 2.2.7's rules on use_vmac, in its order:
// at the end of the instance block, unicast needs vmac_xmit_base (or an
// interface at all); when the instance is completed, strict mode clears a
// configured MAC and vmac_xmit_base, promote_secondaries is left to the
// VMAC, and each address's use_vmac is resolved.
func (b *builder) finishVMAC(in *config.Instance) {
	n := b.inst(in)
	vmacPos := b.at(in, "use_vmac")
	v := in.VMAC
	if v != nil {
		v.XmitBase = n.set["vmac_xmit_base"]
		if n.set["vmac_mac_vrid"] && v.MAC != "" {
			v.MAC = v.MAC[:15] + fmt.Sprintf("%02x", in.VRID)
		}
	}
	if v != nil && in.Unicast() {
		if in.Interface == "" {
			b.warnf(vmacPos, "use_vmac", "(%s): Cannot use VMAC/ipvlan with unicast and no interface - clearing use_vmac", in.Name)
			in.VMAC, v = nil, nil
		} else if !v.XmitBase {
			b.warnf(vmacPos, "use_vmac", "(%s) unicast with use_vmac requires vmac_xmit_base - setting", in.Name)
			v.XmitBase = true
		}
	}
	if v != nil && in.Strict && v.MAC != "" {
		b.warnf(vmacPos, "use_vmac", "(%s): cannot specify MAC address with strict mode - clearing", in.Name)
		v.MAC = ""
	}
	if v != nil && in.Strict && v.XmitBase {
		b.warnf(b.at(in, "vmac_xmit_base"), "vmac_xmit_base", "(%s) xmit_base is incompatible with strict mode - resetting", in.Name)
		v.XmitBase = false
	}
	if v != nil && in.PromoteSecondaries {
		b.warnf(b.at(in, "promote_secondaries"), "promote_secondaries", "(%s) promote_secondaries is automatically set for vmacs - ignoring", in.Name)
		in.PromoteSecondaries = false
	}
	if v == nil && n.set["vmac_xmit_base"] {
		b.warnf(b.at(in, "vmac_xmit_base"), "vmac_xmit_base", "(%s) vmac_xmit_base is only valid with a vmac", in.Name)
	}
	b.resolveVIPVMACs(in, in.VIPs)
	b.resolveVIPVMACs(in, in.ExcludedVIPs())
}

// resolveVIPVMACs decides which addresses get a VMAC of their own on
// their interface (config.VIP.UseVMAC). An address on the instance's
// interface and of its family goes on the instance's VMAC, if it has
// one; otherwise the address line's use_vmac, or use_vmac_addr for an
// address on another interface or of the other family, give it its own.
func (b *builder) resolveVIPVMACs(in *config.Instance, vips []config.VIP) {
	for i := range vips {
		v := &vips[i]
		onInstance := v.Dev == "" || v.Dev == in.Interface
		sameFamily := v.Prefix.Addr().Is6() == (in.Family == config.IPv6)
		asked := v.UseVMAC
		v.UseVMAC = false
		switch {
		case asked && onInstance && in.VMAC != nil && sameFamily:
			b.warnf(b.at(in, "use_vmac"), "use_vmac", "(%s) use_vmac specified for VIP/eVIP %s and vrrp instance", in.Name, v.Prefix)
			asked = false
		case asked && (!onInstance || !sameFamily) && in.VMACAddr:
			b.warnf(b.at(in, "use_vmac_addr"), "use_vmac", "(%s) use_vmac_addr specified and use_vmac specified for VIP/eVIP %s", in.Name, v.Prefix)
		}
		switch {
		case onInstance && in.VMAC != nil && sameFamily:
		case onInstance:
			v.UseVMAC = asked || in.VMACAddr && !sameFamily
		default:
			v.UseVMAC = asked || in.VMACAddr
		}
	}
}
