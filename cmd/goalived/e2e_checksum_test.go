package main

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/goalived/goalived/vrrp"
)

// TestIntegrationOldUnicastChecksum: old_unicast_checksum against
// keepalived 2.2.7 (VRRPv3, unicast, IPv4). What a lone master sends
// (RFC 5798 checksum by default and with "never", keepalived < 1.3.6's
// with 224.0.0.18 in the pseudo-header with the bare keyword) is read
// by a raw socket on the peer and classified by vrrp.Unmarshal; then
// each daemon learns the old checksum from the other (keepalived:
// "Setting unicast VRRPv3 checksum to old version"), which keeps a
// single master, and "never" does not learn it, which keepalived
// (checking the old checksum only once configured) answers with
// "Invalid VRRPv3 checksum".
func TestIntegrationOldUnicastChecksum(t *testing.T) {
	t.Parallel()
	keepalivedBinary(t)
	l := newTestlab(t, 2)
	base := func(vrid int, self, peer int, prio int, extra ...string) vrrpConf {
		return vrrpConf{State: "BACKUP", Priority: prio, VRID: vrid, Version: 3, AdvertInt: "0.5",
			VIP: fmt.Sprintf("192.0.2.%d", vrid), UnicastSrc: l.Host(self).Addr4.String(),
			Peers: []string{l.Host(peer).Addr4.String()}, Extra: extra}
	}
	t.Run("sends", func(t *testing.T) {
		cases := []struct {
			option string
			want   vrrp.ChecksumForm
		}{
			{"", vrrp.ChecksumPseudoHeader},
			{"old_unicast_checksum", vrrp.ChecksumOldUnicast},
			{"old_unicast_checksum never", vrrp.ChecksumPseudoHeader},
		}
		for i, tc := range cases {
			for _, kind := range []string{keepalivedKind, goalivedKind} {
				t.Run(fmt.Sprintf("%s/%q", kind, tc.option), func(t *testing.T) {
					var extra []string
					if tc.option != "" {
						extra = []string{tc.option}
					}
					c := base(221+i, 0, 1, 100, extra...)
					s := l.sniffVRRP(t, 1)
					n := l.start(t, 0, kind, c)
					from := l.Host(0).Addr4
					waitFor(t, c.masterDown(t, 100)+startMargin, func() bool { return len(s.forms(from)) >= 3 },
						func() string { return fmt.Sprintf("3 adverts of %v on host 1, got %v", n, s.forms(from)) })
					n.term(t)
					n.waitExit(t)
					got := slices.Compact(s.forms(from))
					if !slices.Equal(got, []vrrp.ChecksumForm{tc.want}) {
						t.Errorf("%v sent checksums %v, want only %v", n, got, tc.want)
					}
				})
			}
		}
	})
	t.Run("goalived learns the old checksum", func(t *testing.T) {
		c := base(231, 0, 1, 100, "old_unicast_checksum")
		k := l.start(t, 0, keepalivedKind, c)
		waitLog(t, k, "Entering MASTER STATE", c.masterDown(t, 100)+startMargin)
		s := l.sniffVRRP(t, 0)
		g := l.start(t, 1, goalivedKind, base(231, 1, 0, 200))
		waitLog(t, g, "Setting unicast VRRPv3 checksum to old version", startMargin)
		g.waitState(t, "MASTER", c.masterDown(t, 200)+startMargin)
		waitLog(t, k, "Entering BACKUP STATE", startMargin)
		if got := slices.Compact(s.waitForms(t, l.Host(1).Addr4)); !slices.Equal(got, []vrrp.ChecksumForm{vrrp.ChecksumOldUnicast}) {
			t.Errorf("goalived sent checksums %v, want only %v", got, vrrp.ChecksumOldUnicast)
		}
		if strings.Contains(k.proc.Output(), "Invalid VRRPv3 checksum") {
			t.Errorf("keepalived dropped goalived's adverts:\n%s", k.proc.Output())
		}
	})
	t.Run("goalived never learns it", func(t *testing.T) {
		c := base(232, 0, 1, 100, "old_unicast_checksum")
		k := l.start(t, 0, keepalivedKind, c)
		waitLog(t, k, "Entering MASTER STATE", c.masterDown(t, 100)+startMargin)
		s := l.sniffVRRP(t, 0)
		g := l.start(t, 1, goalivedKind, base(232, 1, 0, 200, "old_unicast_checksum never"))
		g.waitState(t, "MASTER", c.masterDown(t, 200)+startMargin)
		waitLog(t, k, "Invalid VRRPv3 checksum", startMargin)
		if got := slices.Compact(s.waitForms(t, l.Host(1).Addr4)); !slices.Equal(got, []vrrp.ChecksumForm{vrrp.ChecksumPseudoHeader}) {
			t.Errorf("goalived sent checksums %v, want only %v", got, vrrp.ChecksumPseudoHeader)
		}
		if strings.Contains(g.proc.Output(), "old version") {
			t.Errorf("goalived switched checksums despite never:\n%s", g.proc.Output())
		}
	})
	t.Run("keepalived learns it from goalived", func(t *testing.T) {
		c := base(233, 0, 1, 200, "old_unicast_checksum")
		g := l.start(t, 0, goalivedKind, c)
		g.waitState(t, "MASTER", c.masterDown(t, 200)+startMargin)
		k := l.start(t, 1, keepalivedKind, base(233, 1, 0, 100))
		waitLog(t, k, "Setting unicast VRRPv3 checksum to old version", startMargin)
		// Had keepalived dropped the adverts, its down timer would have
		// made it master within this time.
		time.Sleep(c.masterDown(t, 100) + time.Second)
		if out := k.proc.Output(); strings.Contains(out, "Entering MASTER STATE") || strings.Contains(out, "Invalid VRRPv3 checksum") {
			t.Errorf("keepalived did not accept goalived's old checksum:\n%s", out)
		}
		if st := g.state(t); st != "MASTER" {
			t.Errorf("goalived is %s, want MASTER", st)
		}
	})
}

// waitLog waits until n's output contains s.
func waitLog(t testing.TB, n *node, s string, within time.Duration) {
	t.Helper()
	waitFor(t, within, func() bool { return strings.Contains(n.proc.Output(), s) },
		func() string { return fmt.Sprintf("%v to log %q:\n%s", n, s, n.proc.Output()) })
}

// vrrpSniffer reads the VRRP packets host i receives through a raw
// socket of its own and notes the checksum form of each advert.
type vrrpSniffer struct {
	mu   sync.Mutex
	seen []sniffed
}

type sniffed struct {
	src  netip.Addr
	form vrrp.ChecksumForm
}

// sniffVRRP starts a sniffer on host i until the end of t.
func (l *testlab) sniffVRRP(t *testing.T, i int) *vrrpSniffer {
	t.Helper()
	fd := -1
	var err error
	l.Do(i, func() {
		fd, err = syscall.Socket(syscall.AF_INET, syscall.SOCK_RAW|syscall.SOCK_CLOEXEC, vrrp.IPProtocol)
	})
	if err != nil {
		t.Fatalf("raw socket on host %d: %v", i, err)
	}
	t.Cleanup(func() { syscall.Close(fd) })
	s := &vrrpSniffer{}
	readEach(t, fd, 20, s.note)
	return s
}

// note classifies one IPv4 packet.
func (s *vrrpSniffer) note(pkt []byte) {
	ihl := int(pkt[0]&0x0f) * 4
	if len(pkt) < ihl {
		return
	}
	src, dst := netip.AddrFrom4([4]byte(pkt[12:16])), netip.AddrFrom4([4]byte(pkt[16:20]))
	a, err := vrrp.Unmarshal(pkt[ihl:], src, dst, vrrp.CodecOptions{})
	if err != nil || a.Priority == vrrp.PriorityStop {
		return
	}
	s.mu.Lock()
	s.seen = append(s.seen, sniffed{src, a.Checksum})
	s.mu.Unlock()
}

// forms are the checksum forms of src's adverts so far, in order.
// waitForms is forms once at least one advert from src was read: the
// sniffer reads in the background, behind the peer that already logged.
func (s *vrrpSniffer) waitForms(t *testing.T, src netip.Addr) []vrrp.ChecksumForm {
	t.Helper()
	waitFor(t, 10*time.Second, func() bool { return len(s.forms(src)) > 0 },
		func() string { return fmt.Sprintf("an advert from %v on the sniffer", src) })
	return s.forms(src)
}

func (s *vrrpSniffer) forms(src netip.Addr) []vrrp.ChecksumForm {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []vrrp.ChecksumForm
	for _, p := range s.seen {
		if p.src == src {
			out = append(out, p.form)
		}
	}
	return out
}
