package netif_test

import (
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/goalived/goalived/netif"
	"github.com/goalived/goalived/netif/nstest"
)

const keepalivedConf = `global_defs {
    router_id gl-netif-test
}
vrrp_instance VI_1 {
    state MASTER
    interface eth0
    virtual_router_id 51
    priority 100
    advert_int 1
    virtual_ipaddress {
        192.0.2.100/32
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
	bin, err := exec.LookPath("keepalived")
	if err != nil {
		bin = "/usr/sbin/keepalived"
	}
	if _, err := os.Stat(bin); err != nil {
		t.Skipf("skipping: keepalived not installed (%v)", err)
	}
	dir := t.TempDir()
	cf := filepath.Join(dir, "keepalived.conf")
	if err := os.WriteFile(cf, []byte(strings.ReplaceAll(conf, "DIR", dir)), 0o644); err != nil {
		t.Fatal(err)
	}
	p := lab.Start(i, "env", "TMPDIR="+dir, bin, "-n", "-l", "-D", "-P", "-f", cf,
		"-p", filepath.Join(dir, "keepalived.pid"), "-r", filepath.Join(dir, "vrrp.pid"))
	t.Cleanup(func() {
		if t.Failed() || testing.Verbose() {
			t.Logf("keepalived output:\n%s", p.Output())
		}
	})
	return dir
}

// v2Advert builds a VRRPv2 advertisement (RFC 3768 5.1) for VRID 51 and
// 192.0.2.100 with no authentication.
func v2Advert(prio byte) []byte {
	b := []byte{0x21, 51, prio, 1, 0, 1, 0, 0, 192, 0, 2, 100, 0, 0, 0, 0, 0, 0, 0, 0}
	var sum uint32
	for i := 0; i < len(b); i += 2 {
		sum += uint32(binary.BigEndian.Uint16(b[i:]))
	}
	sum = sum>>16 + sum&0xffff
	sum += sum >> 16
	binary.BigEndian.PutUint16(b[6:], ^uint16(sum))
	return b
}

// TestIntegrationKeepalivedInterop checks both directions against a real
// keepalived: its adverts arrive on our Conn with keepalived's header
// fields, and our adverts are accepted by it (a higher priority makes the
// keepalived master step down).
func TestIntegrationKeepalivedInterop(t *testing.T) {
	lab := nstest.New(t, nstest.Hosts(2))
	b := listenIn(t, lab, 1, netif.Config{Ifname: "eth0"})
	dir := startKeepalived(t, lab, 0, keepalivedConf)

	got, err := readOne(t, b, 15*time.Second)
	if err != nil {
		t.Fatalf("no advert from keepalived: %v", err)
	}
	h := lab.Host(0)
	if got.Src != h.Addr4 || got.Dst != netif.GroupV4 || got.TTL != 255 || got.IfIndex != lab.Host(1).Index {
		t.Errorf("keepalived advert %v -> %v ttl %d if %d, want %v -> 224.0.0.18 ttl 255 if %d",
			got.Src, got.Dst, got.TTL, got.IfIndex, h.Addr4, lab.Host(1).Index)
	}
	if len(got.Header) < 20 || got.Header[1] != 0xc0 || got.Header[9] != netif.ProtoVRRP {
		t.Errorf("keepalived ipv4 header % x: want tos c0 and protocol 112", got.Header)
	}
	if want := v2Advert(100); string(got.Payload) != string(want) {
		t.Errorf("keepalived advert payload\n got % x\nwant % x", got.Payload, want)
	}

	// Our higher-priority adverts must be accepted: keepalived goes BACKUP
	// (notify_backup already ran once at startup, for the init state).
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
		if err := b.WritePacket(v2Advert(200), netif.GroupV4); err != nil {
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
