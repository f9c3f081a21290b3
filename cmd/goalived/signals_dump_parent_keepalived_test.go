package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/goalived/goalived/netif/nstest"
)

// parentInstance is the one instance of the parent dump scenarios: the
// parent's file does not show it, but both daemons need one to run.
const parentInstance = `
vrrp_instance VI_P {
  interface eth0
  virtual_router_id 71
  priority 100
  virtual_ipaddress {
    192.0.2.171/24
  }
}
`

// parentScenario is a global_defs block (DIR is the run's directory) and
// lines both daemons' keepalived_parent.data must contain, which show
// the scenario is about what it says.
type parentScenario struct {
	name, globals string
	want          []string
}

var parentScenarios = []parentScenario{
	{name: "defaults", globals: "router_id parent_defaults",
		want: []string{" Gratuitous ARP lower priority delay = 4294967295", " Script security disabled"}},
	{name: "many-globals", globals: `router_id parent_many
  script_user nobody
  vrrp_notify_fifo DIR/v.fifo
  vrrp_notify_fifo_script "/bin/cat DIR/v.fifo"
  notify_fifo DIR/g.fifo root
  notify_fifo_script /bin/true
  vrrp_notify_priority_changes
  fifo_write_vrrp_states_on_reload
  vrrp_garp_master_delay 3
  vrrp_garp_master_repeat 2
  vrrp_garp_master_refresh 60
  vrrp_garp_master_refresh_repeat 4
  vrrp_garp_lower_prio_repeat 7
  vrrp_garp_interval 0.002
  vrrp_gna_interval 0.5
  vrrp_version 3
  vrrp_mcast_group4 224.0.0.20
  vrrp_mcast_group6 ff02::20
  vrrp_check_unicast_src
  vrrp_skip_check_adv_addr
  vrrp_higher_prio_send_advert
  vrrp_down_timer_adverts 5
  default_interface eth0
  disable_local_igmp
  dynamic_interfaces
  log_unknown_vrids
  vrrp_startup_delay 0.5`,
		want: []string{" VRRP notify fifo script = '/bin/cat' 'DIR/v.fifo', uid:gid 65534:65534",
			" Global notify fifo = DIR/g.fifo, uid:gid 0:0", " Gratuitous ARP lower priority repeat = 7", " log_unknown_vrids"}},
	{name: "strict-min-garp", globals: `router_id parent_strict
  vrrp_strict
  vrrp_min_garp
  vrrp_garp_lower_prio_delay 2
  vrrp_lower_prio_no_advert false
  notify_fifo DIR/g.fifo
  notify_fifo_script "/bin/cat -u" nobody`,
		want: []string{" VRRP strict mode = true", " Gratuitous ARP refresh repeat = 0", " Gratuitous ARP lower priority delay = 2",
			" Global notify fifo script = '/bin/cat' '-u', uid:gid 65534:65534"}},
	{name: "script-security-data-use-instance-umask", globals: `router_id parent_secure
  script_user root
  enable_script_security
  data_use_instance
  vrrp_lower_prio_no_advert
  umask 0077`,
		want: []string{" Use instance name in data dumps", " Script security enabled", " Send advert after receive lower priority advert = false",
			" umask = 077"}},
}

// TestIntegrationParentDumpMatchesKeepalived runs keepalived 2.2.7 and
// goalived with the same global definitions, sends each USR1 and compares
// their keepalived_parent.data line for line (the run's directory and
// keepalived's nftables build lines aside), and the global block of their
// keepalived.data too, which shares the parent's code. It also checks
// that USR1 left exactly these two files under these names (with
// data_use_instance too: goalived, like keepalived without a namespace
// or instance name, keeps them).
func TestIntegrationParentDumpMatchesKeepalived(t *testing.T) {
	t.Parallel()
	nstest.RequireRoot(t)
	ka := keepalivedBinary(t)
	bin := goalivedBinary(t)
	for _, sc := range parentScenarios {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			conf := "global_defs {\n  " + sc.globals + "\n}\n" + parentInstance
			var k, g parentRun
			bothKinds(t, func(t *testing.T) {
				k = runForParentDump(t, ka, conf, "-P", "-D", "-c", filepath.Join(t.TempDir(), "c.pid"))
			}, func(t *testing.T) { g = runForParentDump(t, bin, conf) })
			for who, r := range map[string]parentRun{"keepalived": k, "goalived": g} {
				if diff := cmp.Diff([]string{"keepalived.data", "keepalived_parent.data"}, r.files); diff != "" {
					t.Errorf("%s's dump directory after USR1 (-want +got):\n%s", who, diff)
				}
				for _, w := range sc.want {
					if !slices.Contains(dumpShape(r.parent, r.dir), w) {
						t.Errorf("%s's keepalived_parent.data lacks %q", who, w)
					}
				}
			}
			if diff := cmp.Diff(dumpShape(k.parent, k.dir), dumpShape(g.parent, g.dir)); diff != "" {
				t.Errorf("keepalived_parent.data differs (-keepalived +goalived):\n%s", diff)
			}
			if diff := cmp.Diff(globalBlock(dumpShape(k.data, k.dir)), globalBlock(dumpShape(g.data, g.dir))); diff != "" {
				t.Errorf("keepalived.data's global definitions differ (-keepalived +goalived):\n%s", diff)
			}
		})
	}
}

type parentRun struct {
	dir          string
	parent, data string
	files        []string // the dump directory's names
}

// runForParentDump starts prog with conf (DIR replaced by the run's
// directory) in a new lab, waits until its VRRP process runs, sends USR1
// and collects both data files.
func runForParentDump(t *testing.T, prog, conf string, extra ...string) parentRun {
	t.Helper()
	lab := nstest.New(t, nstest.Hosts(1))
	r := parentRun{dir: t.TempDir()}
	dump := filepath.Join(r.dir, "dump")
	if err := os.Mkdir(dump, 0o700); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(r.dir, "keepalived.conf")
	if err := os.WriteFile(path, []byte(strings.ReplaceAll(conf, "DIR", r.dir)), 0o644); err != nil {
		t.Fatal(err)
	}
	vpid := filepath.Join(r.dir, "v.pid")
	args := append([]string{"TMPDIR=" + dump, prog, "-n", "-l", "-f", path,
		"-p", filepath.Join(r.dir, "k.pid"), "-r", vpid}, extra...)
	p := lab.Start(0, "env", args...)
	t.Cleanup(p.Stop)
	// keepalived's VRRP process writes its pid file before it sets up
	// its signal handlers: wait until it says it is ready.
	nstest.WaitReady(t, p, kindOf(prog), 30*time.Second)
	r.parent = signalDump(t, p, syscall.SIGUSR1, filepath.Join(dump, "keepalived_parent.data"))
	r.data = waitDumpFile(t, p, filepath.Join(dump, "keepalived.data"), "after USR1")
	entries, err := os.ReadDir(dump)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		r.files = append(r.files, e.Name())
	}
	t.Logf("%s output:\n%s", filepath.Base(prog), p.Output())
	return r
}

// globalBlock is the "Global definitions" block of a dump: its lines up
// to the next block's header.
func globalBlock(lines []string) []string {
	for i, l := range lines {
		if i > 0 && strings.HasPrefix(l, "------<") {
			return lines[:i]
		}
	}
	return lines
}
