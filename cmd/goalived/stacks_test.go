package main

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"runtime/metrics"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSmallStackEnv(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  []string
		want []string // nil: unchanged
	}{
		{"unset", []string{"PATH=/bin"}, []string{"PATH=/bin", "GODEBUG=adaptivestackstart=0", "GOALIVED_GODEBUG=0"}},
		{"empty", []string{"GODEBUG=", "PATH=/bin"}, []string{"PATH=/bin", "GODEBUG=adaptivestackstart=0", "GOALIVED_GODEBUG=1"}},
		{"other setting", []string{"GODEBUG=gctrace=1"}, []string{"GODEBUG=gctrace=1,adaptivestackstart=0", "GOALIVED_GODEBUG=1gctrace=1"}},
		{"operator's choice", []string{"GODEBUG=adaptivestackstart=1"}, nil},
		{"already started with it", []string{"GODEBUG=adaptivestackstart=0", "GOALIVED_GODEBUG=0"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := smallStackEnv(tc.env)
			if ok != (tc.want != nil) {
				t.Fatalf("changed = %v, want %v (%q)", ok, tc.want != nil, got)
			}
			if d := cmp.Diff(tc.want, got); ok && d != "" {
				t.Errorf("env (-want +got):\n%s", d)
			}
		})
	}
}

// stacksHelperEnv makes the test binary TestSmallStacksHelper's child.
const stacksHelperEnv = "GOALIVED_TEST_STACKS_HELPER"

// TestSmallStacksExecutesItself: a daemon started without the setting
// executes itself once, keeping its pid, and then runs with goroutines
// starting at 2 KiB although stacks in use are large; the operator's
// GODEBUG is back in its environment. With the operator's own
// adaptivestackstart=1 it does not, and the starting size grows: what
// the setting prevents.
func TestSmallStacksExecutesItself(t *testing.T) {
	for _, tc := range []struct {
		godebug   string // "-": unset
		execs     bool
		smallOnly bool
	}{
		{"-", true, true},
		{"gctrace=0", true, true},
		{"adaptivestackstart=1", false, false},
	} {
		t.Run(tc.godebug, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestSmallStacksHelper$", "-test.count=1")
			cmd.Env = append(os.Environ(), stacksHelperEnv+"=1")
			cmd.Env = removeEnv(cmd.Env, "GODEBUG")
			if tc.godebug != "-" {
				cmd.Env = append(cmd.Env, "GODEBUG="+tc.godebug)
			}
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("helper: %v\n%s", err, out)
			}
			var pids []string
			var size, godebug, saved string
			for _, l := range strings.Split(string(out), "\n") {
				f := strings.SplitN(l, " ", 2)
				switch {
				case len(f) < 2:
				case f[0] == "pid":
					pids = append(pids, f[1])
				case f[0] == "starting-size":
					size = f[1]
				case f[0] == "GODEBUG":
					godebug = f[1]
				case f[0] == "saved":
					saved = f[1]
				}
			}
			wantPids := 1
			if tc.execs {
				wantPids = 2
			}
			if len(pids) != wantPids || pids[0] != pids[len(pids)-1] {
				t.Errorf("pids %q, want %d lines of one pid\n%s", pids, wantPids, out)
			}
			if got := size == "2048"; got != tc.smallOnly {
				t.Errorf("starting stack size %s with GODEBUG %s\n%s", size, tc.godebug, out)
			}
			if godebug != tc.godebug || saved != "-" {
				t.Errorf("environment after start: GODEBUG %q, %s %q; want %q and unset", godebug, savedGODEBUG, saved, tc.godebug)
			}
		})
	}
}

func removeEnv(env []string, name string) []string {
	out := env[:0:0]
	for _, kv := range env {
		if !strings.HasPrefix(kv, name+"=") {
			out = append(out, kv)
		}
	}
	return out
}

// TestSmallStacksHelper is TestSmallStacksExecutesItself's child: it
// starts as the daemon does, holds goroutines with 16 KiB of stack in
// use while the collector runs, and prints what the runtime then starts
// goroutines with.
func TestSmallStacksHelper(t *testing.T) {
	if os.Getenv(stacksHelperEnv) == "" {
		t.Skip("helper process of TestSmallStacksExecutesItself")
	}
	fmt.Printf("pid %d\n", os.Getpid())
	ensureSmallStacks()
	release := make(chan struct{})
	ready := make(chan struct{})
	for range 64 {
		go deepStack(8, ready, release)
		<-ready
	}
	runtime.GC()
	runtime.GC()
	close(release)
	s := []metrics.Sample{{Name: "/gc/stack/starting-size:bytes"}}
	metrics.Read(s)
	fmt.Printf("starting-size %d\n", s[0].Value.Uint64())
	fmt.Printf("GODEBUG %s\n", envOrDash("GODEBUG"))
	fmt.Printf("saved %s\n", envOrDash(savedGODEBUG))
}

// deepStack recurses n times with 2 KiB frames, then waits.
func deepStack(n int, ready, release chan struct{}) {
	var frame [2048]byte
	frame[n] = byte(n)
	if n > 0 {
		deepStack(n-1, ready, release)
		return
	}
	ready <- struct{}{}
	<-release
	runtime.KeepAlive(frame)
}

func envOrDash(name string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return "-"
}
