package main

import (
	"encoding/json"
	"fmt"
	"io"
	"runtime/debug"

	"github.com/goalived/goalived/parser"
	"github.com/goalived/goalived/parser/syntax"
	"github.com/goalived/goalived/script"
)

// configTest is "goalived -t": parse and validate, print every diagnostic
// with file:line:col, and exit with keepalived's -t status (reference 1.11).
// With --dump-config=json the typed model goes to stdout.
func configTest(o *options, stdout, stderr io.Writer) int {
	// A config test is a short batch job: collecting garbage less often
	// makes a 1000-instance file load about a third faster on a busy
	// machine, for a few more MB of peak memory.
	debug.SetGCPercent(400)
	out := stderr
	if o.configTestLog != "" {
		f, err := openAppendSafe(o.configTestLog)
		if err != nil {
			fmt.Fprintf(stderr, "open config-test log %s: %v\n", o.configTestLog, err)
			return exitFatal
		}
		defer f.Close()
		out = f
	}
	// Each diagnostic is printed as it is found, so that a file that
	// takes long (up to the load's limits) shows its first ones at once.
	opts := loadOptions(o)
	var printErr error
	opts.Report = func(d syntax.Diagnostic) {
		if o.strict {
			d = parser.Diagnostics{d}.Strict()[0]
		}
		if printErr == nil {
			_, printErr = fmt.Fprintln(out, d.String())
		}
	}
	cfg, diags := parser.Load(o.useFile, opts)
	if printErr != nil {
		fmt.Fprintf(stderr, "write diagnostics: %v\n", printErr)
	}
	switch o.dumpConfig {
	case "":
	case "json":
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(cfg); err != nil {
			fmt.Fprintf(stderr, "dump config: %v\n", err)
			return exitFatal
		}
	default:
		fmt.Fprintf(stderr, "unknown --dump-config format %q (want json)\n", o.dumpConfig)
		return exitFatal
	}
	if o.strict {
		diags = diags.Strict()
	}
	return diags.ExitCode()
}

func loadOptions(o *options) parser.Options {
	return parser.Options{
		ConfigID: o.configID, AllConfig: o.allConfig,
		// The accounts scripts will run as, found as the runtime finds them.
		LookupUser:  func(name string) bool { _, err := script.LookupUser(name); return err == nil },
		LookupGroup: func(name string) bool { _, err := script.LookupGroup(name); return err == nil },
	}
}
