package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/goalived/goalived/netif/nslab"
)

// ctSample is the config-test timing of one size and daemon.
type ctSample struct {
	N      int
	Daemon string
	Times  []time.Duration
	Codes  []int // exit status of each run
	Lines  int   // lines of output of the last run
	Load   string
	Err    error
}

// ctIfaces are the interfaces the generated configs spread over.
var ctIfaces = []string{"eth0", "eth1", "eth2", "eth3"}

// ctConf is the config-test file of n instances: the user's shape (PASS
// authentication, one VIP, a tracked vrrp_script each).
func ctConf(n int) fleetConf {
	return fleetConf{State: "BACKUP", Priority: prioBackup, N: n, Proto: v2Proto, Ifaces: ctIfaces, Script: "/bin/true"}
}

// ctRun is the outcome of one "-t" run.
type ctRun struct {
	Took  time.Duration
	Code  int
	Lines int
}

// runConfigTest times "-t -f FILE" for each size, daemon and run inside a
// namespace of its own holding eth0..eth3. It also returns the median
// time of "ip netns exec NS /bin/true", the part of every time that is
// not the daemon's.
func runConfigTest(ctx context.Context, c config, dir string, progress io.Writer) (samples []ctSample, base time.Duration, err error) {
	lab, err := nslab.New("benchct", "ct")
	if err != nil {
		return nil, 0, err
	}
	defer func() {
		if cerr := lab.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	h, _ := lab.Host("ct")
	for _, ifn := range ctIfaces[1:] {
		if _, err := nslab.Run(h.Name, "ip", "link", "add", ifn, "type", "veth", "peer", "name", ifn+"p"); err != nil {
			return nil, 0, err
		}
		if _, err := nslab.Run(h.Name, "ip", "link", "set", ifn, "up"); err != nil {
			return nil, 0, err
		}
	}
	var bases []time.Duration
	for range c.ctRuns {
		r, err := timeIn(ctx, h.Name, "/bin/true")
		if err != nil {
			return nil, 0, err
		}
		bases = append(bases, r.Took)
	}
	base, _, _ = medianWorst(bases)
	for _, n := range c.ctSizes {
		s, err := configTestSize(ctx, c, h.Name, dir, n, progress)
		if err != nil {
			return nil, 0, err
		}
		samples = append(samples, s...)
	}
	return samples, base, nil
}

func configTestSize(ctx context.Context, c config, ns, dir string, n int, progress io.Writer) ([]ctSample, error) {
	text, err := ctConf(n).render()
	if err != nil {
		return nil, err
	}
	file := filepath.Join(dir, fmt.Sprintf("configtest-%d.conf", n))
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		return nil, fmt.Errorf("write %s: %w", file, err)
	}
	out := make([]ctSample, len(c.daemons))
	for i, d := range c.daemons {
		out[i] = ctSample{N: n, Daemon: d.Name, Load: loadAvg()}
	}
	for run := 0; run < c.ctRuns; run++ {
		for j := range c.daemons {
			i := (j + run) % len(c.daemons)
			r, err := timeIn(ctx, ns, c.daemons[i].Bin, "-t", "-f", file)
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if err != nil {
				out[i].Err = err
				continue
			}
			out[i].Times = append(out[i].Times, r.Took)
			out[i].Codes = append(out[i].Codes, r.Code)
			out[i].Lines = r.Lines
		}
	}
	for _, s := range out {
		med, worst, _ := medianWorst(s.Times)
		fmt.Fprintf(progress, "configtest %-10s N=%-4d (load %s): median %s worst %s, exit %v, %d line(s) of output %v\n",
			s.Daemon, n, s.Load, ms(med), ms(worst), s.Codes, s.Lines, errOrEmpty(s.Err))
	}
	return out, nil
}

func errOrEmpty(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// timeIn runs a command to completion in namespace ns and times it from
// start to exit; a non-zero exit is a result, not an error.
func timeIn(ctx context.Context, ns, name string, args ...string) (ctRun, error) {
	ctx, cancel := context.WithTimeout(ctx, nslab.CommandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "ip", append([]string{"netns", "exec", ns, name}, args...)...)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	r := ctRun{Took: time.Since(start), Lines: strings.Count(out.String(), "\n")}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee) && ee.Exited():
		r.Code = ee.ExitCode()
	default:
		return r, fmt.Errorf("run %s -t in %s: %w: %s", name, ns, err, tail(out.String()))
	}
	return r, nil
}
