package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/spf13/pflag"
)

// The scenarios that measure a steady pair or a config test rather than
// a failover.
const (
	resources  scenario = "resources"  // RSS, CPU and advert schedule of N instances
	spurious   scenario = "spurious"   // transitions of a steady pair under CPU load
	configtest scenario = "configtest" // "-t" wall time on large configs
	upgrade    scenario = "upgrade"    // hot upgrade of a master vs keepalived's restart
)

func (s scenario) failover() bool { return s == crash || s == graceful || s == check }

func (c config) has(s scenario) bool { return slices.Contains(c.scenarios, s) }

// needsLab: every scenario but configtest runs in the a/b/obs lab.
func (c config) needsLab() bool {
	return slices.ContainsFunc(c.scenarios, func(s scenario) bool { return s != configtest })
}

// longFlags are the flags of resources, spurious and configtest, kept
// until finishLongFlags checks them.
type longFlags struct {
	sizes, sizesV3, spurN, ctSizes, reloadN *[]int
}

func addLongFlags(fs *pflag.FlagSet, c *config) longFlags {
	v := longFlags{
		sizes: fs.IntSlice("instances", []int{1, 50, 250, 1000},
			"resources: instance counts at VRRPv2 advert_int 1 (1..1000; above 250 over eth0..eth3, 250 VRIDs each)"),
		sizesV3: fs.IntSlice("instances-v3", []int{250},
			"resources: instance counts at VRRPv3 advert_int 0.1 (1..1000; 0: none)"),
		reloadN: fs.IntSlice("reload-instances", []int{1000},
			"reload: instance counts whose start-up and SIGHUP reload (file unchanged, one instance changed) are timed (1..1000)"),
		spurN:   fs.IntSlice("spurious-instances", []int{1, 10}, "spurious: instance counts (1..250)"),
		ctSizes: fs.IntSlice("configtest-instances", []int{10, 250, 1000}, "configtest: instance counts (1..1000)"),
	}
	fs.IntVar(&c.ctRuns, "configtest-runs", 5, "configtest: runs per size and daemon")
	fs.DurationVar(&c.duration, "duration", 60*time.Second, "resources, spurious: measurement window")
	fs.IntVar(&c.longReps, "long-reps", 3, "resources, spurious, reload: repetitions per size and daemon (the tables give the median)")
	fs.IntVar(&c.burners, "burners", 2, "spurious: busy-loop processes keeping the CPUs busy")
	fs.Float64Var(&c.quietLoad, "quiet-load", 0.5,
		"resources, reload, spurious: before each repetition wait until the 1-minute load average is under this (0: do not wait; --quick: 0)")
	fs.DurationVar(&c.quietWait, "quiet-wait", 5*time.Minute, "the longest wait for --quiet-load")
	return v
}

// finishLongFlags applies --quick (10 s windows, the smaller sizes) and
// checks the ranges.
func finishLongFlags(fs *pflag.FlagSet, c *config, v longFlags, quick bool) error {
	if quick {
		if !fs.Changed("duration") {
			c.duration = 10 * time.Second
		}
		if !fs.Changed("instances") {
			*v.sizes = []int{1, 50}
		}
		if !fs.Changed("reload-instances") {
			*v.reloadN = []int{50}
		}
		if !fs.Changed("instances-v3") {
			*v.sizesV3 = []int{0}
		}
		if !fs.Changed("long-reps") {
			c.longReps = 1
		}
		if !fs.Changed("spurious-instances") {
			*v.spurN = []int{1}
		}
		if !fs.Changed("configtest-instances") {
			*v.ctSizes = []int{10, 250}
		}
		if !fs.Changed("quiet-load") {
			c.quietLoad = 0
		}
	}
	c.sizes, c.spurN, c.ctSizes, c.reloadN = *v.sizes, *v.spurN, *v.ctSizes, *v.reloadN
	c.reloadWin = reloadWindow
	c.sizesV3 = slices.DeleteFunc(slices.Clone(*v.sizesV3), func(n int) bool { return n == 0 })
	if c.duration < 2*time.Second || c.duration > time.Hour {
		return fmt.Errorf("--duration %v: want 2s..1h", c.duration)
	}
	if c.longReps < 1 || c.longReps > 20 {
		return fmt.Errorf("--long-reps %d: want 1..20", c.longReps)
	}
	if c.ctRuns < 1 || c.ctRuns > 100 {
		return fmt.Errorf("--configtest-runs %d: want 1..100", c.ctRuns)
	}
	if c.quietLoad < 0 || c.quietWait < 0 || c.quietWait > time.Hour {
		return fmt.Errorf("--quiet-load %v --quiet-wait %v: want a load >= 0 and a wait of 0..1h", c.quietLoad, c.quietWait)
	}
	if c.burners < 0 || c.burners > 64 {
		return fmt.Errorf("--burners %d: want 0..64", c.burners)
	}
	for _, l := range []struct {
		name string
		ns   []int
		max  int
	}{{"instances", c.sizes, maxFleetSize}, {"instances-v3", append([]int{1}, c.sizesV3...), maxFleetSize}, {"reload-instances", c.reloadN, maxFleetSize}, {"spurious-instances", c.spurN, maxFleetVRID}, {"configtest-instances", c.ctSizes, 4 * maxFleetVRID}} {
		if len(l.ns) == 0 {
			return fmt.Errorf("--%s: none given", l.name)
		}
		for _, n := range l.ns {
			if n < 1 || n > l.max {
				return fmt.Errorf("--%s %d: want 1..%d", l.name, n, l.max)
			}
		}
	}
	return nil
}

// longResults are the samples of resources, spurious and configtest.
type longResults struct {
	res    []resSample
	reload []reloadSample
	spur   []spurSample
	ct     []ctSample
	ctBase time.Duration
	upg    []upgSample
	faults faultResults
}

// runLong runs resources, reload, spurious and configtest, those
// selected, in that order.
func (bn *bench) runLong(ctx context.Context, c config, res *results, progress io.Writer) error {
	// The same daemons run all three (goalived-fast-preempt none).
	c.daemons = c.daemonsFor(resources)
	var err error
	if c.has(resources) {
		fmt.Fprintf(progress, "resources: N=%v, window %v, load %s\n", c.sizes, c.duration, loadAvg())
		if res.long.res, err = bn.runResources(ctx, c, progress); err != nil {
			return err
		}
	}
	if c.has(reloadScenario) {
		fmt.Fprintf(progress, "reload: N=%v, load %s\n", c.reloadN, loadAvg())
		if res.long.reload, err = bn.runReload(ctx, c, progress); err != nil {
			return err
		}
	}
	if c.has(spurious) {
		fmt.Fprintf(progress, "spurious: N=%v, window %v, %d burner(s), load %s\n", c.spurN, c.duration, c.burners, loadAvg())
		if res.long.spur, err = bn.runSpurious(ctx, c, progress); err != nil {
			return err
		}
	}
	if c.has(upgrade) {
		fmt.Fprintf(progress, "upgrade: %d instances, %d upgrade(s) or restart(s) each, load %s\n", upgradeN, c.reps, loadAvg())
		if res.long.upg, err = bn.runUpgrade(ctx, c, progress); err != nil {
			return err
		}
	}
	if c.has(faults) {
		if res.long.faults, err = bn.runFaults(ctx, c, progress); err != nil {
			return err
		}
	}
	if c.has(configtest) {
		fmt.Fprintf(progress, "configtest: N=%v, %d run(s), load %s\n", c.ctSizes, c.ctRuns, loadAvg())
		if res.long.ct, res.long.ctBase, err = runConfigTest(ctx, c, bn.dir, progress); err != nil {
			return err
		}
	}
	return nil
}

func writeLong(w io.Writer, c config, res *results) {
	if c.has(resources) {
		writeResources(w, res.long.res, c.duration)
	}
	if c.has(reloadScenario) {
		writeReload(w, res.long.reload, c.reloadWin)
	}
	if c.has(spurious) {
		writeSpurious(w, res.long.spur, c.duration)
	}
	if c.has(upgrade) {
		writeUpgrade(w, res.long.upg)
	}
	if c.has(faults) {
		writeFaults(w, c, res.long.faults)
	}
	if c.has(configtest) {
		writeConfigTest(w, res.long.ct, res.long.ctBase, c.ctRuns)
	}
}

// repeatTrials runs trial once per repetition with every daemon,
// alternating which goes first from one repetition to the next so that
// drift in the machine's load hits all of them, and runs a trial whose
// start-up failed once more; outcome gives a sample's error and where
// to keep the first attempt's (reported, not hidden). what names the
// trials in the progress output.
func repeatTrials[S any](ctx context.Context, c config, progress io.Writer, what string,
	trial func(daemon) S, outcome func(*S) (error, *error), log func(io.Writer, S)) ([]S, error) {
	var out []S
	for rep := 0; rep < c.longReps; rep++ {
		for i := range c.daemons {
			d := c.daemons[(i+rep)%len(c.daemons)]
			if err := waitQuiet(ctx, c.quietLoad, c.quietWait, progress); err != nil {
				return nil, err
			}
			s := trial(d)
			if first, _ := outcome(&s); errors.Is(first, errStartup) && ctx.Err() == nil {
				fmt.Fprintf(progress, "%s %s: retrying once after a failed start-up: %v\n", what, d.Name, first)
				s = trial(d)
				_, retried := outcome(&s)
				*retried = first
			}
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			log(progress, s)
			out = append(out, s)
		}
	}
	return out, nil
}
