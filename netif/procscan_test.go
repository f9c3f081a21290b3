package netif

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseStat(t *testing.T) {
	tests := []struct {
		in   string
		want Process
		ok   bool
	}{
		{"123 (krb5kdc) S 1 123 123 0", Process{Comm: "krb5kdc", PPID: 1}, true},
		{"7 (a) b) Z 1 7", Process{Comm: "a) b", Zombie: true, PPID: 1}, true},
		{"7 () R 99 1", Process{Comm: "", PPID: 99}, true},
		{"garbage", Process{}, false},
		{"1 (x)", Process{}, false},
		{"1 (x) S", Process{}, false},
		{"1 (x) S y", Process{}, false},
	}
	for _, tc := range tests {
		got, ok := parseStat([]byte(tc.in))
		if ok != tc.ok || !cmp.Equal(tc.want, got) {
			t.Errorf("parseStat(%q) = %+v %v, want %+v %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// writeProc writes one process of a /proc-like tree.
func writeProc(t *testing.T, root, pid, stat string, argv ...string) {
	t.Helper()
	d := filepath.Join(root, pid)
	if err := os.MkdirAll(d, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(d, "stat"), []byte(stat), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(d, "cmdline"), []byte(strings.Join(argv, "\x00")+"\x00"), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestProcFSScan(t *testing.T) {
	root := t.TempDir()
	writeProc(t, root, "10", "10 (krb5kdc) S 1 10", "/usr/sbin/krb5kdc", "-n")
	writeProc(t, root, "11", "11 (krb5kdc) Z 1 11")
	writeProc(t, root, "12", "garbage")
	for _, d := range []string{"self", "0", "13"} { // not a pid, pid 0, no stat
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(root, "14"), nil, 0o644); err != nil { // not a directory
		t.Fatal(err)
	}
	want := []Process{{PID: 10, PPID: 1, Comm: "krb5kdc"}, {PID: 11, PPID: 1, Comm: "krb5kdc", Zombie: true}}
	if diff := cmp.Diff(want, ProcFS{Root: root}.Scan(false)); diff != "" {
		t.Errorf("Scan without command lines (-want +got):\n%s", diff)
	}
	want[0].Cmdline, want[1].Cmdline = []byte("/usr/sbin/krb5kdc\x00-n\x00"), []byte("\x00")
	if diff := cmp.Diff(want, ProcFS{Root: root}.Scan(true)); diff != "" {
		t.Errorf("Scan with command lines (-want +got):\n%s", diff)
	}
	if got := (ProcFS{Root: filepath.Join(root, "missing")}).Scan(false); got != nil {
		t.Errorf("Scan of a missing root = %v, want nil", got)
	}
}

// TestProcFSSelf reads the real /proc: the test binary itself is found
// with its comm and its command line.
func TestProcFSSelf(t *testing.T) {
	self, err := os.ReadFile("/proc/self/comm")
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	comm := strings.TrimSpace(string(self))
	for _, p := range (ProcFS{}).Scan(true) {
		if p.PID != os.Getpid() {
			continue
		}
		argv0, _, _ := strings.Cut(string(p.Cmdline), "\x00")
		if p.Comm != comm || argv0 != os.Args[0] || p.PPID != os.Getppid() || p.Zombie {
			t.Errorf("self: %+v, want comm %q argv0 %q ppid %d", p, comm, os.Args[0], os.Getppid())
		}
		return
	}
	t.Errorf("pid %d not found in /proc", os.Getpid())
}
