package script

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

func TestIsExecutable(t *testing.T) {
	tests := []struct {
		mode     uint32
		fuid     uint32
		fgid     uint32
		uid, gid uint32
		want     bool
	}{
		{0o700, 5, 5, 0, 0, true},  // root: any x bit
		{0o001, 5, 5, 0, 0, true},  //
		{0o644, 0, 0, 0, 0, false}, // root: no x bit at all
		{0o100, 5, 5, 5, 9, true},  // owner
		{0o011, 5, 5, 5, 5, false}, // owner needs u+x even if g/o have it
		{0o010, 5, 7, 6, 7, true},  // group
		{0o001, 5, 7, 6, 7, false}, // group member does not get o+x
		{0o001, 5, 7, 6, 8, true},  // other
		{0o110, 5, 7, 6, 8, false}, // other without o+x
	}
	for _, tc := range tests {
		st := unix.Stat_t{Mode: unix.S_IFREG | tc.mode, Uid: tc.fuid, Gid: tc.fgid}
		if got := isExecutable(&st, tc.uid, tc.gid); got != tc.want {
			t.Errorf("mode %o file %d:%d as %d:%d: got %v", tc.mode, tc.fuid, tc.fgid, tc.uid, tc.gid, got)
		}
	}
}

func TestNeedsProtection(t *testing.T) {
	reg := func(mode, uid, gid uint32) *unix.Stat_t {
		return &unix.Stat_t{Mode: unix.S_IFREG | mode, Uid: uid, Gid: gid}
	}
	tests := []struct {
		name     string
		st       *unix.Stat_t
		uid, gid int
		want     bool
	}{
		{"runs as root", reg(0o755, 5, 5), 0, 5, true},
		{"runs with gid 0", reg(0o755, 5, 5), 5, 0, true},
		{"plain user", reg(0o755, 0, 0), 5, 5, false},
		{"setuid root", reg(0o4755, 0, 0), 5, 5, true},
		{"setuid without u+x", reg(0o4655, 0, 0), 5, 5, false},
		{"setgid root", reg(0o2755, 5, 0), 5, 5, true},
		{"setuid non-root", reg(0o4755, 7, 7), 5, 5, false},
	}
	for _, tc := range tests {
		if got := needsProtection(tc.st, tc.uid, tc.gid); got != tc.want {
			t.Errorf("%s: got %v", tc.name, got)
		}
	}
}

func TestIsShellTest(t *testing.T) {
	for s, want := range map[string]bool{"</dev/tcp/x/22": true, "< \t/etc/x": true, "<x": false, "/bin/true": false, "<": false} {
		if got := IsShellTest(s); got != want {
			t.Errorf("IsShellTest(%q) = %v", s, got)
		}
	}
}

func TestLookPath(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "runme"), []byte("#!/bin/sh\n"), 0o755)
	os.WriteFile(filepath.Join(dir, "noexec"), []byte("#!/bin/sh\n"), 0o644)
	os.Mkdir(filepath.Join(dir, "adir"), 0o755)
	t.Setenv("PATH", "/nonexistent:"+dir)
	id := Self()
	p, searched, err := LookPath("runme", id)
	if err != nil || !searched || p != filepath.Join(dir, "runme") {
		t.Errorf("LookPath(runme) = %q, %v, %v", p, searched, err)
	}
	if _, _, err := LookPath("noexec", id); !errors.Is(err, ErrNotExecutable) {
		t.Errorf("LookPath(noexec) err = %v", err)
	}
	if _, _, err := LookPath("adir", id); !errors.Is(err, ErrNotExecutable) {
		t.Errorf("LookPath(adir) err = %v", err)
	}
	if _, _, err := LookPath("missing", id); !errors.Is(err, ErrNotFound) {
		t.Errorf("LookPath(missing) err = %v", err)
	}
	if p, searched, err := LookPath("./x/y", id); p != "./x/y" || searched || err != nil {
		t.Errorf("LookPath with slash = %q, %v, %v", p, searched, err)
	}
	if _, _, err := LookPath("", id); !errors.Is(err, ErrNotFound) {
		t.Errorf("LookPath(\"\") err = %v", err)
	}
}

func TestCheckSecureBasics(t *testing.T) {
	if err := CheckSecure("</dev/tcp/127.0.0.1/22", 0, 0); err != nil {
		t.Errorf("shell test form: %v", err)
	}
	if err := CheckSecure("relative/x.sh", 0, 0); !errors.Is(err, ErrNotFound) {
		t.Errorf("relative: %v", err)
	}
	if err := CheckSecure(filepath.Join(t.TempDir(), "missing"), 0, 0); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing: %v", err)
	}
}

// TestCanonicalPath mirrors the 2.2.7 observation: a symlinked directory
// is resolved, a final symlink with another name keeps its name.
func TestCanonicalPath(t *testing.T) {
	d, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	os.Mkdir(filepath.Join(d, "real"), 0o755)
	os.WriteFile(filepath.Join(d, "real", "dump"), []byte("#!/bin/sh\n"), 0o755)
	os.Symlink("real", filepath.Join(d, "link"))
	os.Symlink("dump", filepath.Join(d, "real", "flink"))
	os.Symlink("../real/dump", filepath.Join(d, "real", "dump2"))
	real := filepath.Join(d, "real", "dump")
	tests := []struct{ in, canon string }{
		{filepath.Join(d, "real", "dump"), real},
		{filepath.Join(d, "link", "dump"), real},
		{filepath.Join(d, "real", "flink"), filepath.Join(d, "real", "flink")},
		{filepath.Join(d, "link", "flink"), filepath.Join(d, "real", "flink")},
		{filepath.Join(d, "link", "..", "link", "dump"), real},
	}
	for _, tc := range tests {
		canon, r, err := CanonicalPath(tc.in)
		if err != nil || canon != tc.canon || r != real {
			t.Errorf("CanonicalPath(%s) = %s, %s, %v; want %s, %s", tc.in, canon, r, err, tc.canon, real)
		}
	}
	for _, bad := range []string{"rel/dump", filepath.Join(d, "nope"), filepath.Join(d, "real", "dump", "x")} {
		if _, _, err := CanonicalPath(bad); !errors.Is(err, ErrNotFound) {
			t.Errorf("CanonicalPath(%s) err = %v", bad, err)
		}
	}
}

func TestPrepareScript(t *testing.T) {
	p, err := PrepareScript([]string{"true", "x"}, Self())
	if err != nil {
		t.Fatal(err)
	}
	want, _ := exec.LookPath("true")
	want, _ = filepath.EvalSymlinks(want)
	if p.Argv[0] != want || p.Argv[1] != "x" || len(p.Warnings) != 1 {
		t.Errorf("PrepareScript(true) = %+v, want argv[0] %s and a warning", p, want)
	}
	if p, err := PrepareScript([]string{"</dev/null"}, Self()); err != nil || p.Argv[0] != "</dev/null" {
		t.Errorf("shell test form: %+v %v", p, err)
	}
	for _, bad := range [][]string{nil, {"no-such-command-goalived"}, {filepath.Join(t.TempDir(), "missing")}} {
		if _, err := PrepareScript(bad, Self()); err == nil {
			t.Errorf("PrepareScript(%q) succeeded", bad)
		}
	}
}
