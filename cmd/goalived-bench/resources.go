package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"
)

// resSample is one resource trial: host a, master of all N instances.
type resSample struct {
	N      int
	Daemon string
	RSSKiB []int64 // summed VmRSS of a's daemon processes, once a second
	CPU    float64 // CPU seconds of a's daemon processes over the window
	CPUB   float64 // the same for b, the backup that only receives
	Procs  int     // a's daemon processes at the end
	Load   string  // load average when the window began
	Err    error
	// Retried is the failed start-up of a first attempt, run again
	// once: it is reported, not hidden.
	Retried error
	// Missing virtual addresses a never added although master of every
	// instance (adverts of all VRIDs seen), and its first log line
	// about addresses.
	Missing    int
	MissingLog string
}

// resourceConfs: a master at priority 150, b backup at 100, VRRPv2
// advert_int 1, VRIDs 1..N on eth0.
func resourceConfs(n int) (a, b fleetConf) {
	a = fleetConf{State: "MASTER", Priority: prioMaster, N: n, Proto: v2Proto, Ifaces: []string{"eth0"}}
	b = a
	b.State, b.Priority = "BACKUP", prioBackup
	return a, b
}

var v2Proto = protocol{Version: 2, AdvertInt: time.Second}

// runResources measures every size with each daemon, alternating which
// goes first repetition by repetition.
func (bn *bench) runResources(ctx context.Context, c config, progress io.Writer) ([]resSample, error) {
	var out []resSample
	for _, n := range c.sizes {
		for rep := 0; rep < c.longReps; rep++ {
			for i := range c.daemons {
				d := c.daemons[(i+rep)%len(c.daemons)]
				s := bn.resourceTrial(ctx, d, n, c.duration)
				if errors.Is(s.Err, errStartup) && ctx.Err() == nil {
					fmt.Fprintf(progress, "resources %s N=%d: retrying once after a failed start-up: %v\n", d.Name, n, s.Err)
					first := s.Err
					s = bn.resourceTrial(ctx, d, n, c.duration)
					s.Retried = first
				}
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				logResources(progress, s)
				out = append(out, s)
			}
		}
	}
	return out, nil
}

func logResources(w io.Writer, s resSample) {
	head := fmt.Sprintf("resources %-10s N=%-4d (load %s):", s.Daemon, s.N, s.Load)
	if s.Err != nil {
		fmt.Fprintf(w, "%s FAILED: %v\n", head, s.Err)
		return
	}
	med, mx := medianMax(s.RSSKiB)
	fmt.Fprintf(w, "%s RSS median %s max %s MiB over %d samples, CPU a %.2f s, b %.2f s, %d process(es)\n",
		head, mib(med), mib(mx), len(s.RSSKiB), s.CPU, s.CPUB, s.Procs)
}

func (bn *bench) resourceTrial(ctx context.Context, d daemon, n int, dur time.Duration) resSample {
	bn.trialNum++
	s := resSample{N: n, Daemon: d.Name}
	dir := filepath.Join(bn.dir, fmt.Sprintf("%03d-%s-resources-%d", bn.trialNum, d.Name, n))
	ca, cb := resourceConfs(n)
	pr, err := bn.startPair(ctx, d, dir, ca, cb, true)
	defer pr.stop()
	if err != nil {
		s.Err = fmt.Errorf("%s resources N=%d (%s): %w", d.Name, n, dir, err)
		return s
	}
	s.Load, s.Missing = loadAvg(), pr.missing
	if s.Missing > 0 {
		s.MissingLog = firstLine(pr.la, "vip")
	}
	if err := s.measure(ctx, pr, dur); err != nil {
		s.Err = fmt.Errorf("%s resources N=%d (%s): %w", d.Name, n, dir, err)
		return s
	}
	// Still master of everything: the window measured a steady master.
	if na, nb, err := bn.countVIPs(pr.vips); err != nil || na != n-pr.missing || nb != 0 {
		s.Err = fmt.Errorf("%s resources N=%d: after the window a holds %d, b %d of %d addresses, want %d on a (%v)",
			d.Name, n, na, nb, n, n-pr.missing, err)
	}
	return s
}

// measure samples a's process tree every second for dur and takes the
// CPU time of both trees over the window.
func (s *resSample) measure(ctx context.Context, pr *pairRun, dur time.Duration) error {
	a0, err := sampleTree(pr.pa.Pid())
	if err != nil {
		return err
	}
	b0, err := sampleTree(pr.pb.Pid())
	if err != nil {
		return err
	}
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	last := a0
	for i := 0; i < int(dur/time.Second); i++ {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-pr.pa.Done():
			return fmt.Errorf("the daemon on a exited during the window: %s", tail(pr.pa.Output()))
		case <-tick.C:
		}
		if last, err = sampleTree(pr.pa.Pid()); err != nil {
			return err
		}
		s.RSSKiB = append(s.RSSKiB, last.RSSKiB)
	}
	b1, err := sampleTree(pr.pb.Pid())
	if err != nil {
		return err
	}
	s.CPU, s.CPUB, s.Procs = cpuDelta(a0, last), cpuDelta(b0, b1), len(last.Ticks)
	return nil
}

// tail is the end of a daemon's output, for error messages.
func tail(s string) string {
	const n = 400
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

// firstLine returns the first logged line containing sub (or "").
func firstLine(l *lineLog, sub string) string {
	for _, s := range l.between(time.Time{}, time.Now()) {
		if strings.Contains(s.Text, sub) {
			return s.Text
		}
	}
	return ""
}
