package dump

import (
	"flag"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/parser"
	"github.com/goalived/goalived/vrrp"
)

// -update rewrites the golden files. It is registered only if no other
// test file of the package did, and read through flag.Lookup.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden files")
	}
}

func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// loadTestConfig loads a configuration with every host lookup answered
// yes, so that the model does not depend on the machine.
func loadTestConfig(t *testing.T, path string) *config.Config {
	t.Helper()
	yes := func(string) bool { return true }
	cfg, diags := parser.Load(path, parser.Options{
		ConfigID: "testhost", Hostname: "testhost", Username: "tester",
		InterfaceExists: yes, LookupUser: yes, LookupGroup: yes, ScriptUsable: yes,
	})
	if cfg == nil || diags.HasFatal() {
		t.Fatalf("load %s: %v", path, diags)
	}
	return cfg
}

// testEpoch is the fixed "now" of the golden snapshots.
var testEpoch = time.Date(2026, 11, 25, 13, 35, 56, 778434000, time.UTC)

// recorded answers user look-ups as the machines of the recorded runs
// did (root 0:0, nobody 65534:65534) and leaves programs as configured.
func recorded(uid uint32) Resolver {
	ids := map[string]uint32{"root": 0, "nobody": 65534}
	return Resolver{DefaultUID: uid, DefaultGID: uid, Identity: func(user, _ string) (uint32, uint32, bool) {
		id, ok := ids[user]
		return id, id, ok
	}}
}

// debianPaths resolves commands as keepalived 2.2.7 did on the Debian
// machine of the recorded runs, where /bin is a link to /usr/bin.
func debianPaths(argv []string, _, _ uint32) []string {
	if len(argv) > 0 && strings.HasPrefix(argv[0], "/bin/") {
		return append([]string{"/usr" + argv[0]}, argv[1:]...)
	}
	return argv
}

// globalSnapshot is the snapshot of the global definitions of cfg.
func globalSnapshot(cfg *config.Config, r Resolver) *Snapshot {
	s := &Snapshot{Now: testEpoch}
	r.Global(s, cfg, nil)
	return s
}

// fixedSnapshot gives every instance of cfg a state, counters and
// addresses derived from its position, the way the engine would after a
// while: the first is MASTER, the second BACKUP (hearing a master), the
// third FAULT, then again.
func fixedSnapshot(cfg *config.Config) *Snapshot {
	r := recorded(0)
	s := globalSnapshot(cfg, r)
	sock := map[string]int{}
	for i, pin := range cfg.Instances {
		in := fixedInstance(i, pin, r)
		key := pin.Interface + "/" + string(pin.Family) + "/" + pin.UnicastSrcIP().String()
		if pin.Unicast() {
			key += "/unicast"
		}
		idx, ok := sock[key]
		if !ok {
			idx = len(s.Sockets)
			sock[key] = idx
			ds := Socket{FD: idx, Ifname: pin.Interface, Family: 4, Unicast: pin.Unicast(), Addr: pin.UnicastSrcIP()}
			if pin.Family == config.IPv6 {
				ds.Family = 6
			}
			s.Sockets = append(s.Sockets, ds)
		}
		s.Sockets[idx].Instances = append(s.Sockets[idx].Instances, VRID{Name: pin.Name, VRID: pin.VRID})
		in.Socket = idx
		s.Instances = append(s.Instances, in)
	}
	states := map[string]ScriptState{}
	for i, sc := range cfg.Scripts {
		states[sc.Name] = []ScriptState{ScriptGood, ScriptBad, ScriptInit}[i%3]
	}
	s.Scripts = r.Scripts(cfg, states)
	s.GroupNotify = r.GroupNotifies(cfg)
	s.FileValues, s.ProcCounts, s.ProcQuorum = map[string]int64{}, map[string]int{}, map[string]bool{}
	for i, tf := range cfg.TrackFiles {
		s.FileValues[tf.Name] = int64(3 * (i + 1))
	}
	for i, tp := range cfg.TrackProcesses {
		s.ProcCounts[tp.Name] = i
		s.ProcQuorum[tp.Name] = i >= tp.Quorum
	}
	s.Links = fixedLinks(cfg)
	return s
}

// fixedInstance is instance i of fixedSnapshot.
func fixedInstance(i int, pin *config.Instance, r Resolver) Instance {
	in := Instance{
		Cfg: pin, State: []vrrp.State{vrrp.StateMaster, vrrp.StateBackup, vrrp.StateFault}[i%3],
		Priority: pin.Priority, Total: pin.Priority,
		Since: testEpoch.Add(-time.Duration(i+1) * 1234567 * time.Microsecond), IfIndex: 2 + i,
		Stats:  vrrp.Stats{AdvertReceived: uint64(3 + i), AdvertSent: uint64(11 * (i + 1)), BecameMaster: 1, AddrListErr: uint64(i)},
		Notify: r.Notifies(pin.Notify()),
	}
	in.Source = netip.MustParseAddr("192.0.2.11")
	if pin.Family == config.IPv6 {
		in.Source = netip.MustParseAddr("fe80::11")
	}
	if pin.UnicastSrcIP().IsValid() {
		in.Source = pin.UnicastSrcIP()
	}
	switch in.State {
	case vrrp.StateBackup:
		in.MasterAddr, in.MasterPrio = netip.MustParseAddr("192.0.2.12"), 200
		in.ReadTimeout = testEpoch.Add(3 * time.Second)
	case vrrp.StateMaster:
		in.ReadTimeout = testEpoch.Add(pin.AdvertInt)
	case vrrp.StateFault:
		in.Faults = 1
	}
	return in
}

// loopback is lo as the kernel lists it.
var loopback = Link{Name: "lo", Index: 1, MTU: 65536, HWType: "LOOPBACK",
	Flags: net.FlagUp | net.FlagRunning | net.FlagLoopback,
	Addrs: []LinkAddr{{Addr: netip.MustParseAddr("127.0.0.1")}, {Addr: netip.MustParseAddr("::1")}}}

// ethernet is an Ethernet link up with its own addresses: a primary
// IPv4 address, and the link-local IPv6 address after a global one.
func ethernet(name string, index int, v4, v6 string, mac net.HardwareAddr) Link {
	return Link{Name: name, Index: index, MTU: 1500, HWType: "ETHERNET", MAC: mac,
		Flags: net.FlagUp | net.FlagRunning | net.FlagBroadcast | net.FlagMulticast,
		Addrs: []LinkAddr{{Addr: netip.MustParseAddr(v4)}, {Addr: netip.MustParseAddr("2001:db8::1")},
			{Addr: netip.MustParseAddr(v6)}}}
}

// fixedLinks is lo plus every interface the instances name; eth1
// forwards IPv6.
func fixedLinks(cfg *config.Config) []Link {
	out := []Link{loopback}
	seen := map[string]bool{"lo": true}
	add := func(name string) {
		if name == "" || seen[name] {
			return
		}
		seen[name] = true
		n := len(out) + 1
		l := ethernet(name, n, netip.AddrFrom4([4]byte{192, 0, 2, byte(10 + n)}).String(),
			"fe80::d000:76ff:fee5:28"+string(rune('a'+n%6)), net.HardwareAddr{0xd2, 0, 0x76, 0xe5, 0x28, byte(n)})
		l.IPv6Forwarding = name == "eth1"
		out = append(out, l)
	}
	for _, in := range cfg.Instances {
		add(in.Interface)
		for _, t := range in.TrackInterfaces() {
			add(t.Name)
		}
	}
	return out
}

// checkGolden compares got with the golden file, or rewrites it with
// -update.
func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if updating() {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run with -update to create it): %v", err)
	}
	if diff := cmp.Diff(strings.Split(string(want), "\n"), strings.Split(got, "\n")); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, diff)
	}
}

// matchRecorded compares got with the lines keepalived 2.2.7 wrote, kept
// in the file at path.
func matchRecorded(t *testing.T, path, got string) {
	t.Helper()
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(strings.Split(string(want), "\n"), strings.Split(got, "\n")); diff != "" {
		t.Errorf("(-keepalived +goalived):\n%s", diff)
	}
}
