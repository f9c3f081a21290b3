package netif

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"
)

func TestParseInotify(t *testing.T) {
	rec := func(wd int32, mask uint32, name string, pad int) []byte {
		b := make([]byte, unix.SizeofInotifyEvent+len(name)+pad)
		binary.NativeEndian.PutUint32(b[0:], uint32(wd))
		binary.NativeEndian.PutUint32(b[4:], mask)
		binary.NativeEndian.PutUint32(b[12:], uint32(len(name)+pad))
		copy(b[unix.SizeofInotifyEvent:], name)
		return b
	}
	buf := append(rec(1, unix.IN_CLOSE_WRITE, "prio", 12), rec(2, unix.IN_DELETE, "", 0)...)
	buf = append(buf, rec(3, unix.IN_MOVED_TO, "cut", 5)[:unix.SizeofInotifyEvent+2]...) // truncated
	want := []inotifyEvent{{1, unix.IN_CLOSE_WRITE, "prio"}, {2, unix.IN_DELETE, ""}}
	if diff := cmp.Diff(want, parseInotify(buf), cmp.AllowUnexported(inotifyEvent{})); diff != "" {
		t.Errorf("parseInotify (-want +got):\n%s", diff)
	}
}

// TestFileWatcher follows real files by inotify (no root needed): a file
// moved in, rewritten, removed; a directory behind a symbolic link; a
// file whose directory is missing is dropped.
func TestFileWatcher(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	if err := os.WriteFile(a, []byte("10\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// A symbolic link to the directory is resolved, as keepalived's realpath.
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(dir, link); err != nil {
		t.Fatal(err)
	}
	w, dropped, err := WatchFiles(map[string]string{"A": a, "B": filepath.Join(link, "b"), "C": "/no/such/dir/c"})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if len(dropped) != 1 || dropped["C"] == nil {
		t.Errorf("dropped %v, want only C (its directory does not exist)", dropped)
	}
	if got := string(w.Read("A")); got != "10\n" {
		t.Errorf("Read(A) = %q, want 10", got)
	}
	if got := w.Read("B"); got != nil {
		t.Errorf("Read(B) of a missing file = %q, want nil", got)
	}
	next := func() FileChange {
		t.Helper()
		select {
		case ch := <-w.Changes():
			return ch
		case <-time.After(5 * time.Second):
			t.Fatal("no file change within 5 s")
		}
		return FileChange{}
	}
	tmp := filepath.Join(dir, ".tmp")
	if err := os.WriteFile(tmp, []byte("-3"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Writing .tmp is a change of no watched file; moving it in is one of B.
	if err := os.Rename(tmp, b); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(FileChange{"B", []byte("-3")}, next()); diff != "" {
		t.Errorf("after moving b in (-want +got):\n%s", diff)
	}
	// Truncate-and-write is read after close: never as an empty file.
	for i := range 5 {
		if err := os.WriteFile(a, []byte("0x2"+string(rune('0'+i))), 0o644); err != nil {
			t.Fatal(err)
		}
		if ch := next(); ch.Name != "A" || len(ch.Data) == 0 {
			t.Errorf("rewrite %d of a: change %+v, want A with contents", i, ch)
		}
	}
	if err := os.Remove(b); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(FileChange{Name: "B"}, next()); diff != "" {
		t.Errorf("after removing b (-want +got):\n%s", diff)
	}
	if err := os.WriteFile(filepath.Join(dir, "other"), []byte("5"), 0o644); err != nil {
		t.Fatal(err)
	}
	select {
	case ch := <-w.Changes():
		t.Errorf("unexpected change %+v", ch)
	case <-time.After(50 * time.Millisecond):
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if _, ok := <-w.Changes(); ok {
		t.Error("Changes still open after Close")
	}
	if err := w.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}
