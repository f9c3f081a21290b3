package netif

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestVirtualMAC(t *testing.T) {
	if got := VirtualMAC(51, false).String(); got != "00:00:5e:00:01:33" {
		t.Errorf("ipv4 vrid 51: %s", got)
	}
	if got := VirtualMAC(255, true).String(); got != "00:00:5e:00:02:ff" {
		t.Errorf("ipv6 vrid 255: %s", got)
	}
}

func TestVMACName(t *testing.T) {
	in := func(names ...string) func(string) bool {
		return func(n string) bool {
			for _, x := range names {
				if x == n {
					return true
				}
			}
			return false
		}
	}
	for _, tc := range []struct {
		name   string
		prefix string
		vrid   uint8
		v6     bool
		taken  func(string) bool
		want   string
	}{
		{"default", "", 51, false, nil, "vrrp.51"},
		{"vmac_prefix", "vm", 7, false, nil, "vm.7"},
		{"ipv4 taken", "", 51, false, in("vrrp.51"), "vrrp1.51"},
		{"ipv4 taken twice", "", 51, false, in("vrrp.51", "vrrp1.51"), "vrrp2.51"},
		{"ipv6 taken: vrrp6 first", "", 51, true, in("vrrp.51"), "vrrp6.51"},
		{"ipv6 then 1", "", 51, true, in("vrrp.51", "vrrp6.51"), "vrrp1.51"},
		{"ipv6 skips 6", "", 51, true, in("vrrp.51", "vrrp6.51", "vrrp1.51", "vrrp2.51", "vrrp3.51", "vrrp4.51", "vrrp5.51"), "vrrp7.51"},
		{"long prefix cut to 15", "averyverylongprefix", 255, false, nil, "averyverylo.255"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := VMACName(tc.prefix, tc.vrid, tc.v6, tc.taken); got != tc.want {
				t.Errorf("VMACName = %q, want %q", got, tc.want)
			}
		})
	}
}

// fakeProcSys builds a /proc/sys tree with the given values.
func fakeProcSys(t *testing.T, kv map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for k, v := range kv {
		p := filepath.Join(root, k)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(v+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func readProcSys(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(p)
			rel, _ := filepath.Rel(root, p)
			out[rel] = strings.TrimSpace(string(b))
		}
		return nil
	})
	return out
}

// TestVMACSysctls replays what keepalived 2.2.7 did in a namespace with
// all.rp_filter=1 and two IPv4 VMACs on eth0: default and eth0 raised to
// 1, all set to 0, the VMACs' own settings, eth0's arp_ignore and
// arp_filter at 1; at the end rp_filter as before and (goalived only)
// eth0's ARP settings as before.
func TestVMACSysctls(t *testing.T) {
	start := map[string]string{
		"net/ipv4/conf/all/rp_filter": "1", "net/ipv4/conf/default/rp_filter": "0",
		"net/ipv4/conf/eth0/rp_filter": "0", "net/ipv4/conf/eth0/arp_ignore": "0", "net/ipv4/conf/eth0/arp_filter": "0",
		"net/ipv4/conf/lo/rp_filter": "2",
	}
	for _, vm := range []string{"vrrp.51", "vrrp.53"} {
		for _, k := range []string{"rp_filter", "arp_ignore", "accept_local", "promote_secondaries"} {
			start["net/ipv4/conf/"+vm+"/"+k] = "0"
		}
		start["net/ipv6/conf/"+vm+"/disable_ipv6"] = "0"
		start["net/ipv6/conf/"+vm+"/addr_gen_mode"] = "0"
	}
	root := fakeProcSys(t, start)
	s := newVMACSysctls(root)
	for _, vm := range []string{"vrrp.51", "vrrp.53"} {
		for _, err := range []error{s.clearRPFilter(), s.vmac(vm), s.acquireBase("eth0"), s.ipv6(vm, false)} {
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	want := maps2(start, map[string]string{
		"net/ipv4/conf/all/rp_filter": "0", "net/ipv4/conf/default/rp_filter": "1", "net/ipv4/conf/eth0/rp_filter": "1",
		"net/ipv4/conf/eth0/arp_ignore": "1", "net/ipv4/conf/eth0/arp_filter": "1",
	})
	for _, vm := range []string{"vrrp.51", "vrrp.53"} {
		want = maps2(want, map[string]string{
			"net/ipv4/conf/" + vm + "/arp_ignore": "1", "net/ipv4/conf/" + vm + "/accept_local": "1",
			"net/ipv4/conf/" + vm + "/promote_secondaries": "1", "net/ipv6/conf/" + vm + "/disable_ipv6": "1",
			"net/ipv6/conf/" + vm + "/addr_gen_mode": "1",
		})
	}
	if diff := cmp.Diff(want, readProcSys(t, root)); diff != "" {
		t.Errorf("after two VMACs (-want +got):\n%s", diff)
	}
	if err := s.releaseBase("eth0"); err != nil {
		t.Fatal(err)
	}
	if got := readProcSys(t, root)["net/ipv4/conf/eth0/arp_ignore"]; got != "1" {
		t.Errorf("eth0 arp_ignore with one VMAC left: %s, want 1", got)
	}
	if err := s.releaseBase("eth0"); err != nil {
		t.Fatal(err)
	}
	if err := s.restoreRPFilter(); err != nil {
		t.Fatal(err)
	}
	got := readProcSys(t, root)
	for _, k := range []string{"net/ipv4/conf/all/rp_filter", "net/ipv4/conf/default/rp_filter", "net/ipv4/conf/eth0/rp_filter",
		"net/ipv4/conf/eth0/arp_ignore", "net/ipv4/conf/eth0/arp_filter", "net/ipv4/conf/lo/rp_filter"} {
		if got[k] != start[k] {
			t.Errorf("%s after the last VMAC: %s, want %s", k, got[k], start[k])
		}
	}
}

func maps2(a, b map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}
