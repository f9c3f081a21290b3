package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDumpDir(t *testing.T) {
	for _, c := range []struct {
		name, tmpdir, want string
	}{
		{"unset", "", "/tmp"},
		{"absolute", "/run/ka/dump", "/run/ka/dump"},
		{"relative is ignored", "dump", "/tmp"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := dumpDir(func(k string) string {
				if k != "TMPDIR" {
					t.Errorf("unexpected variable %s", k)
				}
				return c.tmpdir
			})
			if got != c.want {
				t.Errorf("dumpDir() = %q, want %q", got, c.want)
			}
		})
	}
}

// recorder is a dumpEngine that writes which call it got; its data file
// names are renamed as with data_use_instance and an instance name.
type recorder struct{}

func (recorder) WriteData(w io.Writer) error { _, err := io.WriteString(w, "data\n"); return err }
func (recorder) WriteParentData(w io.Writer) error {
	_, err := io.WriteString(w, "parent\n")
	return err
}
func (recorder) WriteStats(w io.Writer, clear bool) error {
	_, err := fmt.Fprintf(w, "stats clear=%v\n", clear)
	return err
}
func (recorder) WriteJSON(w io.Writer) error { _, err := io.WriteString(w, "[]\n"); return err }
func (recorder) DataFileName(name string) string {
	return strings.TrimSuffix(name, ".data") + ".inst.data"
}

func TestDumpFor(t *testing.T) {
	type file struct{ Name, Out string }
	for _, c := range []struct {
		sig  os.Signal
		want []file
	}{
		// The parent's file first, as keepalived's parent writes it
		// before passing the signal on; both names from DataFileName.
		{syscall.SIGUSR1, []file{{"keepalived_parent.inst.data", "parent\n"}, {"keepalived.inst.data", "data\n"}}},
		{syscall.SIGUSR2, []file{{"keepalived.stats", "stats clear=false\n"}}},
		{syscall.Signal(63), []file{{"keepalived.stats", "stats clear=true\n"}}},
		{syscall.Signal(36), []file{{"keepalived.json", "[]\n"}}},
		{syscall.SIGHUP, nil},
		{syscall.SIGTERM, nil},
	} {
		var got []file
		for _, f := range dumpFor(c.sig, recorder{}) {
			var b bytesWriter
			if err := f.write(&b); err != nil {
				t.Fatal(err)
			}
			got = append(got, file{f.name, string(b)})
		}
		if diff := cmp.Diff(c.want, got); diff != "" {
			t.Errorf("%v (-want +got):\n%s", c.sig, diff)
		}
		if isDump := slices.Contains(dumpSignals, c.sig); isDump != (c.want != nil) {
			t.Errorf("%v: in dumpSignals %v, writes files %v", c.sig, isDump, c.want != nil)
		}
	}
	// The numbers must be the ones --signum prints.
	for fn, sig := range map[string]syscall.Signal{"DATA": sigData, "STATS": sigStats, "JSON": sigJSON, "STATS_CLEAR": sigStatsClear} {
		if sigfuncs[fn] != int(sig) {
			t.Errorf("%s is signal %d here but --signum says %d", fn, sig, sigfuncs[fn])
		}
	}
}

type bytesWriter []byte

func (b *bytesWriter) Write(p []byte) (int, error) { *b = append(*b, p...); return len(p), nil }

func TestWriteDumpFile(t *testing.T) {
	dir := t.TempDir()
	// A stale file and a symlink planted at the name are replaced.
	target := filepath.Join(dir, "target")
	if err := os.WriteFile(target, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, filepath.Join(dir, "keepalived.data")); err != nil {
		t.Fatal(err)
	}
	path, err := writeDumpFile(dir, "keepalived.data", recorder{}.WriteData)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	if !fi.Mode().IsRegular() || fi.Mode().Perm() != 0o600 {
		t.Errorf("%s: mode %v, want a regular file with 0600", path, fi.Mode())
	}
	if b, _ := os.ReadFile(path); string(b) != "data\n" {
		t.Errorf("content %q", b)
	}
	if b, _ := os.ReadFile(target); string(b) != "keep" {
		t.Errorf("symlink target was written through: %q", b)
	}
	// A second dump overwrites; a failed one leaves the previous file and
	// no temporary behind.
	if _, err := writeDumpFile(dir, "keepalived.data", func(w io.Writer) error { return errors.New("boom") }); err == nil {
		t.Error("writer error not returned")
	}
	if b, _ := os.ReadFile(path); string(b) != "data\n" {
		t.Errorf("failed dump changed the file: %q", b)
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if diff := cmp.Diff([]string{"keepalived.data", "target"}, names); diff != "" {
		t.Errorf("directory after dumps (-want +got):\n%s", diff)
	}
	if _, err := writeDumpFile(filepath.Join(dir, "missing"), "keepalived.data", recorder{}.WriteData); err == nil {
		t.Error("no error for a missing directory")
	}
}
