package engine

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
	"github.com/goalived/goalived/script"
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
		ConfigID: "testhost", Hostname: "testhost",
		InterfaceExists: yes, LookupUser: yes, LookupGroup: yes, ScriptUsable: yes,
	})
	if cfg == nil || diags.HasFatal() {
		t.Fatalf("load %s: %v", path, diags)
	}
	return cfg
}

// testEpoch is the fixed "now" of the golden snapshots.
var testEpoch = time.Date(2026, 11, 25, 13, 35, 56, 778434000, time.UTC)

// fixedSnapshot gives every instance of cfg a state, counters and
// addresses derived from its position, the way the engine would after a
// while: the first is MASTER, the second BACKUP (hearing a master), the
// third FAULT, then again.
func fixedSnapshot(cfg *config.Config) *dumpSnapshot {
	s := &dumpSnapshot{Now: testEpoch, Config: cfg}
	sock := map[string]int{}
	for i, pin := range cfg.Instances {
		in := dumpInstance{
			Cfg: pin, State: []vrrp.State{vrrp.StateMaster, vrrp.StateBackup, vrrp.StateFault}[i%3],
			Priority: pin.Priority, Total: pin.Priority,
			Since: testEpoch.Add(-time.Duration(i+1) * 1234567 * time.Microsecond), IfIndex: 2 + i,
			Stats:  vrrp.Stats{AdvertReceived: uint64(3 + i), AdvertSent: uint64(11 * (i + 1)), BecameMaster: 1, AddrListErr: uint64(i)},
			Notify: notifyList(&pin.Notify, 0, 0),
		}
		in.Source = netip.MustParseAddr("192.0.2.11")
		if pin.Family == config.IPv6 {
			in.Source = netip.MustParseAddr("fe80::11")
		}
		if pin.UnicastSrcIP.IsValid() {
			in.Source = pin.UnicastSrcIP
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
		key := pin.Interface + "/" + string(pin.Family) + "/" + pin.UnicastSrcIP.String()
		if pin.Unicast() {
			key += "/unicast"
		}
		idx, ok := sock[key]
		if !ok {
			idx = len(s.Sockets)
			sock[key] = idx
			ds := dumpSocket{FD: idx, Ifname: pin.Interface, Family: 4, Unicast: pin.Unicast(), Addr: pin.UnicastSrcIP}
			if pin.Family == config.IPv6 {
				ds.Family = 6
			}
			s.Sockets = append(s.Sockets, ds)
		}
		s.Sockets[idx].Instances = append(s.Sockets[idx].Instances, dumpVRID{Name: pin.Name, VRID: pin.VRID})
		in.Socket = idx
		s.Instances = append(s.Instances, in)
	}
	conds := map[string]script.Condition{}
	for i, sc := range cfg.Scripts {
		conds[sc.Name] = []script.Condition{script.Up, script.Down, script.Unknown}[i%3]
	}
	s.Scripts = scriptList(cfg, conds, 0, 0)
	s.FileValues, s.ProcCounts, s.ProcQuorum = map[string]int64{}, map[string]int{}, map[string]bool{}
	for i, tf := range cfg.TrackFiles {
		s.FileValues[tf.Name] = int64(3 * (i + 1))
	}
	for i, tp := range cfg.TrackProcesses {
		s.ProcCounts[tp.Name] = i
		s.ProcQuorum[tp.Name] = i >= tp.Quorum
	}
	s.Interfaces = fixedInterfaces(cfg)
	attachAnnouncements(s)
	attachIPv6Forwarding(s, func(ifname string) bool { return ifname == "eth1" })
	return s
}

// fixedInterfaces is lo plus every interface the instances name.
func fixedInterfaces(cfg *config.Config) []dumpInterface {
	out := []dumpInterface{{
		Name: "lo", Index: 1, IPv4: netip.MustParseAddr("127.0.0.1"), MTU: 65536, HWType: "LOOPBACK",
		Flags: net.FlagUp | net.FlagRunning | net.FlagLoopback,
	}}
	seen := map[string]bool{"lo": true}
	add := func(name string) {
		if name == "" || seen[name] {
			return
		}
		seen[name] = true
		n := len(out) + 1
		out = append(out, dumpInterface{
			Name: name, Index: n, IPv4: netip.AddrFrom4([4]byte{192, 0, 2, byte(10 + n)}),
			IPv6: netip.MustParseAddr("fe80::d000:76ff:fee5:28" + string(rune('a'+n%6))),
			MAC:  net.HardwareAddr{0xd2, 0, 0x76, 0xe5, 0x28, byte(n)}, BcastMAC: net.HardwareAddr{0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
			Flags: net.FlagUp | net.FlagRunning | net.FlagBroadcast | net.FlagMulticast, MTU: 1500, HWType: "ETHERNET",
		})
	}
	for _, in := range cfg.Instances {
		add(in.Interface)
		for _, t := range in.TrackInterfaces {
			add(t.Name)
		}
	}
	attachTracking(out, cfg)
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
