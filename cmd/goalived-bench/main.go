// Command goalived-bench measures failover times of goalived and of
// keepalived 2.2.7 side by side in the same network namespaces: a cable
// cut of the master (crash), a SIGTERM (graceful) and a failing health
// check (this one also with goalived --fast-preempt), at VRRPv2
// advert_int 1 and VRRPv3 advert_int 0.1, each timed on the wire by a
// third namespace and compared with the RFC's bound. On
// request (--scenarios resources,reload,spurious,configtest) it also
// measures the RSS and CPU time of a master of 1/50/250/1000 instances
// and of its backup with the master's advert schedule on the wire, the
// start-up and SIGHUP reload time of 1000 instances, the spurious
// transitions and dual-master moments of a VRRPv3 advert_int 0.02 pair
// while busy loops load every core, and the wall time of "-t" on
// configs of 10/250/1000 instances; --scenarios upgrade upgrades a
// goalived master of 20 VRRPv3 instances in place (hot upgrade) and
// restarts a keepalived one, beside a keepalived backup, with a client
// pinging every VIP; --scenarios faults runs the fault matrix
// (faults.go) against a goalived and a keepalived master. It prints
// markdown tables on stdout
// and its progress on stderr. Run it as root; Ctrl-C stops and removes
// everything it started.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/pflag"

	"github.com/goalived/goalived/netif/nslab"
)

func main() {
	if err := mainErr(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintf(os.Stderr, "goalived-bench: %v\n", err)
		os.Exit(1)
	}
}

// config is the benchmark's plan, from the flags.
type config struct {
	daemons   []daemon
	scenarios []scenario
	protos    []protocol
	reps      int
	keep      bool

	// resources, spurious and configtest
	sizes     []int         // resources: instance counts (VRRPv2 advert_int 1)
	sizesV3   []int         // resources: instance counts (VRRPv3 advert_int 0.1)
	reloadN   []int         // reload: instance counts
	reloadWin time.Duration // reload: how long a reload's effects are gathered
	spurN     []int         // spurious: instance counts
	ctSizes   []int         // configtest: instance counts
	ctRuns    int           // configtest: runs per size and daemon
	duration  time.Duration // resources, spurious: measurement window
	longReps  int           // resources, spurious: repetitions
	burners   int           // spurious: busy loops
	quietLoad float64       // resources, reload, spurious: wait for the 1-min load under this (0: no wait)
	quietWait time.Duration // the longest such wait

	faults faultPlan
}

func parseFlags(args []string) (config, error) {
	fs := pflag.NewFlagSet("goalived-bench", pflag.ContinueOnError)
	var c config
	gl := fs.String("goalived", "", "path of the goalived binary (default: goalived in $PATH)")
	ka := fs.String("keepalived", "", "path of keepalived 2.2.7 (default: keepalived in $PATH or /usr/sbin)")
	daemons := fs.StringSlice("daemons", []string{"goalived", "keepalived", fastPreempt},
		"implementations to measure: goalived, keepalived, "+fastPreempt+" (goalived --fast-preempt; check scenario only)")
	scen := fs.StringSlice("scenarios", []string{"crash", "graceful", "check"},
		"scenarios: crash, graceful, check (failover), resources, spurious, configtest, upgrade, reload (start-up and SIGHUP), faults")
	vers := fs.IntSlice("versions", []int{2, 3}, "VRRP versions: 2 (advert_int 1) and/or 3 (advert_int 0.1)")
	fs.IntVar(&c.reps, "reps", 5, "repetitions per scenario, version and daemon")
	quick := fs.Bool("quick", false, "CI mode: 1 repetition, VRRPv3 only (unless --reps/--versions are given)")
	fs.BoolVar(&c.keep, "keep", false, "keep the work directory with every trial's configs and daemon logs")
	lf := addLongFlags(fs, &c)
	ff := addFaultFlags(fs, &c)
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if *quick {
		if !fs.Changed("reps") {
			c.reps = 1
		}
		if !fs.Changed("versions") {
			*vers = []int{3}
		}
	}
	if c.reps < 1 || c.reps > 100 {
		return c, fmt.Errorf("--reps %d: want 1..100", c.reps)
	}
	if err := finishLongFlags(fs, &c, lf, *quick); err != nil {
		return c, err
	}
	if err := finishFaultFlags(fs, &c, ff, *quick); err != nil {
		return c, err
	}
	var err error
	if c.scenarios, err = parseScenarios(*scen); err != nil {
		return c, err
	}
	if c.protos, err = parseVersions(*vers); err != nil {
		return c, err
	}
	if c.daemons, err = findDaemons(*daemons, *gl, *ka); err != nil {
		return c, err
	}
	for _, s := range c.scenarios {
		if len(c.daemonsFor(s)) == 0 {
			return c, fmt.Errorf("--daemons %s: none of them runs the %s scenario (%s: check only)", strings.Join(*daemons, ","), s, fastPreempt)
		}
	}
	return c, nil
}

func parseScenarios(names []string) ([]scenario, error) {
	var out []scenario
	for _, n := range names {
		switch s := scenario(n); s {
		case crash, graceful, check, resources, spurious, configtest, upgrade, reloadScenario, faults:
			out = append(out, s)
		default:
			return nil, fmt.Errorf("--scenarios: unknown scenario %q (want crash, graceful, check, resources, spurious, configtest, upgrade, reload, faults)", n)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("--scenarios: none given")
	}
	return out, nil
}

func parseVersions(vs []int) ([]protocol, error) {
	var out []protocol
	for _, v := range vs {
		switch v {
		case 2:
			out = append(out, protocol{Version: 2, AdvertInt: time.Second})
		case 3:
			out = append(out, protocol{Version: 3, AdvertInt: 100 * time.Millisecond})
		default:
			return nil, fmt.Errorf("--versions: unknown VRRP version %d (want 2 or 3)", v)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("--versions: none given")
	}
	return out, nil
}

func mainErr(args []string, out, progress io.Writer) error {
	c, err := parseFlags(args)
	if err != nil {
		return err
	}
	if os.Geteuid() != 0 {
		return errors.New("must run as root: the benchmark builds network namespaces")
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	res, err := runBench(ctx, c, progress)
	if ctx.Err() != nil {
		return errors.New("interrupted; everything the benchmark started was stopped and removed")
	}
	if err != nil {
		return err
	}
	writeReport(out, c, res)
	return nil
}

// runBench builds the lab, runs every trial and always cleans up.
func runBench(ctx context.Context, c config, progress io.Writer) (res *results, err error) {
	bn := &bench{}
	defer func() {
		if bn.cap != nil {
			bn.cap.close()
		}
		for _, c := range bn.extra {
			c.close()
		}
		if bn.lab != nil {
			if cerr := bn.lab.Close(); cerr != nil && err == nil {
				err = cerr
			}
		}
		if bn.dir != "" && !c.keep {
			os.RemoveAll(bn.dir)
		}
	}()
	if bn.dir, err = os.MkdirTemp("", "gl-bench-"); err != nil {
		return nil, fmt.Errorf("create work directory: %w", err)
	}
	if !c.needsLab() {
		res = newResults()
		return res, bn.runLong(ctx, c, res, progress)
	}
	if bn.lab, err = nslab.New("bench", "a", "b", "obs"); err != nil {
		return nil, err
	}
	bn.a, _ = bn.lab.Host("a")
	bn.b, _ = bn.lab.Host("b")
	obs, _ := bn.lab.Host("obs")
	if bn.cap, err = startCapture(obs.Name, obs.Ifname); err != nil {
		return nil, err
	}
	fmt.Fprintf(progress, "lab gl-%s: master a=%v, backup b=%v (priority %d), observer %v; work directory %s\n",
		bn.lab.ID(), bn.a.Addr4, bn.b.Addr4, prioBackup, obs.Addr4, bn.dir)
	res, err = bn.runAll(ctx, c, progress)
	if res != nil {
		res.retries = bn.retries
	}
	if err != nil {
		return res, err
	}
	return res, bn.runLong(ctx, c, res, progress)
}

// runAll alternates the daemons trial by trial (and which goes first,
// repetition by repetition) so that drift in machine load hits both.
func (bn *bench) runAll(ctx context.Context, c config, progress io.Writer) (*results, error) {
	res := newResults()
	for _, s := range c.scenarios {
		if !s.failover() {
			continue
		}
		ds := c.daemonsFor(s)
		for _, p := range c.protos {
			for rep := 0; rep < c.reps; rep++ {
				for i := range ds {
					d := ds[(i+rep)%len(ds)]
					smp, err := bn.trial(ctx, d, s, p, progress)
					if ctx.Err() != nil {
						return nil, ctx.Err()
					}
					res.add(s, p, d.Name, smp, err)
					logTrial(progress, d, s, p, rep, smp, err)
				}
			}
		}
	}
	return res, nil
}

func logTrial(w io.Writer, d daemon, s scenario, p protocol, rep int, smp sample, err error) {
	head := fmt.Sprintf("%-8s %-21s %-27s #%d:", s, d.Name, p, rep+1)
	if err != nil {
		fmt.Fprintf(w, "%s FAILED: %v\n", head, err)
		return
	}
	if s == crash {
		fmt.Fprintf(w, "%s first advert %s, first GARP %s\n", head, ms(smp.Advert), ms(smp.GARP))
		return
	}
	fmt.Fprintf(w, "%s first advert %s\n", head, ms(smp.Advert))
}

func writeReport(w io.Writer, c config, res *results) {
	fmt.Fprintf(w, "Load average (1/5/15 min) at the end of the run: %s; machine: %d CPU(s).\n\n", loadAvg(), runtime.NumCPU())
	if len(res.rows) > 0 {
		writeFailover(w, c, res)
	}
	writeLong(w, c, res)
}

func writeFailover(w io.Writer, c config, res *results) {
	names := make([]string, len(c.daemons))
	for i, d := range c.daemons {
		names[i] = d.String()
	}
	fmt.Fprintf(w, "Failover times, %d repetition(s) each, %s; backup priority %d, master %d (%d with the check, weight -50);\n",
		c.reps, strings.Join(names, " vs "), prioBackup, prioMaster, prioCheckMaster)
	fmt.Fprintf(w, "timed by kernel receive timestamps on an observer namespace on the same bridge.\n\n")
	res.writeTable(w)
	fmt.Fprintln(w)
	res.writeFastTable(w)
	for _, d := range c.daemons {
		if n := res.retries[d.Name]; n > 0 {
			fmt.Fprintf(w, "%s: %d trial(s) re-run after a failed start-up (see the progress output).\n\n", d.Name, n)
		}
	}
	fmt.Fprintln(w, "Samples:")
	res.writeRaw(w)
}
