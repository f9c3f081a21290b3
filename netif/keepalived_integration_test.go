package netif_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/goalived/goalived/netif"
	"github.com/goalived/goalived/netif/nstest"
)

// keepalivedConf is a one-instance MASTER configuration; EXTRA takes the
// version and unicast keywords of each case, DIR the notify directory.
const keepalivedConf = `global_defs {
    router_id gl-netif-test
}
vrrp_instance VI_1 {
    state MASTER
    interface eth0
    virtual_router_id VRID
    priority 100
    advert_int 1
EXTRA
    virtual_ipaddress {
        VIP
    }
    notify_master "/usr/bin/touch DIR/master"
    notify_backup "/usr/bin/touch DIR/backup"
}
`

// startKeepalived runs keepalived 2.2.7 in the foreground in host i's
// namespace; the lab stops it (by pid) at cleanup.
// DIR in conf is replaced by a private directory, which is returned.
func startKeepalived(t *testing.T, lab *nstest.Lab, i int, conf string) string {
	t.Helper()
	bin := nstest.Keepalived(t)
	dir := t.TempDir()
	cf := filepath.Join(dir, "keepalived.conf")
	if err := os.WriteFile(cf, []byte(strings.ReplaceAll(conf, "DIR", dir)), 0o644); err != nil {
		t.Fatal(err)
	}
	p := lab.Start(i, "env", "TMPDIR="+dir, bin, "-n", "-l", "-D", "-P", "-f", cf,
		"-p", filepath.Join(dir, "keepalived.pid"), "-r", filepath.Join(dir, "vrrp.pid"))
	t.Cleanup(func() {
		p.Stop() // at the end of this (sub)test, not of the lab
		if t.Failed() || testing.Verbose() {
			t.Logf("keepalived output:\n%s", p.Output())
		}
	})
	return dir
}

// vrrpAdvert builds a VRRP advertisement (RFC 3768 5.1, RFC 5798 5.1) for
// one VIP, interval 1 s, no authentication, from src to dst. The v2 and
// v3 IPv4 checksums (the latter with its pseudo-header, RFC 5798 5.2.8)
// are computed here; the IPv6 one is left to the kernel (IPV6_CHECKSUM).
func vrrpAdvert(version int, vrid, prio byte, vip, src, dst netip.Addr) []byte {
	b := []byte{byte(version<<4 | 1), vrid, prio, 1, 0, 1, 0, 0}
	if version == 3 {
		b[4], b[5] = 0, 100 // centiseconds
	}
	b = append(b, vip.AsSlice()...)
	var pseudo []byte
	switch {
	case version == 2:
		b = append(b, make([]byte, 8)...) // auth data
	case vip.Is4():
		pseudo = append(append(src.AsSlice(), dst.AsSlice()...), 0, netif.ProtoVRRP, 0, byte(len(b)))
	default:
		return b
	}
	binary.BigEndian.PutUint16(b[6:], inetChecksum(append(pseudo, b...)))
	return b
}

func inetChecksum(b []byte) uint16 {
	var sum uint32
	for i := 0; i+1 < len(b); i += 2 {
		sum += uint32(binary.BigEndian.Uint16(b[i:]))
	}
	if len(b)%2 == 1 {
		sum += uint32(b[len(b)-1]) << 8
	}
	for sum > 0xffff {
		sum = sum>>16 + sum&0xffff
	}
	return ^uint16(sum)
}

// TestIntegrationKeepalivedInterop checks both directions against a real
// keepalived 2.2.7 for IPv4 multicast (v2 and v3), IPv4 unicast (v2) and
// IPv6 multicast (v3): its adverts arrive on our Conn with keepalived's header
// fields, and our adverts are accepted by it (a higher priority makes the
// keepalived master step down).
func TestIntegrationKeepalivedInterop(t *testing.T) {
	nstest.RequireRoot(t)
	for _, tc := range []struct {
		name    string
		version int
		vrid    byte
		vip     string
		unicast bool
	}{
		{"ipv4 multicast v2", 2, 51, "192.0.2.100", false},
		{"ipv4 unicast v2", 2, 53, "192.0.2.101", true},
		{"ipv4 multicast v3", 3, 54, "192.0.2.102", false},
		{"ipv6 multicast v3", 3, 52, "2001:db8::100", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel() // each waits ~4 s for keepalived to become master
			lab := nstest.New(t, nstest.Hosts(2))
			a, b := lab.Host(0), lab.Host(1)
			vip := netip.MustParseAddr(tc.vip)
			// Adverts go src -> dst; we answer to the group or, in unicast
			// mode, to keepalived's address.
			cfg, src, dst, peer := netif.Config{Ifname: "eth0"}, a.Addr4, netif.GroupV4, netif.GroupV4
			extra := fmt.Sprintf("    version %d", tc.version)
			switch {
			case tc.unicast:
				cfg.Unicast, cfg.UnicastSrc, dst, peer = true, b.Addr4, b.Addr4, a.Addr4
				extra += fmt.Sprintf("\n    unicast_src_ip %v\n    unicast_peer {\n        %v\n    }", a.Addr4, b.Addr4)
			case vip.Is6():
				cfg.Family, src, dst, peer = 6, a.LinkLocal, netif.GroupV6, netif.GroupV6
			}
			conf := strings.NewReplacer("VRID", fmt.Sprint(tc.vrid), "EXTRA", extra, "VIP", tc.vip).Replace(keepalivedConf)
			conn := listenIn(t, lab, 1, cfg)
			dir := startKeepalived(t, lab, 0, conf)
			checkKeepalivedAdvert(t, conn, src, dst, b.Index, vrrpAdvert(tc.version, tc.vrid, 100, vip, src, dst))
			// Our v3 IPv4 checksum covers conn.Source(): keepalived accepting
			// the advert proves the header carries that source.
			takeOver(t, dir, conn, peer, vrrpAdvert(tc.version, tc.vrid, 200, vip, conn.Source(), peer))
		})
	}
}

func checkKeepalivedAdvert(t *testing.T, conn *netif.Conn, src, dst netip.Addr, ifindex int, want []byte) {
	t.Helper()
	got, err := readOne(t, conn, 15*time.Second)
	if err != nil {
		t.Fatalf("no advert from keepalived: %v", err)
	}
	if got.Src != src || got.Dst != dst || got.TTL != 255 || got.IfIndex != ifindex {
		t.Errorf("keepalived advert %v -> %v ttl %d if %d, want %v -> %v ttl 255 if %d",
			got.Src, got.Dst, got.TTL, got.IfIndex, src, dst, ifindex)
	}
	if src.Is4() && (len(got.Header) < 20 || got.Header[1] != 0xc0 || got.Header[9] != netif.ProtoVRRP) {
		t.Errorf("keepalived ipv4 header % x: want tos c0 and protocol 112", got.Header)
	}
	if src.Is6() && len(got.Payload) == len(want) {
		copy(want[6:8], got.Payload[6:8]) // checked by the kernel
	}
	if !bytes.Equal(got.Payload, want) {
		t.Errorf("keepalived advert payload\n got % x\nwant % x", got.Payload, want)
	}
}

// takeOver sends higher-priority adverts until keepalived goes BACKUP
// (notify_backup already ran once at startup, for the init state).
func takeOver(t *testing.T, dir string, conn *netif.Conn, dst netip.Addr, adv []byte) {
	t.Helper()
	waitFile(t, filepath.Join(dir, "master"), 5*time.Second)
	backup := filepath.Join(dir, "backup")
	if err := os.Remove(backup); err != nil {
		t.Fatalf("notify_backup did not run at startup: %v", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !exists(backup) {
		if time.Now().After(deadline) {
			t.Fatalf("keepalived did not accept our priority 200 adverts")
		}
		if err := conn.WritePacket(adv, dst); err != nil {
			t.Fatal(err)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func waitFile(t *testing.T, path string, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !exists(path) {
		if time.Now().After(deadline) {
			t.Fatalf("%s not created within %v", path, d)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
