package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"
)

// resSample is one resource trial: host a master of all N instances, b
// their backup.
type resSample struct {
	N      int
	Proto  protocol
	Daemon string
	RSSKiB []int64 // summed VmRSS of a's daemon processes, once a second
	RSSB   []int64 // the same for b
	CPU    float64 // CPU seconds of a's daemon processes over the window
	CPUB   float64 // the same for b, the backup that only receives
	Procs  int     // a's daemon processes at the end
	Load   string  // load average when the window began
	Sched  schedule
	// Floor is the machine's timer floor over the window: how late a
	// timer of the benchmark's own came at the 99th percentile (see
	// timerProbe).
	Floor time.Duration
	Err   error
	// Retried is the failed start-up of a first attempt, run again
	// once: it is reported, not hidden.
	Retried error
	// Missing virtual addresses a never added although master of every
	// instance (adverts of all VRIDs seen), and its first log line
	// about addresses.
	Missing    int
	MissingLog string
}

// resRow is one row of the resource table: a protocol and a size.
type resRow struct {
	Proto protocol
	N     int
}

// resourceConfs: a master at priority 150, b backup at 100, N instances
// spread over eth0.. (250 VRIDs at most on each).
func resourceConfs(n int, p protocol) (a, b fleetConf) {
	a = fleetConf{State: "MASTER", Priority: prioMaster, N: n, Proto: p, Ifaces: fleetIfaces(n)}
	b = a
	b.State, b.Priority = "BACKUP", prioBackup
	return a, b
}

// resSettle is the time between convergence and the measured window.
const resSettle = 8 * time.Second

var (
	v2Proto = protocol{Version: 2, AdvertInt: time.Second}
	v3Fast  = protocol{Version: 3, AdvertInt: 100 * time.Millisecond}
)

// resRows are the rows measured: VRRPv2 advert_int 1 at each size, then
// VRRPv3 advert_int 0.1 at each of its sizes.
func (c config) resRows() []resRow {
	var rows []resRow
	for _, n := range c.sizes {
		rows = append(rows, resRow{v2Proto, n})
	}
	for _, n := range c.sizesV3 {
		rows = append(rows, resRow{v3Fast, n})
	}
	return rows
}

// runResources measures every row with each daemon, alternating which
// goes first repetition by repetition.
func (bn *bench) runResources(ctx context.Context, c config, progress io.Writer) ([]resSample, error) {
	var out []resSample
	for _, row := range c.resRows() {
		ss, err := repeatTrials(ctx, c, progress, fmt.Sprintf("resources v%d N=%d", row.Proto.Version, row.N),
			func(d daemon) resSample { return bn.resourceTrial(ctx, d, row, c.duration) },
			func(s *resSample) (error, *error) { return s.Err, &s.Retried }, logResources)
		if err != nil {
			return nil, err
		}
		out = append(out, ss...)
	}
	return out, nil
}

func logResources(w io.Writer, s resSample) {
	head := fmt.Sprintf("resources %-10s v%d N=%-4d (load %s):", s.Daemon, s.Proto.Version, s.N, s.Load)
	if s.Err != nil {
		fmt.Fprintf(w, "%s FAILED: %v\n", head, s.Err)
		return
	}
	med, mx := medianMax(s.RSSKiB)
	medB, mxB := medianMax(s.RSSB)
	fmt.Fprintf(w, "%s RSS a median %s max %s, b %s / %s MiB, CPU a %.2f s, b %.2f s, %d process(es); "+
		"%.1f adverts/s, %d instance(s) off count, spacing p99 %v (worst instance %v), timer floor p99 %v\n",
		head, mib(med), mib(mx), mib(medB), mib(mxB), s.CPU, s.CPUB, s.Procs,
		s.Sched.PerSec, s.Sched.Off, s.Sched.P99, s.Sched.WorstP99, s.Floor)
}

func (bn *bench) resourceTrial(ctx context.Context, d daemon, row resRow, dur time.Duration) resSample {
	bn.trialNum++
	n := row.N
	s := resSample{N: n, Proto: row.Proto, Daemon: d.Name}
	dir := filepath.Join(bn.dir, fmt.Sprintf("%03d-%s-resources-v%d-%d", bn.trialNum, d.Name, row.Proto.Version, n))
	ca, cb := resourceConfs(n, row.Proto)
	if err := bn.ensureIfaces(len(ca.Ifaces)); err != nil {
		s.Err = err
		return s
	}
	pr, err := bn.startPairStaggered(ctx, d, dir, ca, cb, true)
	defer pr.stop()
	if err != nil {
		s.Err = fmt.Errorf("%s resources N=%d (%s): %w", d.Name, n, dir, err)
		return s
	}
	s.Load, s.Missing = loadAvg(), pr.missing
	if s.Missing > 0 {
		s.MissingLog = firstLine(pr.la, "vip")
	}
	// The window starts once the start-up's tail is over: the second
	// gratuitous ARP burst (garp_master_delay 5 s after becoming
	// master) and goalived's release of the start-up's garbage.
	if err := sleep(ctx, resSettle); err != nil {
		s.Err = err
		return s
	}
	insts, _ := ca.instances()
	probe, err := startTimerProbe()
	if err != nil {
		s.Err = err
		return s
	}
	bn.forgetFrames(time.Now())
	from := time.Now()
	err = s.measure(ctx, pr, dur)
	s.Floor = probe.finish()
	if err != nil {
		s.Err = fmt.Errorf("%s resources N=%d (%s): %w", d.Name, n, dir, err)
		return s
	}
	to := time.Now()
	fs, err := bn.framesSince(from)
	if err != nil {
		s.Err = err
		return s
	}
	// The first and last advert interval are left out: an advert sent at
	// the window's edge may fall on either side.
	s.Sched = advertSchedule(fs, bn.a.Addr4, keysOf(insts), row.Proto.AdvertInt,
		from.Add(row.Proto.AdvertInt), to.Add(-row.Proto.AdvertInt))
	bn.forgetFrames(time.Now())
	// Still master of everything: the window measured a steady master.
	if na, nb, err := bn.countVIPs(pr.vips); err != nil || na != n-pr.missing || nb != 0 {
		s.Err = fmt.Errorf("%s resources N=%d: after the window a holds %d, b %d of %d addresses, want %d on a (%v)",
			d.Name, n, na, nb, n, n-pr.missing, err)
	}
	return s
}

// measure samples both process trees every second for dur and takes
// their CPU time over the window.
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
	lastA, lastB := a0, b0
	for i := 0; i < int(dur/time.Second); i++ {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-pr.pa.Done():
			return fmt.Errorf("the daemon on a exited during the window: %s", tail(pr.pa.Output()))
		case <-pr.pb.Done():
			return fmt.Errorf("the daemon on b exited during the window: %s", tail(pr.pb.Output()))
		case <-tick.C:
		}
		if lastA, err = sampleTree(pr.pa.Pid()); err != nil {
			return err
		}
		if lastB, err = sampleTree(pr.pb.Pid()); err != nil {
			return err
		}
		s.RSSKiB = append(s.RSSKiB, lastA.RSSKiB)
		s.RSSB = append(s.RSSB, lastB.RSSKiB)
	}
	s.CPU, s.CPUB, s.Procs = cpuDelta(a0, lastA), cpuDelta(b0, lastB), len(lastA.Ticks)
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
