package netiftest

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/goalived/goalived/netif"
)

// TestVMACsAndFirewall: the fake VMACs are links with the VMAC's MAC
// whose carrier follows the base; a link of the name that is no VMAC is
// a conflict; the fake firewall keeps what each owner declared; all of it
// is recorded in Actions, in order.
func TestVMACsAndFirewall(t *testing.T) {
	h := New(nil)
	h.AddLink("eth0", nil, "192.0.2.1/24")
	h.AddLink("other", nil)
	e := h.Engine()
	vm, err := e.VMACs.OpenVMACs()
	if err != nil {
		t.Fatal(err)
	}
	v := netif.VMAC{Name: "vrrp.51", Base: "eth0", MAC: netif.VirtualMAC(51, false)}
	idx, err := vm.Ensure(v)
	if err != nil {
		t.Fatal(err)
	}
	if again, err := vm.Ensure(v); err != nil || again != idx {
		t.Errorf("second Ensure: %d, %v; want %d", again, err, idx)
	}
	if _, err := vm.Ensure(netif.VMAC{Name: "other", Base: "eth0", MAC: v.MAC}); err == nil {
		t.Error("Ensure over a link that is no VMAC succeeded")
	}
	if !strings.Contains(h.IPAddr(), "vrrp.51: <BROADCAST,MULTICAST,UP,LOWER_UP>") {
		t.Errorf("VMAC not up:\n%s", h.IPAddr())
	}
	h.SetLink("eth0", false)
	if !strings.Contains(h.IPAddr(), "vrrp.51: <NO-CARRIER,BROADCAST,MULTICAST,UP>") {
		t.Errorf("VMAC carrier with its base down:\n%s", h.IPAddr())
	}
	h.SetLink("eth0", true)

	fw, err := e.Firewalls.OpenFirewall(netif.FirewallConfig{})
	if err != nil {
		t.Fatal(err)
	}
	steps := []error{
		fw.SetBlocked("VI_1#1", []netif.Blocked{{Addr: netip.MustParseAddr("192.0.2.100")}}),
		fw.SetVMAC("VI_1#1", []netif.VMACLink{{Ifindex: idx, BaseIfindex: 1, IPv4: true}}),
		fw.SetBlocked("VI_1#1", nil),
		vm.Remove("vrrp.51"),
		fw.Close(),
		vm.Close(),
	}
	for _, err := range steps {
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := fw.SetBlocked("VI_1#1", nil); err == nil {
		t.Error("SetBlocked after Close succeeded")
	}
	want := []string{
		"add 192.0.2.1/24 dev eth0",
		"vmac add vrrp.51 link eth0 address 00:00:5e:00:01:33 v6=false",
		"vmac keep vrrp.51",
		"firewall open keepalived priority -1 counters false",
		"block VI_1#1 192.0.2.100",
		"vmac rules VI_1#1 vrrp.51->eth0 v4=true v6=false",
		"unblock VI_1#1",
		"vmac del vrrp.51",
		"firewall close keepalived",
	}
	if d := cmp.Diff(want, h.Actions()); d != "" {
		t.Errorf("actions (-want +got):\n%s", d)
	}
	if strings.Contains(h.IPAddr(), "vrrp.51") {
		t.Errorf("VMAC left:\n%s", h.IPAddr())
	}
}
