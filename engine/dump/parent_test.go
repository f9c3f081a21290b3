package dump

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestParentDumpMatchesKeepalived227 renders the global definitions of
// configurations keepalived 2.2.7 ran (testdata/dump/keepalived-2.2.7:
// kaX, the run of kaX.data, and parent-*.conf, recorded for this test)
// and compares them line for line with the files it wrote on SIGUSR1:
// keepalived_parent.data (NAME.parent.data) and the global block of
// keepalived.data (NAME.global.data, where recorded).
func TestParentDumpMatchesKeepalived227(t *testing.T) {
	dir := "testdata/keepalived-2.2.7"
	for _, c := range []struct {
		name string
		// uid is the script_user of the configuration.
		uid uint32
		// what the recorded configuration is about
		about string
	}{
		{"kaX", 0, "the reference run: a VRRP notify FIFO with a reader, script security"},
		{"parent-defaults", 0, "nothing set: unset lower-priority GARP values"},
		{"parent-globals", 65534, "most global_defs set; FIFOs owned by the script user or by root; startup delay"},
		{"parent-strict", 0, "vrrp_strict with the advert flags as written, vrrp_min_garp, a reader with its own user, data_use_instance"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := loadTestConfig(t, filepath.Join(dir, c.name+".conf"))
			r := recorded(c.uid)
			var parent bytes.Buffer
			if err := WriteParentData(&parent, globalSnapshot(cfg, r)); err != nil {
				t.Fatal(err)
			}
			compareRecorded(t, filepath.Join(dir, c.name+".parent.data"), parent.String())

			global := filepath.Join(dir, c.name+".global.data")
			if _, err := os.Stat(global); err != nil {
				return
			}
			r.Program = debianPaths
			var child bytes.Buffer
			d := &dumpWriter{w: &child}
			writeGlobal(d, globalSnapshot(cfg, r), vrrpChild)
			if d.err != nil {
				t.Fatal(d.err)
			}
			compareRecorded(t, global, child.String())
		})
	}
}

func compareRecorded(t *testing.T, path, got string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := normalise(strings.Split(string(b), "\n"))
	if diff := cmp.Diff(want, normalise(strings.Split(got, "\n"))); diff != "" {
		t.Errorf("differs from keepalived 2.2.7's %s (-keepalived +goalived):\n%s", filepath.Base(path), diff)
	}
}

// TestParentAndChildGlobals shows, one keyword at a time, where the
// parent's copy of the global definitions differs from the VRRP child's
// and where the two agree (as observed with keepalived 2.2.7).
func TestParentAndChildGlobals(t *testing.T) {
	for _, c := range []struct {
		name, globals string
		// parent and child are lines each must contain, absent lines
		// neither may.
		parent, child, absent []string
	}{
		{name: "defaults",
			parent: []string{" Gratuitous ARP lower priority delay = 4294967295", " Gratuitous ARP lower priority repeat = 4294967295"},
			child:  []string{" Default interface = eth0", " Gratuitous ARP lower priority delay = 5", " Gratuitous ARP lower priority repeat = 5"},
			absent: []string{" Use instance name in data dumps", " log_unknown_vrids"}},
		{name: "lower priority delay written", globals: "vrrp_garp_master_repeat 3\nvrrp_garp_lower_prio_delay 2",
			parent: []string{" Gratuitous ARP lower priority delay = 2", " Gratuitous ARP lower priority repeat = 4294967295"},
			child:  []string{" Gratuitous ARP lower priority delay = 2", " Gratuitous ARP lower priority repeat = 3"}},
		{name: "lower priority repeat written as the master's", globals: "vrrp_garp_lower_prio_repeat 5",
			parent: []string{" Gratuitous ARP lower priority delay = 4294967295", " Gratuitous ARP lower priority repeat = 5"},
			child:  []string{" Gratuitous ARP lower priority repeat = 5"}},
		{name: "default interface", globals: "default_interface bond0",
			child: []string{" Default interface = bond0"}, absent: []string{" Default interface = eth0"}},
		{name: "fifo reader", globals: "vrrp_notify_fifo /run/v.fifo\nvrrp_notify_fifo_script \"/bin/reader -x\"",
			parent: []string{" VRRP notify fifo = /run/v.fifo, uid:gid 0:0", " VRRP notify fifo script = '/bin/reader' '-x', uid:gid 0:0"},
			child:  []string{" VRRP notify fifo = /run/v.fifo, uid:gid 0:0", " VRRP notify fifo script = '/usr/bin/reader' '-x' '/run/v.fifo', uid:gid 0:0"}},
		{name: "fifo and reader users", globals: "script_user root\nnotify_fifo /run/g.fifo nobody\nnotify_fifo_script /bin/reader nobody",
			parent: []string{" Global notify fifo = /run/g.fifo, uid:gid 65534:65534", " Global notify fifo script = '/bin/reader', uid:gid 65534:65534"},
			child:  []string{" Global notify fifo script = '/usr/bin/reader' '/run/g.fifo', uid:gid 65534:65534"}},
		{name: "strict keeps the advert flags as written", globals: "vrrp_strict\nvrrp_higher_prio_send_advert",
			parent: []string{" VRRP strict mode = true", " Send advert after receive lower priority advert = true", " Send advert after receive higher priority advert = true"},
			child:  []string{" Send advert after receive lower priority advert = true", " Send advert after receive higher priority advert = true"}},
		{name: "min garp", globals: "vrrp_min_garp",
			parent: []string{" Gratuitous ARP delay = 0", " Gratuitous ARP repeat = 1", " Gratuitous ARP refresh repeat = 0", " Gratuitous ARP lower priority delay = 4294967295"},
			child:  []string{" Gratuitous ARP refresh repeat = 0", " Gratuitous ARP lower priority delay = 0", " Gratuitous ARP lower priority repeat = 1"}},
		{name: "data_use_instance", globals: "data_use_instance",
			parent: []string{" Use instance name in data dumps"}, child: []string{" Use instance name in data dumps"}},
		{name: "startup delay and unknown vrids", globals: "vrrp_startup_delay 1.25\nlog_unknown_vrids",
			parent: []string{" vrrp_startup_delay = 1.25", " log_unknown_vrids"}, child: []string{" vrrp_startup_delay = 1.25", " log_unknown_vrids"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "keepalived.conf")
			conf := "global_defs {\nrouter_id r\n" + c.globals + "\n}\n"
			if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
				t.Fatal(err)
			}
			r := recorded(0)
			r.Program = debianPaths
			s := globalSnapshot(loadTestConfig(t, path), r)
			var parent, child bytes.Buffer
			if err := WriteParentData(&parent, s); err != nil {
				t.Fatal(err)
			}
			d := &dumpWriter{w: &child}
			writeGlobal(d, s, vrrpChild)
			if d.err != nil {
				t.Fatal(d.err)
			}
			// The parent never names the default interface.
			absentParent := append([]string{" Default interface"}, c.absent...)
			checkLines(t, "parent", parent.String(), c.parent, absentParent)
			checkLines(t, "child", child.String(), c.child, c.absent)
		})
	}
}

// checkLines wants every line of want in dump and no line starting with
// one of absent.
func checkLines(t *testing.T, who, dump string, want, absent []string) {
	t.Helper()
	lines := strings.Split(dump, "\n")
	has := map[string]bool{}
	for _, l := range lines {
		has[l] = true
	}
	for _, w := range want {
		if !has[w] {
			t.Errorf("%s dump lacks %q:\n%s", who, w, dump)
		}
	}
	for _, a := range absent {
		for _, l := range lines {
			if strings.HasPrefix(l, a) {
				t.Errorf("%s dump has %q", who, l)
			}
		}
	}
}

func TestDataFileName(t *testing.T) {
	for _, c := range []struct {
		name            string
		use             bool
		netns, instance string
		want            string
	}{
		// All observed with keepalived 2.2.7 (net namespace from -s, the
		// instance name from the instance keyword).
		{DataFile, false, "", "", "keepalived.data"},
		{DataFile, true, "", "", "keepalived.data"},
		{ParentDataFile, true, "", "", "keepalived_parent.data"},
		{DataFile, false, "ns1", "inst1", "keepalived.data"},
		{DataFile, true, "", "inst1", "keepalived.inst1.data"},
		{ParentDataFile, true, "", "inst1", "keepalived_parent.inst1.data"},
		{DataFile, true, "ns1", "", "keepalived.ns1.data"},
		{ParentDataFile, true, "ns1", "", "keepalived_parent.ns1.data"},
		{DataFile, true, "ns1", "inst1", "keepalived.ns1_inst1.data"},
		{ParentDataFile, true, "ns1", "inst1", "keepalived_parent.ns1_inst1.data"},
	} {
		if got := DataFileName(c.name, c.use, c.netns, c.instance); got != c.want {
			t.Errorf("DataFileName(%q, %v, %q, %q) = %q, want %q", c.name, c.use, c.netns, c.instance, got, c.want)
		}
	}
}

func TestDumpUmask(t *testing.T) {
	u := func(v uint32) *uint32 { return &v }
	for _, c := range []struct {
		name  string
		umask *uint32
		line  string
	}{
		// keepalived prints "0%o".
		{"keepalived default", u(0o177), " umask = 0177"},
		{"umask keyword 0077", u(0o77), " umask = 077"},
		{"-u 0027", u(0o27), " umask = 027"},
		{"zero", u(0), " umask = 00"},
		{"not known", nil, " umask = 0177"},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "keepalived.conf")
			if err := os.WriteFile(path, []byte("global_defs {\nrouter_id r\n}\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			s := globalSnapshot(loadTestConfig(t, path), Resolver{})
			s.Umask = c.umask
			var b bytes.Buffer
			if err := WriteParentData(&b, s); err != nil {
				t.Fatal(err)
			}
			checkLines(t, "parent", b.String(), []string{c.line}, nil)
		})
	}
}
