package main

import (
	"os"
	"strings"
	"syscall"
)

// The daemon runs with goroutines starting on the runtime's smallest
// stack instead of the average stack the collector last saw in use. The
// rtnetlink library receives into a 64 KiB array on the stack, so a
// burst of transitions raised that average to 8-32 KiB, and the runtime
// keeps up to 64 ended goroutines per processor with their stacks for
// reuse: a 1000-instance master held 1.2-2.0 MiB of stacks, 0.7 with
// this. The executors' goroutines that need more grow their stacks once
// or twice. The runtime reads the setting from GODEBUG at start only, so
// the daemon is started again with it: the detached daemon in its
// environment, a -n daemon by executing itself (same pid) once.
const stackDebug = "adaptivestackstart=0"

// savedGODEBUG carries the operator's GODEBUG through that start: "1"
// and the value, or "0" when it was unset. The daemon puts it back at
// once, so that scripts get the environment goalived was started with.
const savedGODEBUG = "GOALIVED_GODEBUG"

// smallStackEnv returns env with stackDebug added to GODEBUG and the
// operator's value saved, or false when the operator set
// adaptivestackstart (theirs wins) or env already has it.
func smallStackEnv(env []string) ([]string, bool) {
	old, had := "", false
	out := make([]string, 0, len(env)+2)
	for _, kv := range env {
		switch {
		case strings.HasPrefix(kv, savedGODEBUG+"="):
			return nil, false
		case strings.HasPrefix(kv, "GODEBUG="):
			old, had = strings.TrimPrefix(kv, "GODEBUG="), true
			continue
		}
		out = append(out, kv)
	}
	if strings.Contains(old, "adaptivestackstart=") {
		return nil, false
	}
	saved, debug := "0", stackDebug
	if had {
		saved = "1" + old
		if old != "" {
			debug = old + "," + stackDebug
		}
	}
	return append(out, "GODEBUG="+debug, savedGODEBUG+"="+saved), true
}

// ensureSmallStacks executes the daemon again with smallStackEnv unless
// it runs with it already; then it restores the operator's GODEBUG. If
// the daemon cannot execute itself it runs on, with the runtime's
// default.
func ensureSmallStacks() {
	if saved, ok := os.LookupEnv(savedGODEBUG); ok {
		restoreGODEBUG(saved)
		return
	}
	env, ok := smallStackEnv(os.Environ())
	if !ok {
		return
	}
	self, err := os.Executable()
	if err != nil {
		return
	}
	_ = syscall.Exec(self, os.Args, env) // returns only on failure
}

// restoreGODEBUG puts the operator's GODEBUG back. The runtime keeps the
// stack setting it read at start.
func restoreGODEBUG(saved string) {
	os.Unsetenv(savedGODEBUG)
	if v, had := strings.CutPrefix(saved, "1"); had {
		os.Setenv("GODEBUG", v)
		return
	}
	os.Unsetenv("GODEBUG")
}
