package engine

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/script"
)

func TestParseTrackFile(t *testing.T) {
	type res struct {
		V  int64
		OK bool
	}
	tests := []struct {
		in   string
		want res
	}{
		{"", res{0, true}},
		{"0\n", res{0, true}},
		{"42\n", res{42, true}},
		{"  -17 trailing words", res{-17, true}},
		{"+5", res{5, true}},
		{"\t\n 7", res{7, true}},
		{"0x1f", res{31, true}},
		{"0X10", res{16, true}},
		{"0x", res{0, true}},  // strtol stops after the 0
		{"0xg", res{0, true}}, // same
		{"010", res{8, true}}, // octal, as strtol base 0
		{"09", res{0, true}},  // 9 is no octal digit
		{"abc", res{0, true}},
		{"12abc", res{12, true}},
		{"-", res{0, true}},
		{"2147483647", res{2147483647, true}},
		{"-2147483648", res{-2147483648, true}},
		{"2147483648", res{0, false}},
		{"-2147483649", res{0, false}},
		{"99999999999999999999999", res{0, false}},
	}
	for _, tc := range tests {
		v, ok := parseTrackFile([]byte(tc.in))
		if diff := cmp.Diff(tc.want, res{v, ok}); diff != "" {
			t.Errorf("parseTrackFile(%q) (-want +got):\n%s", tc.in, diff)
		}
	}
}

func FuzzParseTrackFile(f *testing.F) {
	for _, s := range []string{"", "1", "-0x7fffffff", "0777", " +12 ", "0x", "9999999999"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		v, ok := parseTrackFile(b)
		if !ok && v != 0 {
			t.Fatalf("rejected input gave value %d", v)
		}
		if v < -1<<31 || v > 1<<31-1 {
			t.Fatalf("value %d outside the C int range", v)
		}
	})
}

func TestReadTrackFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	if v, ok := readTrackFile(p); v != 0 || !ok {
		t.Errorf("missing file: got %d %v, want 0 true", v, ok)
	}
	// Only the first 127 bytes count, as keepalived's buffer.
	long := make([]byte, 200)
	for i := range long {
		long[i] = ' '
	}
	copy(long[150:], "5")
	if err := os.WriteFile(p, long, 0o644); err != nil {
		t.Fatal(err)
	}
	if v, ok := readTrackFile(p); v != 0 || !ok {
		t.Errorf("number after byte 127: got %d %v, want 0 true", v, ok)
	}
}

func TestInitTrackFile(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name     string
		existing *string
		tf       config.TrackFile
		reload   bool
		want     string
	}{
		{"no init_file leaves it missing", nil, config.TrackFile{}, false, "<missing>"},
		{"creates with 0", nil, config.TrackFile{InitFile: true}, false, "0\n"},
		{"creates with value", nil, config.TrackFile{InitFile: true, InitValue: -20}, false, "-20\n"},
		{"keeps existing", ptr("7\n"), config.TrackFile{InitFile: true, InitValue: 3}, false, "7\n"},
		{"overwrites", ptr("7\n"), config.TrackFile{InitFile: true, InitValue: 3, InitOverwrite: true}, false, "3\n"},
		{"never overwrites on reload", ptr("7\n"), config.TrackFile{InitFile: true, InitValue: 3, InitOverwrite: true}, true, "7\n"},
		{"creates on reload", nil, config.TrackFile{InitFile: true, InitValue: 3, InitOverwrite: true}, true, "3\n"},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, string(rune('a'+i)))
			if tc.existing != nil {
				if err := os.WriteFile(p, []byte(*tc.existing), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			tc.tf.File = p
			if err := initTrackFile(&tc.tf, tc.reload); err != nil {
				t.Fatal(err)
			}
			got := "<missing>"
			if b, err := os.ReadFile(p); err == nil {
				got = string(b)
			}
			if got != tc.want {
				t.Errorf("file holds %q, want %q", got, tc.want)
			}
		})
	}
	if err := initTrackFile(&config.TrackFile{File: dir, InitFile: true, InitOverwrite: true}, false); err == nil {
		t.Error("init_file overwrite on a directory: want an error")
	}
	if err := initTrackFile(&config.TrackFile{File: dir, InitFile: true}, false); err != nil {
		t.Errorf("init_file without overwrite on an existing directory: %v, want it left alone", err)
	}
}

func ptr[T any](v T) *T { return &v }

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
	w, dropped, err := newFileWatcher(map[string]string{"A": a, "B": filepath.Join(link, "b"), "C": "/no/such/dir/c"})
	if err != nil {
		t.Fatal(err)
	}
	if len(dropped) != 1 || dropped["C"] == nil {
		t.Errorf("dropped %v, want only C (its directory does not exist)", dropped)
	}
	init := w.initial()
	if diff := cmp.Diff(map[string]int64{"A": 10, "B": 0}, init); diff != "" {
		t.Fatalf("initial values (-want +got):\n%s", diff)
	}
	events := make(chan fileEvent)
	go w.run(init, events)
	defer w.close()

	next := func() fileEvent {
		t.Helper()
		select {
		case ev := <-events:
			return ev
		case <-time.After(5 * time.Second):
			t.Fatal("no file event within 5 s")
		}
		return fileEvent{}
	}
	rename := func(p, s string) {
		t.Helper()
		tmp := filepath.Join(dir, ".tmp")
		if err := os.WriteFile(tmp, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, p); err != nil {
			t.Fatal(err)
		}
	}
	rename(b, "-3") // moved in
	if diff := cmp.Diff(fileEvent{"B", -3}, next()); diff != "" {
		t.Errorf("after moving b in (-want +got):\n%s", diff)
	}
	// Truncate-and-write is read after close: never as an empty 0. (A
	// rewrite racing with the read of the previous one can be, as in
	// keepalived, so the writes are spaced.)
	for i := 0; i < 5; i++ {
		if err := os.WriteFile(a, []byte("10 same value\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := os.WriteFile(a, []byte("0x20"), 0o644); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(fileEvent{"A", 32}, next()); diff != "" {
		t.Errorf("after rewriting a (-want +got):\n%s", diff)
	}
	if err := os.WriteFile(a, []byte("99999999999"), 0o644); err != nil { // ignored: out of range
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond)
	if err := os.Remove(b); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(fileEvent{"B", 0}, next()); diff != "" {
		t.Errorf("after removing b (-want +got):\n%s", diff)
	}
	if err := os.WriteFile(filepath.Join(dir, "other"), []byte("5"), 0o644); err != nil {
		t.Fatal(err)
	}
	select {
	case ev := <-events:
		t.Errorf("unexpected event %+v", ev)
	case <-time.After(50 * time.Millisecond):
	}
}

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

// TestFileTrackersFault: a file value whose contribution reaches -254
// faults the instance and leaves its priority where the last non-fault
// value put it (keepalived 2.2.7: MASTER_PRIORITY 60, then FAULT 60).
func TestFileTrackersFault(t *testing.T) {
	tr := &tracking{good: map[string]int64{}}
	entry := config.Track{Name: "f", Weight: 2}
	type res struct {
		Effective int
		Fault     bool
	}
	steps := []struct {
		v    int64
		want res
	}{
		{0, res{100, false}},
		{10, res{120, false}},
		{-20, res{60, false}},
		{-127, res{60, true}},
		{-5000, res{60, true}},
		{-126, res{1, false}}, // -252: no fault, clamped
		{0, res{100, false}},
	}
	for i, s := range steps {
		ev := script.Evaluate(100, tr.fileTrackers("VI_1", entry, s.v))
		if diff := cmp.Diff(s.want, res{ev.Effective, ev.InFault()}); diff != "" {
			t.Errorf("step %d value %d (-want +got):\n%s", i, s.v, diff)
		}
	}
	// Another instance with its own weight keeps its own last good value.
	ev := script.Evaluate(100, tr.fileTrackers("VI_2", config.Track{Name: "f", Weight: 1}, -300))
	if ev.Effective != 100 || !ev.InFault() {
		t.Errorf("VI_2 first value -300: effective %d fault %v, want 100 true", ev.Effective, ev.InFault())
	}
}
