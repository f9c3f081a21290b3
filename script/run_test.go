package script

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// writeScript creates an executable shell script in a temp dir.
func writeScript(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "s.sh")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func mustRun(t *testing.T, c Command) Result {
	t.Helper()
	r, err := Run(context.Background(), c)
	if err != nil {
		t.Fatalf("Run(%q): %v", c.Argv, err)
	}
	return r
}

func TestRunExitStatus(t *testing.T) {
	tests := []struct {
		name   string
		argv   []string
		ok     bool
		code   int
		signal syscall.Signal
	}{
		{"true", []string{"/bin/true"}, true, 0, 0},
		{"false", []string{"/bin/false"}, false, 1, 0},
		{"exit 3", []string{"/bin/sh", "-c", "exit 3"}, false, 3, 0},
		{"exit 255", []string{"/bin/sh", "-c", "exit 255"}, false, 255, 0},
		{"killed by signal", []string{"/bin/sh", "-c", "kill -KILL $$"}, false, -1, syscall.SIGKILL},
		{"argv passed verbatim", []string{"/bin/sh", "-c", `[ "$0 $1" = "a b c" ]`, "a", "b c"}, true, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := mustRun(t, Command{Argv: tc.argv})
			if r.OK != tc.ok || r.ExitCode != tc.code || r.Signal != tc.signal {
				t.Errorf("got ok=%v code=%d signal=%v, want ok=%v code=%d signal=%v",
					r.OK, r.ExitCode, r.Signal, tc.ok, tc.code, tc.signal)
			}
			if r.TimedOut || r.Canceled || r.ExecErr != nil {
				t.Errorf("unexpected timedOut=%v canceled=%v execErr=%v", r.TimedOut, r.Canceled, r.ExecErr)
			}
		})
	}
}

// TestRunExecFailureCountsAsSuccess pins keepalived's quirk (reference
// 3.3): a program that cannot be executed is reported as success.
func TestRunExecFailureCountsAsSuccess(t *testing.T) {
	dir := t.TempDir()
	noShebang := filepath.Join(dir, "noshebang")
	badInterp := filepath.Join(dir, "badinterp")
	os.WriteFile(noShebang, []byte("exit 1\n"), 0o755)
	os.WriteFile(badInterp, []byte("#!/nonexistent/sh\nexit 1\n"), 0o755)
	for _, p := range []string{noShebang, badInterp, filepath.Join(dir, "missing")} {
		r := mustRun(t, Command{Argv: []string{p}})
		if !r.OK || r.ExecErr == nil {
			t.Errorf("%s: ok=%v execErr=%v, want ok with an exec error", p, r.OK, r.ExecErr)
		}
	}
}

func TestRunPathSearchWarns(t *testing.T) {
	r := mustRun(t, Command{Argv: []string{"true"}})
	if !r.OK || len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "resolved by path search to `") {
		t.Errorf("got ok=%v warnings=%q", r.OK, r.Warnings)
	}
}

func TestRunShellTestForm(t *testing.T) {
	if r := mustRun(t, Command{Argv: []string{"</dev/null"}}); !r.OK {
		t.Errorf("</dev/null: ok=false (code %d)", r.ExitCode)
	}
	if r := mustRun(t, Command{Argv: []string{"</nonexistent/file"}}); r.OK {
		t.Errorf("</nonexistent/file: ok=true")
	}
	if got, want := shellString([]string{"</x", "a b", "it's"}), `</x 'a b' 'it'\''s'`; got != want {
		t.Errorf("shellString = %s, want %s", got, want)
	}
}

// TestRunProcessSetup checks what the child sees: its own process group,
// no blocked or ignored signals (not even one the daemon ignores, as
// under nohup), only fds 0-2, stdin on /dev/null.
func TestRunProcessSetup(t *testing.T) {
	signal.Ignore(syscall.SIGHUP)
	t.Cleanup(func() { signal.Reset(syscall.SIGHUP) })
	r := mustRun(t, Command{Argv: []string{"/bin/cat", "/proc/self/stat", "/proc/self/status"}, Capture: 1 << 16})
	f := strings.Fields(string(r.Output))
	if len(f) < 5 || f[0] != strconv.Itoa(r.PID) || f[4] != strconv.Itoa(r.PID) {
		t.Fatalf("pid %d: /proc/self/stat starts %q, want pgrp == pid", r.PID, f[:min(len(f), 5)])
	}
	for _, want := range []string{"SigBlk:\t0000000000000000", "SigIgn:\t0000000000000000"} {
		if !strings.Contains(string(r.Output), want) {
			t.Errorf("child status lacks %q", want)
		}
	}
	// ls itself opens the directory as fd 3.
	r = mustRun(t, Command{Argv: []string{"/bin/ls", "/proc/self/fd"}, Capture: 4096})
	if got := strings.Fields(string(r.Output)); strings.Join(got, " ") != "0 1 2 3" {
		t.Errorf("child fds: %q, want 0 1 2 (and ls's 3)", got)
	}
	r = mustRun(t, Command{Argv: []string{"/bin/readlink", "/proc/self/fd/0"}, Capture: 4096})
	if got := string(r.Output); got != "/dev/null\n" {
		t.Errorf("child stdin: %q, want /dev/null", got)
	}
}

func TestRunStdoutIsDevNullWithoutCapture(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	r := mustRun(t, Command{Argv: []string{"/bin/sh", "-c", "x=$(readlink /proc/$$/fd/1 /proc/$$/fd/2); echo \"$x\" > " + out}})
	b, _ := os.ReadFile(out)
	if !r.OK || string(b) != "/dev/null\n/dev/null\n" {
		t.Errorf("ok=%v stdout/stderr = %q", r.OK, b)
	}
	if r.Output != nil {
		t.Errorf("Output = %q without capture", r.Output)
	}
}

func TestRunCapture(t *testing.T) {
	r := mustRun(t, Command{Argv: []string{"/bin/sh", "-c", "echo out; echo err >&2; exit 2"}, Capture: 4096})
	if r.OK || string(r.Output) != "out\nerr\n" {
		t.Errorf("ok=%v output=%q", r.OK, r.Output)
	}
	// Far more output than the pipe holds: kept to the limit, never blocks.
	r = mustRun(t, Command{Argv: []string{"/bin/sh", "-c", "head -c 1000000 /dev/zero"}, Capture: 100, Timeout: 10 * time.Second})
	if !r.OK || len(r.Output) != 100 {
		t.Errorf("ok=%v timedOut=%v len(output)=%d, want ok and 100", r.OK, r.TimedOut, len(r.Output))
	}
}

// gone reports whether pid no longer runs (absent or a zombie that our
// own reaper is not responsible for).
func gone(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i >= 0 && len(s) > i+2 && s[i+2] == 'Z'
}

func waitGone(t *testing.T, pid int) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for !gone(pid) {
		if time.Now().After(deadline) {
			t.Fatalf("pid %d still running", pid)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func readPID(t *testing.T, path string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	return pid
}

func TestRunTimeoutKillsGroup(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "grandchild")
	s := writeScript(t, `sleep 60 & echo $! > "$1"; sleep 60`)
	r := mustRun(t, Command{Argv: []string{s, pidFile}, Timeout: 300 * time.Millisecond})
	if !r.TimedOut || r.OK || r.Signal != syscall.SIGTERM {
		t.Errorf("timedOut=%v ok=%v signal=%v, want timed out by SIGTERM", r.TimedOut, r.OK, r.Signal)
	}
	if r.Duration < 300*time.Millisecond || r.Duration > 2*time.Second {
		t.Errorf("duration %v", r.Duration)
	}
	waitGone(t, r.PID)
	waitGone(t, readPID(t, pidFile))
}

func TestRunTimeoutSIGKILLWhenTermIgnored(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "grandchild")
	s := writeScript(t, `trap '' TERM; sleep 60 & echo $! > "$1"; sleep 60`)
	start := time.Now()
	r := mustRun(t, Command{Argv: []string{s, pidFile}, Timeout: 200 * time.Millisecond, KillGrace: 300 * time.Millisecond})
	if !r.TimedOut || r.OK || r.Signal != syscall.SIGKILL {
		t.Errorf("timedOut=%v ok=%v signal=%v, want timed out by SIGKILL", r.TimedOut, r.OK, r.Signal)
	}
	if d := time.Since(start); d < 500*time.Millisecond {
		t.Errorf("returned after %v, before timeout+grace", d)
	}
	waitGone(t, readPID(t, pidFile))
}

func TestRunCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	r, err := Run(ctx, Command{Argv: []string{"/bin/sleep", "60"}})
	if err != nil || !r.Canceled || r.OK || r.Signal != syscall.SIGTERM {
		t.Errorf("err=%v canceled=%v ok=%v signal=%v", err, r.Canceled, r.OK, r.Signal)
	}
}

func TestRunNoArgv(t *testing.T) {
	if _, err := Run(context.Background(), Command{}); !errors.Is(err, ErrNoArgv) {
		t.Errorf("err = %v, want ErrNoArgv", err)
	}
}

// countFDs and countZombies measure leaks of the test process itself.
func countFDs(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(ents)
}

func countZombies(t *testing.T) int {
	t.Helper()
	ents, _ := os.ReadDir("/proc")
	me := strconv.Itoa(os.Getpid())
	n := 0
	for _, e := range ents {
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		f := strings.Fields(s[i+1:])
		if len(f) > 1 && f[0] == "Z" && f[1] == me {
			n++
		}
	}
	return n
}

func TestRunNoLeaks(t *testing.T) {
	if testing.Short() {
		t.Skip("1000 processes")
	}
	mustRun(t, Command{Argv: []string{"/bin/true"}, Capture: 10}) // warm up lazily opened fds
	fds, zombies := countFDs(t), countZombies(t)
	for i := range 1000 {
		c := Command{Argv: []string{"/bin/true"}}
		switch i % 4 {
		case 1:
			c.Capture = 64
		case 2:
			c.Argv = []string{"/bin/false"}
		case 3:
			c.Argv = []string{"/nonexistent"} // exec failure path
		}
		mustRun(t, c)
	}
	if got := countFDs(t); got != fds {
		t.Errorf("fd count %d -> %d", fds, got)
	}
	if got := countZombies(t); got != zombies {
		t.Errorf("zombie count %d -> %d", zombies, got)
	}
}
