package main

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestIntegrationAdvertsMatchKeepalived captures, on the client (for
// unicast: on the peer's address, so the client sees nothing and the
// capture runs on router 1), the adverts a lone master sends from start
// to SIGTERM, once with keepalived 2.2.7 and once with goalived, with the
// same configuration on the same host, and compares tcpdump's decoding
// of them: IP/IPv6 header fields (TOS/class, TTL/hop limit, flags,
// protocol, addresses) and the VRRP fields. The IP id, checksums and the
// automatic IPv6 flow label vary by run and are removed; goalived's
// adverts must otherwise be identical, including the final priority-0
// advert.
func TestIntegrationAdvertsMatchKeepalived(t *testing.T) {
	t.Parallel()
	keepalivedBinary(t)
	tcpdumpBinary(t)
	l := newTestlab(t, 2)
	cases := []struct {
		name    string
		base    vrrpConf
		unicast bool
	}{
		{"v2-pass-ipv4", vrrpConf{VRID: 211, AdvertInt: "1", AuthPass: "11111", VIP: "192.0.2.211", MoreVIPs: []string{"192.0.2.212/24"}}, false},
		{"v3-ipv4", vrrpConf{VRID: 212, Version: 3, AdvertInt: "0.5", VIP: "192.0.2.213"}, false},
		{"v3-ipv6", vrrpConf{VRID: 213, AdvertInt: "0.5", VIP: "2001:db8::213/64", MoreVIPs: []string{"fe80::213/64"}}, false},
		// keepalived leaves IPv6 unicast adverts at the kernel's default
		// hop limit (64) unless unicast_ttl is set (reference 3.11); this
		// case found goalived sending 255 (fixed in 4f0a6b6).
		{"v3-ipv6-unicast", vrrpConf{VRID: 215, AdvertInt: "0.5", VIP: "2001:db8::215/64"}, true},
		{"v2-ipv4-unicast", vrrpConf{VRID: 216, AdvertInt: "1", AuthPass: "s3cret", VIP: "192.0.2.216"}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := map[string][]string{}
			for _, kind := range []string{keepalivedKind, goalivedKind} {
				c := tc.base
				c.State, c.Priority = "BACKUP", 100
				if tc.unicast {
					c = l.confs(t, c, true, []int{0, 1}, []int{100, 100})[0]
				}
				got[kind] = l.captureAdverts(t, kind, c)
				t.Logf("%s adverts:\n%s", kind, strings.Join(got[kind], "\n"))
			}
			if len(got[keepalivedKind]) < 2 {
				t.Fatalf("captured %d distinct keepalived adverts, want the running and the priority-0 one", len(got[keepalivedKind]))
			}
			if d := cmp.Diff(got[keepalivedKind], got[goalivedKind]); d != "" {
				t.Errorf("adverts differ (-keepalived +goalived):\n%s", d)
			}
		})
	}
}

var (
	advertNoise = regexp.MustCompile(`(, id \d+|, flowlabel 0x[0-9a-f]+|, cksum 0x[0-9a-f]+ \(correct\)|\[icmp6 sum ok\] )`)
	vrrpLine    = regexp.MustCompile(`^\d\d:\d\d:\d\d\.\d+ (.*)$`)
)

// captureAdverts runs kind with c on router 0 until it is master for a
// second, then stops it; it returns the distinct adverts (noise removed)
// seen on router 1, in order of first appearance.
func (l *testlab) captureAdverts(t *testing.T, kind string, c vrrpConf) []string {
	t.Helper()
	var out []string
	t.Run(kind, func(t *testing.T) {
		bin := tcpdumpBinary(t)
		dump := l.Start(1, bin, "-i", "eth0", "-l", "-n", "-vv", "--immediate-mode", "-s", "0", "ip proto 112 or ip6 proto 112")
		waitFor(t, 5*time.Second, func() bool { return strings.Contains(dump.Output(), "listening on") },
			func() string { return "tcpdump to start: " + dump.Output() })
		vip := c.vip(t)
		n := l.start(t, 0, kind, c)
		l.waitHolder(t, vip, 0, c.masterDown(t, c.Priority)+startMargin)
		time.Sleep(time.Second + c.advert(t))
		n.term(t)
		n.waitExit(t)
		// The priority-0 advert of the exit is the last one.
		waitFor(t, 5*time.Second, func() bool { return strings.Contains(dump.Output(), "prio 0,") },
			func() string { return "tcpdump to print the priority-0 advert: " + dump.Output() })
		dump.Stop()
		// -vv prints the IP header on one line and VRRP on the next.
		lines := strings.Split(dump.Output(), "\n")
		seen := map[string]bool{}
		for i := 0; i+1 < len(lines); i++ {
			m := vrrpLine.FindStringSubmatch(lines[i])
			if m == nil {
				continue
			}
			text := m[1]
			if next := lines[i+1]; strings.HasPrefix(next, " ") || strings.HasPrefix(next, "\t") {
				text += " " + strings.TrimSpace(next)
			}
			text = advertNoise.ReplaceAllString(text, "")
			if !seen[text] {
				seen[text] = true
				out = append(out, text)
			}
		}
	})
	return out
}
