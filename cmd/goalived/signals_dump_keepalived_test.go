package main

import (
	"net/netip"
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

// dumpCompareConf2 has a sync group, a VRRPv3 IPv6 instance, excluded
// VIPs of both families, an instance in FAULT (its tracked interface is
// down), a notify FIFO with a reader, and notify_deleted. DIR is the run's
// directory.
const dumpCompareConf2 = `global_defs {
  router_id dump_cmp2
  vrrp_notify_fifo DIR/v.fifo
  vrrp_notify_fifo_script "/bin/true fifo"
  vrrp_notify_priority_changes
  vrrp_garp_lower_prio_repeat 2
  vrrp_garp_interval 0.002
}
vrrp_sync_group VG {
  group {
    VI_A
    VI_B
  }
  notify_backup "/bin/true sg"
}
vrrp_instance VI_A {
  state MASTER
  interface eth0
  virtual_router_id 81
  priority 150
  virtual_ipaddress {
    192.0.2.181/24
  }
  virtual_ipaddress_excluded {
    198.51.100.181/32
    2001:db8::181/64
  }
  notify_deleted
}
vrrp_instance VI_B {
  interface eth1
  virtual_router_id 82
  priority 90
  virtual_ipaddress {
    198.51.100.182
  }
}
vrrp_instance VI_6 {
  interface eth1
  virtual_router_id 83
  priority 100
  version 3
  advert_int 0.3
  virtual_ipaddress {
    2001:db8::183/64
    2001:db8::184
  }
  track_interface {
    eth2 weight -20
  }
}
vrrp_instance VI_F {
  interface eth0
  virtual_router_id 84
  track_interface {
    eth2
  }
  virtual_ipaddress {
    192.0.2.184
  }
}
`

// dumpCompareConf3 tracks a file (initialised to 5) and a process that
// never runs.
const dumpCompareConf3 = `global_defs {
  router_id dump_cmp3
}
track_file tf_prio {
  file DIR/prio
  weight 2
  init_file 5 overwrite
}
vrrp_track_process proc_none {
  process gl-no-such-process
  weight 15
  quorum 1
  quorum_max 8
  delay 0.5
}
vrrp_instance VI_T {
  interface eth0
  virtual_router_id 95
  priority 100
  virtual_ipaddress {
    192.0.2.195/24
  }
  track_file {
    tf_prio weight 3
  }
  track_process {
    proc_none
  }
}
`

// addLinks gives the lab host eth1 (198.51.100.11/24, 2001:db8:1::11/64)
// and eth2 (down), veths with fixed MAC addresses so that both runs list
// the same interfaces.
func addLinks(t *testing.T, lab *nstest.Lab) {
	for _, c := range [][]string{
		{"link", "add", "eth1", "address", "02:00:5e:47:4d:01", "type", "veth", "peer", "name", "peth1", "address", "02:00:5e:47:4d:02"},
		{"link", "add", "eth2", "address", "02:00:5e:47:4d:03", "type", "veth", "peer", "name", "peth2", "address", "02:00:5e:47:4d:04"},
		{"addr", "add", "198.51.100.11/24", "dev", "eth1"},
		{"addr", "add", "2001:db8:1::11/64", "dev", "eth1", "nodad"},
		{"link", "set", "peth1", "up"},
		{"link", "set", "eth1", "up"},
	} {
		lab.Exec(0, "ip", c...)
	}
	// The link-local address must leave DAD before an IPv6 instance can
	// use it as its source.
	waitFor(t, 5*time.Second, func() bool {
		out := lab.Exec(0, "ip", "-6", "addr", "show", "dev", "eth1", "scope", "link")
		return strings.Contains(out, "fe80::") && !strings.Contains(out, "tentative")
	}, func() string { return "eth1's link-local address" })
}

// dumpDropped are lines only keepalived prints: its nftables build.
var dumpDropped = regexp.MustCompile(`^ (nftables|libnftnl)`)

// dumpVolatile are lines whose numbers differ between any two runs
// (times, descriptors, interface indexes) or where goalived knowingly
// prints another value (a master's stale down timer in keepalived, one
// socket per instance in goalived); their numbers are not compared.
var dumpVolatile = regexp.MustCompile(`^(   Last transition|   Read timeout|   Master down timer|   fd_in| fd_in|   index =|` +
	`   Multicast address ff02::12, ifindex|   (Not )?IPv6 forwarding\. Last checked| GARP next time| GNA next time)`)

var digits = regexp.MustCompile(`\d+`)

// dumpShape is keepalived.data with the run's directory replaced by DIR,
// keepalived-only lines dropped and the numbers of volatile lines masked.
func dumpShape(data, dir string) []string {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(data, dir, "DIR"), "\n") {
		switch {
		case dumpDropped.MatchString(l):
		case dumpVolatile.MatchString(l):
			out = append(out, digits.ReplaceAllString(l, "N"))
		default:
			out = append(out, l)
		}
	}
	return out
}

// jsonShape masks what differs between runs in keepalived.json: the
// transition times and the counters.
func jsonShape(js string) []string {
	js = regexp.MustCompile(`"last_transition":[0-9.]+`).ReplaceAllString(js, `"last_transition":T`)
	js = regexp.MustCompile(`"(advert_sent|advert_rcvd)":\d+`).ReplaceAllString(js, `"$1":N`)
	return strings.Split(js, "{")
}

type dumpRun struct {
	dir                string
	data, stats, jsonf string
	out                string // the daemon's console output (-l) so far
	// lab and proc let a test go on with the running daemon.
	lab  *nstest.Lab
	proc *nstest.Proc
}

// dumpScenario is one comparison: the configuration of the daemon under
// test, whether it needs eth1/eth2, and optionally a peer configuration
// that keepalived runs on a second host of the segment.
type dumpScenario struct {
	name  string
	conf  string
	links bool
	peer  string
	// want are lines both dumps must contain: they show the scenario
	// reached the state it is about.
	want []string
	// counts are lines the dumps hold so many times once the instances
	// settled (their states, the masters they heard).
	counts map[string]int
	// peerVIPs are the peer's VIPs: it holds them once it is master.
	peerVIPs []string
}

// settled reports whether a keepalived.data shows the scenario's state.
func (sc dumpScenario) settled(data string) bool {
	for _, w := range sc.want {
		if !strings.Contains(data, "\n"+w+"\n") {
			return false
		}
	}
	for line, n := range sc.counts {
		if strings.Count(data, "\n"+line+"\n") != n {
			return false
		}
	}
	return true
}

// startPeer runs keepalived with conf on host i of lab.
func startPeer(t *testing.T, lab *nstest.Lab, i int, ka, conf string) {
	dir := t.TempDir()
	path := filepath.Join(dir, "peer.conf")
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	p := lab.Start(i, ka, "-n", "-l", "-D", "-P", "-f", path, "-p", filepath.Join(dir, "k.pid"),
		"-r", filepath.Join(dir, "v.pid"), "-c", filepath.Join(dir, "c.pid"))
	t.Cleanup(p.Stop)
}

// runForDump starts prog with the scenario's configuration (DIR replaced
// by the run directory) in a new lab, waits for the instances to settle
// and collects the three dump files.
func runForDump(t *testing.T, ka, prog string, sc dumpScenario, extra ...string) dumpRun {
	t.Helper()
	hosts := 1
	if sc.peer != "" {
		hosts = 2
	}
	lab := nstest.New(t, nstest.Hosts(hosts))
	if sc.links {
		addLinks(t, lab)
	}
	if sc.peer != "" {
		// Let the peer become master first, so the daemon under test hears
		// it from the start and its counters do not depend on the race.
		startPeer(t, lab, 1, ka, sc.peer)
		for _, v := range sc.peerVIPs {
			lab.WaitAddr(1, netip.MustParseAddr(v), true, 30*time.Second)
		}
	}
	r := dumpRun{dir: t.TempDir()}
	dump := filepath.Join(r.dir, "dump")
	if err := os.Mkdir(dump, 0o700); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(r.dir, "keepalived.conf")
	if err := os.WriteFile(path, []byte(strings.ReplaceAll(sc.conf, "DIR", r.dir)), 0o644); err != nil {
		t.Fatal(err)
	}
	args := append([]string{"TMPDIR=" + dump, prog, "-n", "-l", "-f", path,
		"-p", filepath.Join(r.dir, "k.pid"), "-r", filepath.Join(r.dir, "v.pid")}, extra...)
	p := lab.Start(0, "env", args...)
	t.Cleanup(p.Stop)
	nstest.WaitReady(t, p, kindOf(prog), 30*time.Second)
	// Every instance is master (or has heard the peer) after about
	// 3 * 1 s + skew; scripts need two runs (rise 2). keepalived can take
	// far longer on a loaded machine.
	r.data = dumpUntil(t, p, syscall.SIGUSR1, filepath.Join(dump, "keepalived.data"), 60*time.Second, sc.settled)
	r.stats = signalDump(t, p, syscall.SIGUSR2, filepath.Join(dump, "keepalived.stats"))
	r.jsonf = signalDump(t, p, syscall.Signal(36), filepath.Join(dump, "keepalived.json"))
	r.out = p.Output()
	t.Logf("%s output:\n%s", filepath.Base(prog), r.out)
	r.lab, r.proc = lab, p
	return r
}

// dumpBackupConf has two backups (VRRPv2 and v3) that hear the master
// of dumpPeerConf.
const dumpBackupConf = `global_defs {
  router_id dump_backup
}
vrrp_instance VI_2 {
  interface eth0
  virtual_router_id 96
  priority 100
  virtual_ipaddress {
    192.0.2.196/24
  }
}
vrrp_instance VI_3 {
  interface eth0
  virtual_router_id 97
  priority 100
  version 3
  advert_int 0.5
  virtual_ipaddress {
    192.0.2.197/24
  }
}
`

const dumpPeerConf = `global_defs {
  router_id dump_peer
}
vrrp_instance VI_2 {
  interface eth0
  virtual_router_id 96
  priority 200
  virtual_ipaddress {
    192.0.2.196/24
  }
}
vrrp_instance VI_3 {
  interface eth0
  virtual_router_id 97
  priority 200
  version 3
  advert_int 0.5
  virtual_ipaddress {
    192.0.2.197/24
  }
}
`

// TestIntegrationDumpDataMatchesKeepalived runs keepalived 2.2.7 and
// goalived with the same configuration in twin namespaces, lets them
// settle, and compares their keepalived.data files line for line (the
// numbers of the volatile lines above aside), their keepalived.json
// files field for field (times and advert counters aside) and their
// keepalived.stats files in shape.
func TestIntegrationDumpDataMatchesKeepalived(t *testing.T) {
	t.Parallel()
	nstest.RequireRoot(t)
	ka := keepalivedBinary(t)
	bin := goalivedBinary(t)
	for _, c := range []dumpScenario{
		{name: "script-auth-unicast", conf: dumpCompareConf,
			want: []string{"   State = MASTER", "   Effective priority = 110", "   Status = GOOD"},
			// Not while keepalived runs the check: its script then shows
			// "running" for a moment, goalived's never after the first result.
			counts: map[string]int{"   State = MASTER": 2, "   State = running": 0}},
		{name: "syncgroup-ipv6-fault", conf: dumpCompareConf2, links: true,
			want:   []string{"   State = FAULT", " VRRP Sync Group = VG, MASTER", "   Using Native IPv6"},
			counts: map[string]int{"   State = MASTER": 3, "   State = FAULT": 1}},
		{name: "groups-static-email", conf: dumpCompareConf4, links: true,
			want: []string{" VRRP Sync Group = VG, MASTER", "   sync group tracking weight set", " Static Track Group = TG",
				"   Timeout = 0 sec", "   Effective priority = 85", " Smtp server = 192.0.2.1", "   Using smtp notification = yes",
				"   Notify priority changes = yes", "   Notify priority changes = true"},
			counts: map[string]int{"   State = MASTER": 2}},
		{name: "process", conf: dumpCompareConf5,
			want: []string{" Max auto priority = 20", " VRRP CPU Affinity =  ", " current realtime priority = 20",
				" current realtime time limit = 1000000", " VMAC prefix = vx", " Parent process name = ka_parent"},
			counts: map[string]int{"   State = MASTER": 1}},
		{name: "track-file-process", conf: dumpCompareConf3,
			want: []string{"   Status = 5", "   Effective priority = 115"}, counts: map[string]int{"   State = MASTER": 1}},
		{name: "backup-hears-master", conf: dumpBackupConf, peer: dumpPeerConf,
			want:     []string{"   State = BACKUP", "   Master router = 192.0.2.12", "   Master priority = 200", "   Master advert int = 0.50 sec"},
			counts:   map[string]int{"   State = BACKUP": 2, "   Master router = 192.0.2.12": 2},
			peerVIPs: []string{"192.0.2.196", "192.0.2.197"}},
		// The buffer sizes: the global definitions and the socket's (ADVERT:
		// 5 x a 40-byte advert).
		{name: "buffers", conf: strings.Replace(dumpCompareConf3, "  router_id dump_cmp3\n",
			"  router_id dump_cmp3\n  vrrp_rx_bufs_policy ADVERT\n  vrrp_rx_bufs_multiplier 5\n  vrrp_netlink_cmd_rcv_bufs 200000\n"+
				"  vrrp_netlink_cmd_rcv_bufs_force\n  vrrp_netlink_monitor_rcv_bufs 300000\n  process_monitor_rcv_bufs 100000\n", 1),
			want: []string{" rx_bufs_policy = ADVERT", " rx_bufs_multiples = 5", " vrrp_netlink_cmd_rcv_bufs = 200000",
				" vrrp_netlink_cmd_rcv_bufs_force = 1", " vrrp_netlink_monitor_rcv_bufs = 300000", " process_monitor_rcv_bufs = 100000", "   Rx buf size = 200"},
			counts: map[string]int{"   State = MASTER": 1}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var k, g dumpRun
			bothKinds(t, func(t *testing.T) {
				k = runForDump(t, ka, ka, c, "-P", "-D", "-c", filepath.Join(t.TempDir(), "c.pid"))
			}, func(t *testing.T) { g = runForDump(t, ka, bin, c) })
			for _, w := range c.want {
				for who, data := range map[string]string{"keepalived": k.data, "goalived": g.data} {
					if !strings.Contains(data, "\n"+w+"\n") {
						t.Errorf("%s's keepalived.data lacks %q", who, w)
					}
				}
			}
			if diff := cmp.Diff(dumpShape(k.data, k.dir), dumpShape(g.data, g.dir)); diff != "" {
				t.Errorf("keepalived.data differs (-keepalived +goalived):\n%s", diff)
			}
			if diff := cmp.Diff(jsonShape(k.jsonf), jsonShape(g.jsonf)); diff != "" {
				t.Errorf("keepalived.json differs (-keepalived +goalived):\n%s", diff)
			}
			if diff := cmp.Diff(digits.ReplaceAllString(k.stats, "N"), digits.ReplaceAllString(g.stats, "N")); diff != "" {
				t.Errorf("keepalived.stats differs in shape (-keepalived +goalived):\n%s", diff)
			}
		})
	}
}

// bothKinds runs the keepalived and goalived halves of a comparison at
// the same time, each in its own lab, and returns when both are done;
// the comparison follows only if both succeeded.
func bothKinds(t *testing.T, keepalived, goalived func(t *testing.T)) {
	t.Helper()
	t.Run("runs", func(t *testing.T) {
		t.Run(keepalivedKind, func(t *testing.T) { t.Parallel(); keepalived(t) })
		t.Run(goalivedKind, func(t *testing.T) { t.Parallel(); goalived(t) })
	})
	if t.Failed() {
		t.FailNow()
	}
}

// kindOf is the kind of daemon prog runs.
func kindOf(prog string) nstest.Kind {
	if filepath.Base(prog) == keepalivedKind {
		return nstest.KeepalivedKind
	}
	return nstest.GoalivedKind
}
