package script

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
)

// notifyLogScript logs argc and argv, as the notify.sh used to watch
// keepalived 2.2.7 did.
func notifyLogScript(t *testing.T, log string) string {
	return writeScript(t, `n=0; out=""
for a in "$@"; do n=$((n+1)); out="$out [$n]=$a"; done
echo "argc=$#$out" >> `+log)
}

func readLines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

func closeNotifier(t *testing.T, n *Notifier) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := n.Close(ctx); err != nil {
		t.Fatalf("Close: %v", err)
	}
}

// TestNotifierArgvAsKeepalived replays a run of keepalived 2.2.7: the
// state-specific script gets only its own argv, the generic one four more
// words, and everything arrives in order.
func TestNotifierArgvAsKeepalived(t *testing.T) {
	log := filepath.Join(t.TempDir(), "notify.log")
	sh := notifyLogScript(t, log)
	scripts := NotifyScripts{
		Generic: &Command{Argv: []string{sh, "generic_extra"}},
		Master:  &Command{Argv: []string{sh}},
		Backup:  &Command{Argv: []string{sh, "BACKUP_SCRIPT"}},
	}
	n := NewNotifier(NotifierConfig{})
	for _, tr := range []Transition{
		{Name: "VI_1", State: "BACKUP", Priority: 100},
		{Name: "VI_1", State: "MASTER", Priority: 110},
		{Name: "VI_1", State: "STOP", Priority: 100},
	} {
		if err := n.Notify(scripts, tr); err != nil {
			t.Fatal(err)
		}
	}
	closeNotifier(t, n)
	want := []string{
		"argc=1 [1]=BACKUP_SCRIPT",
		"argc=5 [1]=generic_extra [2]=INSTANCE [3]=VI_1 [4]=BACKUP [5]=100",
		"argc=0",
		"argc=5 [1]=generic_extra [2]=INSTANCE [3]=VI_1 [4]=MASTER [5]=110",
		"argc=5 [1]=generic_extra [2]=INSTANCE [3]=VI_1 [4]=STOP [5]=100",
	}
	if d := cmp.Diff(want, readLines(t, log)); d != "" {
		t.Errorf("notify log (-want +got):\n%s", d)
	}
}

func TestNotifierGroupPriorityZero(t *testing.T) {
	log := filepath.Join(t.TempDir(), "notify.log")
	n := NewNotifier(NotifierConfig{})
	n.Notify(NotifyScripts{Generic: &Command{Argv: []string{notifyLogScript(t, log)}}},
		Transition{Group: true, Name: "VG1", State: "FAULT", Priority: 99})
	closeNotifier(t, n)
	if d := cmp.Diff([]string{"argc=4 [1]=GROUP [2]=VG1 [3]=FAULT [4]=0"}, readLines(t, log)); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

// TestNotifierSlowFirstKeepsOrder: keepalived would let MASTER overtake a
// slow BACKUP notify; goalived must not, and Notify must not wait.
func TestNotifierSlowFirstKeepsOrder(t *testing.T) {
	log := filepath.Join(t.TempDir(), "order.log")
	sh := writeScript(t, `[ "$3" = BACKUP ] && sleep 0.5; echo "$3" >> `+log)
	n := NewNotifier(NotifierConfig{})
	s := NotifyScripts{Generic: &Command{Argv: []string{sh}}}
	start := time.Now()
	n.Notify(s, Transition{Name: "VI_1", State: "BACKUP", Priority: 100})
	n.Notify(s, Transition{Name: "VI_1", State: "MASTER", Priority: 110})
	if d := time.Since(start); d > 100*time.Millisecond {
		t.Errorf("Notify blocked for %v", d)
	}
	closeNotifier(t, n)
	if d := cmp.Diff([]string{"BACKUP", "MASTER"}, readLines(t, log)); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

// TestNotifierHangDoesNotBlockOthers: a hanging notify of VI_1 delays
// neither VI_2's notify nor VI_1's FIFO line.
func TestNotifierHangDoesNotBlockOthers(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "vi2.log")
	var mu sync.Mutex
	var results []NotifyResult
	n := NewNotifier(NotifierConfig{OnResult: func(r NotifyResult) {
		mu.Lock()
		results = append(results, r)
		mu.Unlock()
	}})
	hang := NotifyScripts{Generic: &Command{Argv: []string{writeScript(t, "sleep 60")}, Timeout: 2 * time.Second}}
	quick := NotifyScripts{Generic: &Command{Argv: []string{notifyLogScript(t, log)}}}
	n.Notify(hang, Transition{Name: "VI_1", State: "MASTER", Priority: 110})
	n.Notify(quick, Transition{Name: "VI_2", State: "BACKUP", Priority: 90})
	deadline := time.Now().Add(time.Second)
	for readLines(t, log)[0] == "" {
		if time.Now().After(deadline) {
			t.Fatal("VI_2 notify did not run while VI_1's hung")
		}
		time.Sleep(10 * time.Millisecond)
	}
	closeNotifier(t, n)
	mu.Lock()
	defer mu.Unlock()
	if len(results) != 2 || !results[1].Result.TimedOut || results[1].Transition.Name != "VI_1" {
		t.Errorf("results %+v, want VI_2 then VI_1 timed out", results)
	}
}

func TestNotifierStopIsKilledAfterOneSecond(t *testing.T) {
	var got []NotifyResult
	var mu sync.Mutex
	n := NewNotifier(NotifierConfig{OnResult: func(r NotifyResult) { mu.Lock(); got = append(got, r); mu.Unlock() }})
	n.Notify(NotifyScripts{Stop: &Command{Argv: []string{"/bin/sh", "-c", "trap '' TERM; sleep 60"}}},
		Transition{Name: "VI_1", State: "STOP", Priority: 100})
	closeNotifier(t, n)
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 {
		t.Fatalf("results %+v", got)
	}
	r := got[0].Result
	if !r.TimedOut || r.Signal != syscall.SIGKILL || r.Duration < StopNotifyTimeout || r.Duration > 3*time.Second {
		t.Errorf("STOP run: timedOut=%v signal=%v duration=%v", r.TimedOut, r.Signal, r.Duration)
	}
}

func TestNotifierCloseDeadlineKills(t *testing.T) {
	n := NewNotifier(NotifierConfig{})
	n.Notify(NotifyScripts{Generic: &Command{Argv: []string{writeScript(t, "sleep 60")}}}, Transition{Name: "VI_1", State: "MASTER"})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	if err := n.Close(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Close = %v, want deadline exceeded", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Close took %v", d)
	}
	if err := n.Notify(NotifyScripts{}, Transition{Name: "VI_1", State: "BACKUP"}); !errors.Is(err, ErrNotifierClosed) {
		t.Errorf("Notify after Close = %v", err)
	}
}

func TestNotifierRxLowerPriSkipsGeneric(t *testing.T) {
	log := filepath.Join(t.TempDir(), "notify.log")
	sh := notifyLogScript(t, log)
	n := NewNotifier(NotifierConfig{})
	s := NotifyScripts{Generic: &Command{Argv: []string{sh, "generic"}}, MasterRxLowerPri: &Command{Argv: []string{sh, "rx_lower"}}}
	n.Notify(s, Transition{Name: "VI_1", State: "MASTER_RX_LOWER_PRI", Priority: 110})
	n.Notify(s, Transition{Name: "VI_1", State: "MASTER_PRIORITY", Priority: 100})
	closeNotifier(t, n)
	if d := cmp.Diff([]string{"argc=1 [1]=rx_lower"}, readLines(t, log)); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

// TestNotifierSetFIFOs: after SetFIFOs the lines go to the new FIFOs only
// (a reload replaces them), and with none set nothing is written.
func TestNotifierSetFIFOs(t *testing.T) {
	dir := t.TempDir()
	a := openTestFIFO(t, FIFOConfig{Path: filepath.Join(dir, "a.fifo")})
	b := openTestFIFO(t, FIFOConfig{Path: filepath.Join(dir, "b.fifo")})
	n := NewNotifier(NotifierConfig{FIFOs: []FIFOWriter{a}})
	defer closeNotifier(t, n)
	send := func(name string) {
		if err := n.NotifyFIFO(Transition{Name: name, State: "MASTER", Priority: 100}); err != nil {
			t.Fatal(err)
		}
	}
	send("VI_1")
	n.SetFIFOs(nil)
	send("VI_2")
	n.SetFIFOs([]FIFOWriter{b})
	send("VI_3")
	for _, tc := range []struct {
		f    *FIFO
		want string
	}{
		{a, "INSTANCE \"VI_1\" MASTER 100\n"},
		{b, "INSTANCE \"VI_3\" MASTER 100\n"},
	} {
		if got := drainFIFO(t, tc.f.Path()); got != tc.want {
			t.Errorf("%s holds %q, want %q", tc.f.Path(), got, tc.want)
		}
	}
}

// drainFIFO reads what a FIFO holds without blocking.
func drainFIFO(t *testing.T, path string) string {
	t.Helper()
	fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Close(fd)
	buf := make([]byte, 4096)
	n, err := syscall.Read(fd, buf)
	if err != nil && err != syscall.EAGAIN {
		t.Fatal(err)
	}
	return string(buf[:max(n, 0)])
}

// TestNotifierIdle waits for a queued script to finish without closing
// the notifier, and gives up at the context's end while one still runs.
func TestNotifierIdle(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		release := make(chan struct{})
		n := NewNotifier(NotifierConfig{Run: func(ctx context.Context, c Command) (Result, error) {
			select {
			case <-release:
			case <-ctx.Done():
			}
			return Result{OK: true}, nil
		}})
		if err := n.Idle(context.Background()); err != nil {
			t.Fatalf("idle notifier: %v", err)
		}
		if err := n.Notify(NotifyScripts{Master: &Command{Argv: []string{"/x"}}}, Transition{Name: "VI_1", State: "MASTER"}); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if err := n.Idle(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Idle with a script running: %v, want the deadline", err)
		}
		close(release)
		if err := n.Idle(context.Background()); err != nil {
			t.Errorf("Idle after the script: %v", err)
		}
		if err := n.Notify(NotifyScripts{}, Transition{Name: "VI_1", State: "BACKUP"}); err != nil {
			t.Errorf("notifier refused a notification after Idle: %v", err)
		}
		closeNotifier(t, n)
	})
}
