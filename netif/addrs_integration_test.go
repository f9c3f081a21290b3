package netif_test

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/goalived/goalived/netif"
	"github.com/goalived/goalived/netif/nstest"
)

func openAddrs(t *testing.T, lab *nstest.Lab, i int) *netif.Addrs {
	t.Helper()
	a, err := netif.OpenAddrs(lab.NetNS(i))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	return a
}

// addrLine returns the "ip -o addr show" line for address ip, or "".
func addrLine(t *testing.T, lab *nstest.Lab, i int, ip string) string {
	t.Helper()
	out := lab.Exec(i, "ip", "-o", "addr", "show", "dev", "eth0")
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, " "+ip+"/") {
			return l
		}
	}
	return ""
}

func TestIntegrationAddrsEnsure(t *testing.T) {
	lab := nstest.New(t, nstest.Hosts(1))
	addrs := openAddrs(t, lab, 0)
	p := netip.MustParsePrefix
	vips := []netif.Addr{
		{Prefix: p("192.0.2.100/32"), Dev: "eth0", Label: "eth0:vip"},
		{Prefix: p("192.0.2.101/24"), Dev: "eth0"},
		{Prefix: p("192.0.2.102/32"), Dev: "eth0", Broadcast: netip.MustParseAddr("192.0.2.255"), Scope: 253},
		{Prefix: p("2001:db8::100/128"), Dev: "eth0"},
		{Prefix: p("2001:db8::101/64"), Dev: "eth0"},
		{Prefix: p("2001:db8::102/128"), Dev: "eth0", PreferredForever: true, NoPrefixRoute: true},
		{Prefix: p("2001:db8::103/64"), Dev: "eth0", DAD: true},
	}
	// Substrings each "ip -o addr" line must (+) and must not (-) contain.
	checks := []struct {
		ip       string
		has, not []string
	}{
		{"192.0.2.100", []string{"inet 192.0.2.100/32 scope global eth0:vip"}, []string{"brd"}},
		{"192.0.2.101", []string{"inet 192.0.2.101/24 scope global secondary eth0"}, []string{"brd"}},
		{"192.0.2.102", []string{"inet 192.0.2.102/32 brd 192.0.2.255 scope link eth0"}, nil},
		{"2001:db8::100", []string{"/128 scope global nodad deprecated", "preferred_lft 0sec"}, nil},
		{"2001:db8::101", []string{"/64 scope global nodad", "preferred_lft forever"}, []string{"deprecated"}},
		{"2001:db8::102", []string{"/128 scope global nodad noprefixroute", "preferred_lft forever"}, []string{"deprecated"}},
		{"2001:db8::103", []string{"/64 scope global"}, []string{"nodad"}},
	}
	for round := 1; round <= 2; round++ { // the second Ensure must change nothing
		if err := addrs.Ensure(vips); err != nil {
			t.Fatalf("Ensure round %d: %v", round, err)
		}
		for _, c := range checks {
			line := addrLine(t, lab, 0, c.ip)
			for _, h := range c.has {
				if !strings.Contains(line, h) {
					t.Errorf("round %d: %s: want %q in %q", round, c.ip, h, line)
				}
			}
			for _, n := range c.not {
				if strings.Contains(line, n) {
					t.Errorf("round %d: %s: do not want %q in %q", round, c.ip, n, line)
				}
			}
		}
	}
	out := lab.Exec(0, "ip", "-o", "addr", "show", "dev", "eth0")
	t.Logf("after Ensure:\n%s", out)
	if n := strings.Count(out, "192.0.2.100/"); n != 1 {
		t.Errorf("192.0.2.100 appears %d times after two Ensure calls:\n%s", n, out)
	}
	for _, v := range vips {
		if ok, err := addrs.Present(v); err != nil || !ok {
			t.Errorf("Present(%v) = %v, %v after Ensure", v, ok, err)
		}
	}
	for round := 1; round <= 2; round++ { // Remove is idempotent too
		if err := addrs.Remove(vips); err != nil {
			t.Fatalf("Remove round %d: %v", round, err)
		}
	}
	for _, v := range vips {
		if ok, err := addrs.Present(v); err != nil || ok {
			t.Errorf("Present(%v) = %v, %v after Remove", v, ok, err)
		}
	}
	// An address added by hand with another label is still removed.
	lab.Exec(0, "ip", "addr", "add", "192.0.2.130/32", "dev", "eth0", "label", "eth0:hand")
	if err := addrs.Remove([]netif.Addr{{Prefix: p("192.0.2.130/32"), Dev: "eth0", Label: "eth0:vip"}}); err != nil {
		t.Fatal(err)
	}
	if line := addrLine(t, lab, 0, "192.0.2.130"); line != "" {
		t.Errorf("Remove left a differently labelled address: %s", line)
	}
	if line := addrLine(t, lab, 0, lab.Host(0).Addr4.String()); line == "" {
		t.Errorf("Remove took the host's own address too")
	}
}

func TestIntegrationAddrsErrors(t *testing.T) {
	lab := nstest.New(t, nstest.Hosts(1))
	addrs := openAddrs(t, lab, 0)
	p := netip.MustParsePrefix
	good := netif.Addr{Prefix: p("192.0.2.110/32"), Dev: "eth0"}
	err := addrs.Ensure([]netif.Addr{
		{Prefix: p("192.0.2.111/32"), Dev: "nosuch0"},
		{Prefix: p("2001:db8::111/128"), Dev: "eth0", Label: "eth0:x"},
		good,
	})
	if err == nil {
		t.Fatal("Ensure with bad addresses: no error")
	}
	for _, want := range []string{"add vip 192.0.2.111/32 dev nosuch0", "label \"eth0:x\" on an ipv6 address"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	// The good address is added despite the bad ones.
	if ok, err := addrs.Present(good); err != nil || !ok {
		t.Errorf("Present(%v) = %v, %v: a bad entry blocked a good one", good, ok, err)
	}
}

func TestIntegrationAddrsPrimaryAndLink(t *testing.T) {
	lab := nstest.New(t, nstest.Hosts(1))
	addrs := openAddrs(t, lab, 0)
	h := lab.Host(0)
	// A secondary address in the same subnet does not become primary.
	lab.Exec(0, "ip", "addr", "add", "192.0.2.120/24", "dev", "eth0")
	for _, tc := range []struct {
		family int
		want   netip.Addr
	}{{4, h.Addr4}, {6, h.LinkLocal}} {
		got, err := addrs.Primary("eth0", tc.family)
		if err != nil || got != tc.want {
			t.Errorf("Primary(eth0, %d) = %v, %v; want %v", tc.family, got, err, tc.want)
		}
	}
	st, err := addrs.Link("eth0")
	if err != nil || !st.Up || !st.Running || st.Index != h.Index || st.MAC.String() != h.MAC.String() {
		t.Errorf("Link(eth0) = %+v, %v; want up, running, index %d, mac %s", st, err, h.Index, h.MAC)
	}
	lab.Exec(0, "ip", "link", "set", "eth0", "down")
	if st, err := addrs.Link("eth0"); err != nil || st.Up || st.Running {
		t.Errorf("Link(eth0) after down = %+v, %v", st, err)
	}
	if _, err := addrs.Link("nosuch0"); err == nil {
		t.Error("Link(nosuch0): no error")
	}
}
