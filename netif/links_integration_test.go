package netif_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/goalived/goalived/netif"
	"github.com/goalived/goalived/netif/nstest"
)

// TestIntegrationLinksListsEachLinksAddresses: Links gives every link its
// own addresses, IPv4 first and then IPv6, each family in the order `ip
// -o addr show dev` lists them, with the secondary flag, although it reads
// the addresses of all links in one dump per family.
func TestIntegrationLinksListsEachLinksAddresses(t *testing.T) {
	lab := nstest.New(t, nstest.Hosts(1))
	lab.Exec(0, "ip", "link", "add", "gl-d1", "type", "veth", "peer", "name", "gl-d2")
	lab.Exec(0, "ip", "link", "set", "gl-d1", "up")
	for _, a := range []string{"192.0.2.40/24 dev eth0", "192.0.2.41/24 dev eth0", "198.51.100.7/32 dev gl-d1",
		"2001:db8:7::1/64 dev gl-d1 nodad", "198.51.100.9/24 dev gl-d1", "2001:db8:7::2/64 dev eth0 nodad"} {
		lab.Exec(0, "ip", append([]string{"addr", "add"}, strings.Fields(a)...)...)
	}
	a, err := netif.OpenAddrs(lab.NetNS(0))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	links, err := a.Links()
	if err != nil {
		t.Fatal(err)
	}
	for _, dev := range []string{"lo", "eth0", "gl-d1"} {
		var got []string
		for _, l := range links {
			if l.Name != dev {
				continue
			}
			for _, ad := range l.Addrs {
				s := ad.Prefix.String()
				if ad.Secondary {
					s += " secondary"
				}
				got = append(got, s)
			}
		}
		if d := cmp.Diff(ipAddrs(t, lab, dev), got); d != "" {
			t.Errorf("%s: addresses differ from ip addr (-ip +Links):\n%s", dev, d)
		}
	}
}

// ipAddrs lists dev's addresses as `ip -o addr show` does: IPv4, then IPv6
// without the kernel's link-local one, which Links lists as well.
func ipAddrs(t *testing.T, lab *nstest.Lab, dev string) []string {
	t.Helper()
	var out []string
	for _, fam := range []string{"-4", "-6"} {
		for _, line := range strings.Split(strings.TrimSpace(lab.Exec(0, "ip", "-o", fam, "addr", "show", "dev", dev)), "\n") {
			f := strings.Fields(line)
			if len(f) < 4 {
				continue
			}
			s := f[3]
			if strings.Contains(line, " secondary ") {
				s += " secondary"
			}
			out = append(out, s)
		}
	}
	return out
}

// TestIntegrationIfIndex: the ioctl that resolves a VIP's interface in
// the daemon's own namespace gives the index `ip link` shows, and a
// missing interface is errNoLink (Remove takes it as already gone).
func TestIntegrationIfIndex(t *testing.T) {
	lab := nstest.New(t, nstest.Hosts(1))
	want := strings.SplitN(lab.Exec(0, "ip", "-o", "link", "show", "dev", "eth0"), ":", 2)[0]
	lab.Do(0, func() {
		idx, err := netif.IfIndex("eth0")
		if err != nil || fmt.Sprint(idx) != want {
			t.Errorf("eth0: index %d, %v; want %s", idx, err, want)
		}
		if _, err := netif.IfIndex("gl-missing0"); !errors.Is(err, netif.ErrNoLink) {
			t.Errorf("missing interface: %v, want link not found", err)
		}
	})
}
