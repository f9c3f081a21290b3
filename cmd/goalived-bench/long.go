package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/spf13/pflag"
)

// The scenarios that measure a steady pair or a config test rather than
// a failover.
const (
	resources  scenario = "resources"  // RSS and CPU of N instances
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
	sizes, spurN, ctSizes *[]int
}

func addLongFlags(fs *pflag.FlagSet, c *config) longFlags {
	v := longFlags{
		sizes:   fs.IntSlice("instances", []int{1, 50, 250}, "resources: instance counts (1..250)"),
		spurN:   fs.IntSlice("spurious-instances", []int{1, 10}, "spurious: instance counts (1..250)"),
		ctSizes: fs.IntSlice("configtest-instances", []int{10, 250, 1000}, "configtest: instance counts (1..1000)"),
	}
	fs.IntVar(&c.ctRuns, "configtest-runs", 5, "configtest: runs per size and daemon")
	fs.DurationVar(&c.duration, "duration", 60*time.Second, "resources, spurious: measurement window")
	fs.IntVar(&c.longReps, "long-reps", 1, "resources, spurious: repetitions per size and daemon")
	fs.IntVar(&c.burners, "burners", 2, "spurious: busy-loop processes keeping the CPUs busy")
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
		if !fs.Changed("spurious-instances") {
			*v.spurN = []int{1}
		}
		if !fs.Changed("configtest-instances") {
			*v.ctSizes = []int{10, 250}
		}
	}
	c.sizes, c.spurN, c.ctSizes = *v.sizes, *v.spurN, *v.ctSizes
	if c.duration < 2*time.Second || c.duration > time.Hour {
		return fmt.Errorf("--duration %v: want 2s..1h", c.duration)
	}
	if c.longReps < 1 || c.longReps > 20 {
		return fmt.Errorf("--long-reps %d: want 1..20", c.longReps)
	}
	if c.ctRuns < 1 || c.ctRuns > 100 {
		return fmt.Errorf("--configtest-runs %d: want 1..100", c.ctRuns)
	}
	if c.burners < 0 || c.burners > 64 {
		return fmt.Errorf("--burners %d: want 0..64", c.burners)
	}
	for _, l := range []struct {
		name string
		ns   []int
		max  int
	}{{"instances", c.sizes, maxFleetVRID}, {"spurious-instances", c.spurN, maxFleetVRID}, {"configtest-instances", c.ctSizes, 4 * maxFleetVRID}} {
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
	spur   []spurSample
	ct     []ctSample
	ctBase time.Duration
	upg    []upgSample
	faults faultResults
}

// runLong runs resources, spurious and configtest, those selected, in
// that order.
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
