// Command goalived-demo shows goalived failing over the user's KDC
// configuration (seed-example.md) in network namespaces: two routers and a
// client on a bridge, the VIP moving when a health check fails and coming
// back when it recovers, with a timeline, the measured failover time and
// the pings the client lost. Run it as root; Ctrl-C cleans up.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"syscall"

	"github.com/spf13/pflag"
)

func main() {
	if err := mainErr(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "goalived-demo: %v\n", err)
		os.Exit(1)
	}
}

func mainErr(args []string, out io.Writer) error {
	fs := pflag.NewFlagSet("goalived-demo", pflag.ContinueOnError)
	opt := options{out: out}
	fs.StringVar(&opt.goalived, "goalived", "", "path of the goalived binary (default: goalived in $PATH)")
	fs.BoolVar(&opt.quick, "quick", false, "shorter pauses between steps (CI)")
	fs.BoolVar(&opt.keep, "keep", false, "keep the work directory with configs, status files and logs")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if os.Geteuid() != 0 {
		return errors.New("must run as root: the demo builds network namespaces")
	}
	if opt.goalived == "" {
		p, err := exec.LookPath("goalived")
		if err != nil {
			return fmt.Errorf("find goalived (build it and pass --goalived PATH): %w", err)
		}
		opt.goalived = p
	}
	if _, err := exec.LookPath(opt.goalived); err != nil {
		return fmt.Errorf("goalived binary: %w", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	_, err := run(ctx, opt)
	if ctx.Err() != nil {
		return errors.New("interrupted; everything the demo started was stopped and removed")
	}
	return err
}
