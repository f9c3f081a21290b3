package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/pflag"
)

// Exit statuses keepalived uses (reference 4.1, lib/scheduler.h).
const (
	exitOK       = 0
	exitFatal    = 1
	exitNoConfig = 6
)

func run(args []string, stdout, stderr io.Writer) int {
	o, fs, err := parseOptions(args, stderr)
	if err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			printUsage(fs, stderr)
			return exitOK
		}
		fmt.Fprintf(stderr, "%v\n", err)
		return exitFatal
	}
	if rest := fs.Args(); len(rest) > 0 {
		fmt.Fprintf(stderr, "Unexpected argument(s): %v\n", rest)
	}
	switch {
	case o.help:
		printUsage(fs, stderr)
		return exitOK
	case o.version:
		printVersion(stderr)
		printRunning(stderr, o.pidFile)
		return exitOK
	case o.signum != "":
		return printSignum(o.signum, stdout, stderr)
	case o.manPage != "":
		return printManPage(o.manPage, stdout, stderr)
	case o.configTest:
		return configTest(o, stdout, stderr)
	}
	return runDaemon(o, stderr)
}

func printUsage(fs *pflag.FlagSet, w io.Writer) {
	fmt.Fprintf(w, "Usage: goalived [OPTION...]\n%s", fs.FlagUsages())
}
