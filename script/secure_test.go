package script

import (
	"errors"
	"os"
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
