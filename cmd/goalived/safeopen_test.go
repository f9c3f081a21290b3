package main

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestOpenAppendSafe: a new file is created 0600; an existing file of
// ours is appended to; a link, a FIFO, a second link to a file, a file
// others may write and a directory others may write without the sticky
// bit are refused, and nothing is written through them.
func TestOpenAppendSafe(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "target")
	if err := os.WriteFile(target, []byte("keep\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	mustDo(t, os.Symlink(target, filepath.Join(dir, "link")))
	mustDo(t, os.Symlink(filepath.Join(dir, "created"), filepath.Join(dir, "dangling")))
	mustDo(t, syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o600))
	mustDo(t, os.Link(target, filepath.Join(dir, "hardlink")))
	mustDo(t, os.WriteFile(filepath.Join(dir, "groupw"), nil, 0o600))
	mustDo(t, os.Chmod(filepath.Join(dir, "groupw"), 0o620))
	open := filepath.Join(dir, "open")
	mustDo(t, os.Mkdir(open, 0o777))
	mustDo(t, os.Chmod(open, 0o777))
	sticky := filepath.Join(dir, "sticky")
	mustDo(t, os.Mkdir(sticky, 0o777))
	mustDo(t, os.Chmod(sticky, 0o777|os.ModeSticky))

	for _, name := range []string{"link", "dangling", "fifo", "hardlink", "groupw", "open/log"} {
		t.Run(name, func(t *testing.T) {
			f, err := openAppendSafe(filepath.Join(dir, name))
			if err == nil {
				f.Close()
				t.Fatal("opened")
			}
		})
	}
	if b, _ := os.ReadFile(target); string(b) != "keep\n" {
		t.Errorf("target now %q", b)
	}
	if _, err := os.Lstat(filepath.Join(dir, "created")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("dangling link's target created: %v", err)
	}
	for _, name := range []string{"new.log", "sticky/new.log", "new.log"} {
		p := filepath.Join(dir, name)
		f, err := openAppendSafe(p)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		io.WriteString(f, "line\n")
		f.Close()
		if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, %v; want 0600", name, fi.Mode(), err)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "new.log")); string(b) != "line\nline\n" {
		t.Errorf("appended file holds %q", b)
	}
}

func mustDo(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestReplaceFile: the mode is the one asked whatever the umask, a link at
// the name is replaced and its target left alone, and no temporary file
// is left behind, also when writing fails.
func TestReplaceFile(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "target")
	mustDo(t, os.WriteFile(target, []byte("keep\n"), 0o600))
	path := filepath.Join(dir, "status")
	mustDo(t, os.Symlink(target, path))
	write := func(w io.Writer) error { _, err := io.WriteString(w, "new\n"); return err }
	if err := replaceFile(path, 0o644, write); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Lstat(path)
	if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm() != 0o644 {
		t.Errorf("status: %v %v, want a regular 0644 file", fi.Mode(), err)
	}
	if b, _ := os.ReadFile(target); string(b) != "keep\n" {
		t.Errorf("link target now %q", b)
	}
	if err := replaceFile(path, 0o644, func(io.Writer) error { return io.ErrShortWrite }); err == nil {
		t.Error("a failed write was not reported")
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 2 {
		t.Errorf("directory holds %d entries, want target and status", len(ents))
	}
}

// TestReadSmallFile reads a regular file, but no FIFO (without waiting for
// a writer) and no link.
func TestReadSmallFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "pid")
	mustDo(t, os.WriteFile(p, []byte("123\n"+strings.Repeat("x", 100)), 0o644))
	if b, err := readSmallFile(p, 4); err != nil || string(b) != "123\n" {
		t.Errorf("got %q, %v", b, err)
	}
	mustDo(t, syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o644))
	mustDo(t, os.Symlink(p, filepath.Join(dir, "link")))
	for _, name := range []string{"fifo", "link"} {
		if _, err := readSmallFile(filepath.Join(dir, name), 64); err == nil {
			t.Errorf("%s read", name)
		}
	}
}
