package script

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"
)

func TestFIFOLine(t *testing.T) {
	tests := []struct {
		t    Transition
		want string
	}{
		{Transition{Name: "VI_1", State: "MASTER", Priority: 110}, "INSTANCE \"VI_1\" MASTER 110\n"},
		{Transition{Name: "VI_1", State: "BACKUP_PRIORITY", Priority: 100}, "INSTANCE \"VI_1\" BACKUP_PRIORITY 100\n"},
		{Transition{Group: true, Name: "VG1", State: "BACKUP", Priority: 100}, "GROUP \"VG1\" BACKUP 0\n"},
	}
	for _, tc := range tests {
		if got := tc.t.FIFOLine(); got != tc.want {
			t.Errorf("FIFOLine(%+v) = %q, want %q", tc.t, got, tc.want)
		}
	}
}

func openTestFIFO(t *testing.T, cfg FIFOConfig) *FIFO {
	t.Helper()
	f, err := OpenFIFO(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// TestFIFONoReaderNeverBlocks: created 0600, lines readable in order, and
// with nobody reading a full FIFO drops lines instead of blocking.
func TestFIFONoReaderNeverBlocks(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vrrp.fifo")
	f := openTestFIFO(t, FIFOConfig{Path: path})
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		t.Fatal(err)
	}
	if st.Mode&unix.S_IFMT != unix.S_IFIFO || st.Mode&0o077 != 0 {
		t.Errorf("mode %o, want a fifo without group/other access", st.Mode)
	}
	n := NewNotifier(NotifierConfig{FIFOs: []FIFOWriter{f}})
	n.Notify(NotifyScripts{}, Transition{Name: "VI_1", State: "BACKUP", Priority: 100})
	n.NotifyFIFO(Transition{Name: "VI_1", State: "BACKUP_PRIORITY", Priority: 110})
	r, err := os.OpenFile(path, os.O_RDONLY|unix.O_NONBLOCK, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	buf := make([]byte, 4096)
	k, _ := r.Read(buf)
	if got, want := string(buf[:k]), "INSTANCE \"VI_1\" BACKUP 100\nINSTANCE \"VI_1\" BACKUP_PRIORITY 110\n"; got != want {
		t.Errorf("fifo content %q, want %q", got, want)
	}
	start := time.Now()
	for range 10000 { // about 300 KB, far beyond the 64 KiB pipe buffer
		if err := f.Write(Transition{Name: "VI_1", State: "MASTER", Priority: 110}); err != nil {
			t.Fatal(err)
		}
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("writes took %v", d)
	}
	if f.Dropped() == 0 {
		t.Error("no line dropped on a full fifo")
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("fifo we created still exists after Close: %v", err)
	}
	if err := f.Write(Transition{Name: "VI_1"}); !errors.Is(err, os.ErrClosed) {
		t.Errorf("Write after Close = %v", err)
	}
}

func TestFIFOReaderScript(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "vrrp.fifo")
	log := filepath.Join(dir, "fifo.log")
	reader := writeScript(t, `for f; do :; done
echo "started $* $$" >> `+log+`
while read -r line; do echo "$line" >> `+log+`; done < "$f"`)
	f := openTestFIFO(t, FIFOConfig{Path: path, Reader: &Command{Argv: []string{reader, "x"}}})
	f.Write(Transition{Name: "VI_1", State: "MASTER", Priority: 110})
	f.Write(Transition{Group: true, Name: "VG1", State: "MASTER", Priority: 110})
	var lines []string
	deadline := time.Now().Add(3 * time.Second)
	for len(lines) < 3 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		lines = readLines(t, log)
	}
	if len(lines) != 3 {
		t.Fatalf("reader log %q", lines)
	}
	fields := strings.Fields(lines[0])
	if d := cmp.Diff([]string{"started", "x", path}, fields[:3]); d != "" {
		t.Errorf("reader argv (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{`INSTANCE "VI_1" MASTER 110`, `GROUP "VG1" MASTER 0`}, lines[1:]); d != "" {
		t.Errorf("reader lines (-want +got):\n%s", d)
	}
	f.Close()
	pid := 0
	for _, c := range fields[3] {
		pid = pid*10 + int(c-'0')
	}
	waitGone(t, pid)
}

func TestFIFOExisting(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(dir, "plain")
	os.WriteFile(plain, nil, 0o600)
	if _, err := OpenFIFO(FIFOConfig{Path: plain}); !errors.Is(err, ErrNotOurFIFO) {
		t.Errorf("regular file: err = %v, want ErrNotOurFIFO", err)
	}
	if _, err := os.Stat(plain); err != nil {
		t.Errorf("existing file removed: %v", err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := unix.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := OpenFIFO(FIFOConfig{Path: fifo})
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, err := os.Stat(fifo); err != nil {
		t.Errorf("pre-existing fifo removed by Close: %v", err)
	}
	if _, err := OpenFIFO(FIFOConfig{Path: filepath.Join(dir, "missing", "fifo")}); err == nil {
		t.Error("fifo in a missing directory opened")
	}
}
