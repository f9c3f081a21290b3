package vrrptest_test

import (
	"errors"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/goalived/goalived/netif"
	"github.com/goalived/goalived/netif/nstest"
	"github.com/goalived/goalived/vrrp"
)

// kaConf: keepalived 2.2.7 as the user's BACKUP peer.
const kaConf = `global_defs {
    router_id gl-vrrp-test
}
vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority 100
    advert_int 1
EXTRA
    virtual_ipaddress {
        VIPS
    }
    notify_master "/usr/bin/touch DIR/master"
    notify_backup "/usr/bin/touch DIR/backup"
}
`

// TestIntegrationKeepalivedElection runs a vrrp.Instance over a real raw
// socket (netif, imported by this test only: package vrrp stays pure) against keepalived 2.2.7 on a bridged segment and checks the
// elections both ways: we win with a higher priority, keepalived takes
// over within its skew time after our priority-0 advert, we stay backup
// below it and preempt it when our priority rises.
func TestIntegrationKeepalivedElection(t *testing.T) {
	nstest.RequireRoot(t)
	bin := nstest.Keepalived(t)
	pass := [8]byte{'s', '3', 'c', 'r', 'e', 't'}
	for _, tc := range []kaCase{
		{"v2 pass ipv4", 2, 4, vrrp.AuthPass, pass,
			"    authentication {\n        auth_type PASS\n        auth_pass s3cret\n    }", "192.0.2.100 192.0.2.101"},
		{"v3 ipv4", 3, 4, vrrp.AuthNone, [8]byte{}, "    version 3", "192.0.2.100"},
		{"v3 ipv6", 3, 6, vrrp.AuthNone, [8]byte{}, "", "2001:db8::100 2001:db8::101"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			keepalivedElection(t, bin, tc)
		})
	}
}

type kaCase struct {
	name    string
	version uint8
	family  int
	auth    vrrp.AuthType
	pass    [8]byte
	extra   string // keepalived.conf lines
	vips    string // space separated
}

func keepalivedElection(t *testing.T, bin string, tc kaCase) {
	var vips []netip.Addr
	for _, v := range strings.Fields(tc.vips) {
		vips = append(vips, netip.MustParseAddr(v))
	}
	lab := nstest.New(t, nstest.Hosts(2))
	var conn *netif.Conn
	var err error
	lab.Do(1, func() { conn, err = netif.Listen(netif.Config{Ifname: "eth0", Family: tc.family}) })
	if err != nil {
		t.Fatal(err)
	}
	var cur atomic.Pointer[vrrp.Instance]
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 65536)
		for {
			p, err := conn.ReadPacket(buf)
			if errors.Is(err, net.ErrClosed) {
				return
			}
			if in := cur.Load(); err == nil && in != nil && len(p.Payload) > 1 && p.Payload[1] == 51 {
				in.Deliver(vrrp.Packet{Payload: append([]byte(nil), p.Payload...), Src: p.Src, Dst: p.Dst, TTL: int(p.TTL)})
			}
		}
	}()
	t.Cleanup(func() { conn.Close(); <-done })
	start := func(prio int) (*vrrp.Instance, *recorder) {
		rec := &recorder{}
		in, err := vrrp.NewInstance(vrrp.Config{Name: "VI_1", VRID: 51, Version: tc.version, Priority: uint8(prio),
			Interval: time.Second, AuthType: tc.auth, AuthPass: tc.pass, Addrs: vips, Source: conn.Source(),
			GARP: vrrp.DefaultGARP()},
			vrrp.Outputs{Sender: connSender{conn}, Reporter: rec})
		if err != nil {
			t.Fatal(err)
		}
		cur.Store(in)
		t.Cleanup(func() { in.Close() })
		if err := in.Start(); err != nil {
			t.Fatal(err)
		}
		return in, rec
	}

	dir := t.TempDir()
	cf := filepath.Join(dir, "keepalived.conf")
	if err := os.WriteFile(cf, []byte(strings.NewReplacer("DIR", dir, "EXTRA", tc.extra,
		"VIPS", strings.ReplaceAll(tc.vips, " ", "\n        ")).Replace(kaConf)), 0o644); err != nil {
		t.Fatal(err)
	}
	ka := lab.Start(0, "env", "TMPDIR="+dir, bin, "-n", "-l", "-D", "-P", "-f", cf,
		"-p", filepath.Join(dir, "k.pid"), "-r", filepath.Join(dir, "v.pid"))
	t.Cleanup(func() {
		ka.Stop()
		if t.Failed() {
			t.Logf("keepalived output:\n%s", ka.Output())
		}
	})
	master, backup := filepath.Join(dir, "master"), filepath.Join(dir, "backup")

	// 1. We (150) win the first election; keepalived (100) stays BACKUP.
	in, _ := start(150)
	waitFor(t, 8*time.Second, "our instance to become master", func() bool { return in.State() == vrrp.StateMaster })
	time.Sleep(3 * time.Second)
	if fileExists(master) {
		t.Fatal("keepalived became master although our priority 150 advert was on the wire")
	}

	// 2. Our priority-0 advert hands over within keepalived's skew time
	// (156/256 s) plus scheduling.
	stopped := time.Now()
	in.Close()
	waitFor(t, 2*time.Second, "keepalived to take over after priority 0", func() bool { return fileExists(master) })
	if d := time.Since(stopped); d > 1500*time.Millisecond {
		t.Errorf("keepalived took over %v after our priority 0 advert", d)
	}

	// 3. At 50 we stay BACKUP behind keepalived and accept its adverts.
	os.Remove(backup)
	in, rec := start(50)
	time.Sleep(5 * time.Second)
	if in.State() != vrrp.StateBackup {
		t.Fatalf("state %v behind keepalived priority 100, want BACKUP", in.State())
	}
	if st := in.Stats(); st.AdvertReceived < 3 || st.Drops != ([len(st.Drops)]uint64{}) {
		t.Errorf("stats %+v: want keepalived's adverts accepted, none dropped", st)
	}

	// 4. Raised to 200 we preempt; keepalived steps down.
	in.SetPriority(200)
	waitFor(t, 5*time.Second, "our instance to preempt", func() bool { return in.State() == vrrp.StateMaster })
	waitFor(t, 3*time.Second, "keepalived to step down", func() bool { return fileExists(backup) })
	if n := len(rec.transitions()); n != 2 {
		t.Errorf("%d transitions, want BACKUP then MASTER: %+v", n, rec.transitions())
	}
}

type connSender struct{ c *netif.Conn }

func (s connSender) Send(dst netip.Addr, msg []byte) error { return s.c.WritePacket(msg, dst) }

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func waitFor(t *testing.T, d time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", d, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

type recorder struct {
	mu sync.Mutex
	ts []vrrp.Report
}

func (r *recorder) Report(rep vrrp.Report) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if rep.Kind == vrrp.ReportTransition {
		r.ts = append(r.ts, rep)
	}
}

func (r *recorder) transitions() []vrrp.Report {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]vrrp.Report(nil), r.ts...)
}
