package dump

import (
	"bytes"
	"encoding/json"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/goalived/goalived/parser"
	"github.com/goalived/goalived/vrrp"
)

// TestDumpGolden renders the four dump files for every project config
// with fixed state (see fixedSnapshot) and compares them with
// testdata/NAME.{data,stats,json,parent.data}; -update rewrites them.
func TestDumpGolden(t *testing.T) {
	confs, err := filepath.Glob("../../testdata/configs/*.conf")
	if err != nil || len(confs) == 0 {
		t.Fatalf("no configs found: %v", err)
	}
	for _, path := range confs {
		name := strings.TrimSuffix(filepath.Base(path), ".conf")
		t.Run(name, func(t *testing.T) {
			s := fixedSnapshot(loadTestConfig(t, path))
			for _, f := range []struct {
				ext   string
				write func(*bytes.Buffer) error
			}{
				{"data", func(b *bytes.Buffer) error { return WriteData(b, s) }},
				{"stats", func(b *bytes.Buffer) error { return WriteStats(b, s) }},
				{"json", func(b *bytes.Buffer) error { return WriteJSON(b, s) }},
				{"parent.data", func(b *bytes.Buffer) error { return WriteParentData(b, s) }},
			} {
				var b bytes.Buffer
				if err := f.write(&b); err != nil {
					t.Fatalf("write %s: %v", f.ext, err)
				}
				checkGolden(t, filepath.Join("testdata", name+"."+f.ext), b.String())
			}
		})
	}
}

// kaXSnapshot is the state of the keepalived 2.2.7 run whose dump files
// are testdata/keepalived-2.2.7/kaX.*: VI_1 MASTER with chk_svc up (110),
// on d0 (index 2) with lo beside it.
func kaXSnapshot(t *testing.T, stats vrrp.Stats) *Snapshot {
	cfg := loadTestConfig(t, "testdata/keepalived-2.2.7/kaX.conf")
	pin := cfg.Instances[0]
	r := recorded(0)
	s := globalSnapshot(cfg, r)
	s.Instances = []Instance{{
		Cfg: pin, State: vrrp.StateMaster, Priority: 110, Total: 110,
		Since:       time.Unix(1795613746, 775001000).UTC(),
		ReadTimeout: time.Unix(1795613756, 778434000).UTC(),
		Source:      netip.MustParseAddr("192.0.2.11"), IfIndex: 2, Socket: 0,
		Stats: stats, Notify: r.Notifies(pin.Notify()),
	}}
	s.Sockets = []Socket{{FD: 14, Ifname: "d0", Family: 4, Instances: []VRID{{"VI_1", 51}}}}
	s.Scripts = r.Scripts(cfg, map[string]ScriptState{"chk_svc": ScriptGood})
	s.Links = []Link{loopback, ethernet("d0", 2, "192.0.2.11", "fe80::d000:76ff:fee5:28ad", net.HardwareAddr{0xd2, 0, 0x76, 0xe5, 0x28, 0xad})}
	return s
}

// knownDifferences are the lines where goalived cannot print what
// keepalived 2.2.7 printed, with the reason; both sides are replaced by
// the pattern before comparing.
var knownDifferences = []struct {
	re     *regexp.Regexp
	reason string
}{
	{regexp.MustCompile(`^(   Master down timer = )\d+( usecs)$`),
		"keepalived leaves a stale value in a master's ms_down_timer (observed 761514); goalived prints the formula"},
	{regexp.MustCompile(`^(   fd_in \d+, fd_out )\d+$`),
		"goalived uses one socket for both directions"},
	{regexp.MustCompile(`^( fd_in \d+ fd_out = )\d+$`),
		"goalived uses one socket for both directions"},
}

// keepalivedOnly are lines about keepalived's build and its firewall
// (the nftables table strict mode makes the VRRP child set up) that
// goalived does not print, because they would describe a library it
// does not use.
var keepalivedOnly = map[string]bool{
	" nftables without counters":                            true,
	" libnftnl version 1.2.3":                               true,
	" nftables table name = keepalived":                     true,
	" nftables base chain priority = -1":                    true,
	" nftables don't force use ifindex for link local IPv6": true,
}

func normalise(lines []string) []string {
	out := make([]string, 0, len(lines))
	for _, l := range lines {
		if keepalivedOnly[l] {
			continue
		}
		for _, k := range knownDifferences {
			l = k.re.ReplaceAllString(l, "${1}X${2}")
		}
		out = append(out, l)
	}
	return out
}

// TestDumpMatchesKeepalived227 renders the state of the recorded run
// (kaXSnapshot) and compares it with the files keepalived 2.2.7 wrote
// then, line for line.
func TestDumpMatchesKeepalived227(t *testing.T) {
	dir := "testdata/keepalived-2.2.7"
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	stats := vrrp.Stats{AdvertReceived: 3, AdvertSent: 11, BecameMaster: 1}
	cases := []struct {
		file  string
		stats vrrp.Stats
		write func(*bytes.Buffer, *Snapshot) error
	}{
		{"kaX.data", stats, func(b *bytes.Buffer, s *Snapshot) error { return WriteData(b, s) }},
		{"kaX.stats", stats, func(b *bytes.Buffer, s *Snapshot) error { return WriteStats(b, s) }},
		// The JSON dump was taken one advert later.
		{"kaX.json", vrrp.Stats{AdvertReceived: 3, AdvertSent: 12, BecameMaster: 1},
			func(b *bytes.Buffer, s *Snapshot) error { return WriteJSON(b, s) }},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			var b bytes.Buffer
			if err := c.write(&b, kaXSnapshot(t, c.stats)); err != nil {
				t.Fatal(err)
			}
			want := normalise(strings.Split(read(c.file), "\n"))
			got := normalise(strings.Split(b.String(), "\n"))
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("differs from keepalived 2.2.7 (-keepalived +goalived):\n%s", diff)
			}
		})
	}
}

// exporterVRRP is what mehdy/keepalived-exporter reads from
// keepalived.json (internal/collector: VRRPData, VRRPStats), with the
// field types it declares, so a type change would fail to decode.
type exporterVRRP struct {
	Data struct {
		IName             string   `json:"iname"`
		State             int      `json:"state"`
		WantState         int      `json:"wantstate"`
		Intf              string   `json:"ifp_ifname"`
		GArpDelay         int      `json:"garp_delay"`
		VRID              int      `json:"vrid"`
		VIPs              []string `json:"vips"`
		EffectivePriority int      `json:"effective_priority"`
		BasePriority      int      `json:"base_priority"`
		LastTransition    float64  `json:"last_transition"`
	} `json:"data"`
	Stats struct {
		AdvertRcvd        int `json:"advert_rcvd"`
		AdvertSent        int `json:"advert_sent"`
		BecomeMaster      int `json:"become_master"`
		ReleaseMaster     int `json:"release_master"`
		PacketLenErr      int `json:"packet_len_err"`
		AdvertIntervalErr int `json:"advert_interval_err"`
		IPTTLErr          int `json:"ip_ttl_err"`
		InvalidTypeRcvd   int `json:"invalid_type_rcvd"`
		AddrListErr       int `json:"addr_list_err"`
		InvalidAuthType   int `json:"invalid_authtype"`
		AuthTypeMismatch  int `json:"authtype_mismatch"`
		AuthFailure       int `json:"auth_failure"`
		PRIZeroRcvd       int `json:"pri_zero_rcvd"`
		PRIZeroSent       int `json:"pri_zero_sent"`
	} `json:"stats"`
}

func TestJSONDumpReadsAsExporterExpects(t *testing.T) {
	s := fixedSnapshot(loadTestConfig(t, "../../testdata/configs/haproxy-unicast.conf"))
	s.Instances[0].State = vrrp.StateBackup
	s.Instances[0].Priority = 130
	s.Instances[0].Stats = vrrp.Stats{AdvertReceived: 7, AdvertSent: 2, ReleasedMaster: 1, AuthFailure: 4, PriZeroReceived: 1}
	var b bytes.Buffer
	if err := WriteJSON(&b, s); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(b.String(), "\n"); n != 1 || !strings.HasSuffix(b.String(), "\n") {
		t.Errorf("want one line ending in a newline, got %d newlines", n)
	}
	var got []exporterVRRP
	dec := json.NewDecoder(&b)
	dec.DisallowUnknownFields() // not for the exporter's sake: catches key typos below
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatalf("decode: %v\n%s", err, b.String())
	}
	if len(got) != 1 {
		t.Fatalf("want 1 instance, got %d", len(got))
	}
	var want exporterVRRP
	want.Data.IName, want.Data.State, want.Data.WantState, want.Data.Intf = "VI_HAPROXY", 1, 1, "eth0"
	want.Data.GArpDelay, want.Data.VRID, want.Data.EffectivePriority, want.Data.BasePriority = 2, 51, 130, 150
	want.Data.VIPs = []string{"192.0.2.100/24 dev eth0 scope global label eth0:vip", "192.0.2.101/24 brd 192.0.2.255 dev eth0 scope global no_track"}
	want.Data.LastTransition = float64(s.Instances[0].Since.UnixMicro()) / 1e6
	want.Stats.AdvertRcvd, want.Stats.AdvertSent, want.Stats.ReleaseMaster = 7, 2, 1
	want.Stats.AuthFailure, want.Stats.PRIZeroRcvd = 4, 1
	if diff := cmp.Diff(want, got[0]); diff != "" {
		t.Errorf("exporter view (-want +got):\n%s", diff)
	}
	if !strings.Contains(b.String(), `"script_master":"'\/etc\/keepalived\/notify.sh' 'MASTER' 'haproxy'"`) {
		t.Errorf("notify script not written with keepalived's quoting and \\/ escapes:\n%s", b.String())
	}
}

func TestJSONString(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"plain", `"plain"`},
		{"/a/b", `"\/a\/b"`},
		{"q\"t\\", `"q\"t\\"`},
		{"\t\n\r\f\b", `"\t\n\r\f\b"`},
		{"\x01", `"\u0001"`},
		{"é", `"é"`},
	} {
		if got := jsonString(c.in); got != c.want {
			t.Errorf("jsonString(%q) = %s, want %s", c.in, got, c.want)
		}
		var back string
		if err := json.Unmarshal([]byte(jsonString(c.in)), &back); err != nil || back != c.in {
			t.Errorf("jsonString(%q) does not decode back: %q, %v", c.in, back, err)
		}
	}
}

func TestJSONStates(t *testing.T) {
	got := map[vrrp.State]int{}
	for _, s := range []vrrp.State{vrrp.StateInit, vrrp.StateBackup, vrrp.StateMaster, vrrp.StateFault, vrrp.StateStopped} {
		got[s] = jsonState(s)
	}
	want := map[vrrp.State]int{vrrp.StateInit: 0, vrrp.StateBackup: 1, vrrp.StateMaster: 2, vrrp.StateFault: 3, vrrp.StateStopped: 98}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Error(diff)
	}
}

// TestRoutesAndRulesMatchKeepalived227 formats the virtual_routes and
// virtual_rules of routes.conf and compares them with what keepalived
// 2.2.7 printed for that file (routes.want, routes first).
func TestRoutesAndRulesMatchKeepalived227(t *testing.T) {
	cfg := loadTestConfig(t, "testdata/keepalived-2.2.7/routes.conf")
	b, err := os.ReadFile("testdata/keepalived-2.2.7/routes.want")
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	var got []string
	for _, r := range cfg.Instances[0].Routes() {
		got = append(got, formatRoute(r, false))
	}
	for _, r := range cfg.Instances[0].Rules() {
		got = append(got, formatRule(r))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-keepalived +goalived):\n%s", diff)
	}
}

// TestTrackFilesAndProcessesMatchKeepalived227 renders tracks.conf with
// the values of the keepalived 2.2.7 run that produced tracks.want: the
// instance's tracked files and processes, then their own sections.
func TestTrackFilesAndProcessesMatchKeepalived227(t *testing.T) {
	cfg := loadTestConfig(t, "testdata/keepalived-2.2.7/tracks.conf")
	s := &Snapshot{Now: testEpoch, Config: cfg,
		FileValues: map[string]int64{"tf_prio": 5}, ProcCounts: map[string]int{"proc_sleep": 0}, ProcQuorum: map[string]bool{"proc_sleep": false}}
	var b bytes.Buffer
	d := &dumpWriter{w: &b}
	in := cfg.Instances[0]
	writeTrackLists(d, in.TrackInterfaces(), in.TrackScripts(), in.TrackFiles(), in.TrackProcesses(), "Tracked processes")
	writeTrackFiles(d, s)
	writeTrackProcesses(d, s)
	matchRecorded(t, "testdata/keepalived-2.2.7/tracks.want", b.String())
}

// TestScriptsListedOnlyWhileTracked: keepalived drops a weighted
// track_script from a sync group member, and then the script itself
// ("not used"), so the dump lists no VRRP Scripts section.
func TestScriptsListedOnlyWhileTracked(t *testing.T) {
	const conf = `vrrp_script chk {
  script "/bin/true"
  weight -20
}
vrrp_script chk0 {
  script "/bin/true"
}
vrrp_sync_group G {
  group {
    A
    B
  }
}
vrrp_instance A {
  interface eth0
  virtual_router_id 1
  track_script {
    chk
  }
}
vrrp_instance B {
  interface eth0
  virtual_router_id 2
  track_script {
    chk0
  }
}
`
	yes := func(string) bool { return true }
	cfg, diags := parser.LoadBytes("k.conf", []byte(conf), parser.Options{Hostname: "h",
		InterfaceExists: yes, LookupUser: yes, LookupGroup: yes, ScriptUsable: yes})
	if cfg == nil || diags.HasFatal() {
		t.Fatalf("load: %v", diags)
	}
	var got []string
	for _, s := range (Resolver{}).Scripts(cfg, nil) {
		got = append(got, s.Cfg.Name)
	}
	// chk0 has no weight, so B keeps tracking it.
	if diff := cmp.Diff([]string{"chk0"}, got); diff != "" {
		t.Errorf("scripts listed (-want +got):\n%s", diff)
	}
}
