package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/goalived/goalived/netif/nstest"
)

// dumpCompareConf exercises most of the instance block: authentication,
// a tracked script, notify scripts, several VIPs with labels and a
// VRRPv3 unicast instance.
const dumpCompareConf = `global_defs {
  router_id dump_cmp
  script_user root
  enable_script_security
  vrrp_garp_master_refresh 30
}
vrrp_script chk_true {
  script "/bin/true arg"
  interval 1
  timeout 1
  weight 10
  rise 2
  fall 2
}
vrrp_instance VI_M {
  state BACKUP
  interface eth0
  virtual_router_id 63
  priority 100
  advert_int 1
  authentication {
    auth_type PASS
    auth_pass s3cret
  }
  virtual_ipaddress {
    192.0.2.163/24
    192.0.2.164 label eth0:vip
  }
  track_script {
    chk_true
  }
  notify "/bin/true generic"
  notify_master /bin/true
}
vrrp_instance VI_U {
  interface eth0
  virtual_router_id 64
  priority 120
  version 3
  advert_int 0.5
  nopreempt
  unicast_src_ip 192.0.2.11
  unicast_peer {
    192.0.2.99
  }
  virtual_ipaddress {
    198.51.100.164/32 dev eth0
  }
}
`

// dumpVolatile are keepalived.data lines whose values differ between
// any two runs (times, descriptors) or where goalived knowingly differs
// (a master's stale down timer, keepalived's nftables build lines); they
// are left out of the comparison.
var dumpVolatile = regexp.MustCompile(`^(   Last transition|   Read timeout|   Master down timer|   fd_in| fd_in| nftables| libnftnl)`)

// dumpShape keeps the part of keepalived.data before the interface list
// (whose links differ between labs), without the volatile lines.
func dumpShape(data string) []string {
	data, _, _ = strings.Cut(data, "------< Interfaces >------")
	var out []string
	for _, l := range strings.Split(data, "\n") {
		if !dumpVolatile.MatchString(l) {
			out = append(out, l)
		}
	}
	return out
}

// TestIntegrationDumpDataMatchesKeepalived runs keepalived 2.2.7 and
// goalived with the same configuration in twin namespaces, lets both
// settle as MASTER, and compares their keepalived.data files line for
// line (apart from the volatile lines above). The stats files must match
// in shape too.
func TestIntegrationDumpDataMatchesKeepalived(t *testing.T) {
	nstest.RequireRoot(t)
	ka := keepalivedBinary(t)
	bin := goalivedBinary(t)
	run := func(name, prog string, extra ...string) (data, stats string) {
		lab := nstest.New(t, nstest.Hosts(1))
		dir := t.TempDir()
		dump := filepath.Join(dir, "dump")
		if err := os.Mkdir(dump, 0o700); err != nil {
			t.Fatal(err)
		}
		conf := filepath.Join(dir, "keepalived.conf")
		if err := os.WriteFile(conf, []byte(dumpCompareConf), 0o644); err != nil {
			t.Fatal(err)
		}
		args := append([]string{"TMPDIR=" + dump, prog, "-n", "-l", "-f", conf,
			"-p", filepath.Join(dir, "k.pid"), "-r", filepath.Join(dir, "v.pid")}, extra...)
		p := lab.Start(0, "env", args...)
		t.Cleanup(p.Stop)
		// Both instances are master after at most 3 * 1 s + skew; the script
		// needs two runs (rise 2).
		time.Sleep(6 * time.Second)
		data = signalDump(t, p, syscall.SIGUSR1, filepath.Join(dump, "keepalived.data"))
		stats = signalDump(t, p, syscall.SIGUSR2, filepath.Join(dump, "keepalived.stats"))
		t.Logf("%s output:\n%s", name, p.Output())
		return data, stats
	}
	kData, kStats := run("keepalived", ka, "-P", "-D", "-c", filepath.Join(t.TempDir(), "c.pid"))
	gData, gStats := run("goalived", bin)
	if diff := cmp.Diff(dumpShape(kData), dumpShape(gData)); diff != "" {
		t.Errorf("keepalived.data differs (-keepalived +goalived):\n%s", diff)
	}
	counters := regexp.MustCompile(`\d+`)
	if diff := cmp.Diff(counters.ReplaceAllString(kStats, "N"), counters.ReplaceAllString(gStats, "N")); diff != "" {
		t.Errorf("keepalived.stats differs in shape (-keepalived +goalived):\n%s", diff)
	}
}
