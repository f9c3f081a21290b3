package main

import (
	"context"
	"fmt"
	"io"
	"net/netip"
	"path/filepath"
	"time"

	"github.com/goalived/goalived/netif/nslab"
)

// spurSample is one spurious-transition trial: a steady VRRPv3 pair at
// advert_int 0.02 while busy loops keep every core busy.
type spurSample struct {
	N              int
	Daemon         string
	TransA, TransB int      // transition log lines after convergence
	Examples       []string // a few of them
	Dual           int      // samples where a and b both held a virtual address
	Samples        int      // address samples taken
	MaxGap         time.Duration
	Burners        int
	Load           string // load average when the window began
	Retried        error  // a first attempt's failed start-up

	// On the wire (observer): a's longest silence over all VRIDs, the
	// silences longer than b's Master_Down_Interval (b may take over
	// rightly after one), and b's adverts with a priority above 0.
	Silence    time.Duration
	Silences   int
	BAdverts   int
	WireFrames int
	Err        error
}

const (
	spurMaster   = 200
	spurBackup   = 100
	samplePeriod = 10 * time.Millisecond
)

var spurProto = protocol{Version: 3, AdvertInt: 20 * time.Millisecond}

func (bn *bench) runSpurious(ctx context.Context, c config, progress io.Writer) ([]spurSample, error) {
	var out []spurSample
	for _, n := range c.spurN {
		ss, err := repeatTrials(ctx, c, progress, fmt.Sprintf("spurious N=%d", n),
			func(d daemon) spurSample { return bn.spuriousTrial(ctx, d, n, c.duration, c.burners) },
			func(s *spurSample) (error, *error) { return s.Err, &s.Retried }, logSpurious)
		if err != nil {
			return nil, err
		}
		out = append(out, ss...)
	}
	return out, nil
}

func logSpurious(w io.Writer, s spurSample) {
	head := fmt.Sprintf("spurious  %-10s N=%-4d (load %s):", s.Daemon, s.N, s.Load)
	if s.Err != nil {
		fmt.Fprintf(w, "%s FAILED: %v\n", head, s.Err)
		return
	}
	fmt.Fprintf(w, "%s transitions a %d, b %d; dual-master samples %d of %d (longest sampling gap %v)\n",
		head, s.TransA, s.TransB, s.Dual, s.Samples, s.MaxGap.Round(time.Millisecond))
	for _, e := range s.Examples {
		fmt.Fprintf(w, "    %s\n", e)
	}
}

func (bn *bench) spuriousTrial(ctx context.Context, d daemon, n int, dur time.Duration, burners int) spurSample {
	bn.trialNum++
	s := spurSample{N: n, Daemon: d.Name, Burners: burners}
	dir := filepath.Join(bn.dir, fmt.Sprintf("%03d-%s-spurious-%d", bn.trialNum, d.Name, n))
	ca := fleetConf{State: "MASTER", Priority: spurMaster, N: n, Proto: spurProto, Ifaces: []string{"eth0"}}
	cb := ca
	cb.State, cb.Priority = "BACKUP", spurBackup
	bn.cap.forget(time.Now())
	pr, err := bn.startPair(ctx, d, dir, ca, cb, false)
	defer pr.stop()
	if err != nil {
		s.Err = fmt.Errorf("%s spurious N=%d (%s): %w", d.Name, n, dir, err)
		return s
	}
	procs, err := bn.startBurners(burners)
	defer func() {
		for _, p := range procs {
			p.Stop()
		}
	}()
	if err != nil {
		s.Err = err
		return s
	}
	s.Load = loadAvg()
	from := time.Now()
	// a entered MASTER before the window: a log format the counter does
	// not recognise would otherwise read as zero transitions.
	if k, _ := countTransitions(pr.la.between(time.Time{}, from)); k == 0 {
		s.Err = fmt.Errorf("%s spurious N=%d (%s): no transition line recognised in a's start-up log", d.Name, n, dir)
		return s
	}
	if err := s.sample(ctx, bn, pr, dur); err != nil {
		s.Err = fmt.Errorf("%s spurious N=%d (%s): %w", d.Name, n, dir, err)
		return s
	}
	to := time.Now()
	if err := s.wire(bn, n, from, to); err != nil {
		s.Err = fmt.Errorf("%s spurious N=%d (%s): %w", d.Name, n, dir, err)
	}
	s.countLogs(pr, from, to)
	return s
}

// countLogs counts both daemons' transition lines in [from, to).
func (s *spurSample) countLogs(pr *pairRun, from, to time.Time) {
	var ea, eb []string
	s.TransA, ea = countTransitions(pr.la.between(from, to))
	s.TransB, eb = countTransitions(pr.lb.between(from, to))
	s.Examples = append(prefixAll("a: ", ea), prefixAll("b: ", eb)...)
}

func prefixAll(p string, ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = p + s
	}
	return out
}

// startBurners starts busy loops in the observer's namespace (any
// namespace shares the CPUs); the caller stops them by pid.
func (bn *bench) startBurners(n int) ([]*nslab.Proc, error) {
	var out []*nslab.Proc
	for range n {
		p, err := bn.lab.Start("obs", nil, "sh", "-c", "while :; do :; done")
		if err != nil {
			return out, fmt.Errorf("start CPU burner: %w", err)
		}
		out = append(out, p)
	}
	return out, nil
}

// sample lists both hosts' addresses every samplePeriod for dur and
// counts the samples in which any virtual address was on both.
func (s *spurSample) sample(ctx context.Context, bn *bench, pr *pairRun, dur time.Duration) error {
	tick := time.NewTicker(samplePeriod)
	defer tick.Stop()
	end := time.Now().Add(dur)
	prev := time.Now()
	for time.Now().Before(end) {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-pr.pa.Done():
			return fmt.Errorf("the daemon on a exited: %s", tail(pr.pa.Output()))
		case <-pr.pb.Done():
			return fmt.Errorf("the daemon on b exited: %s", tail(pr.pb.Output()))
		case now := <-tick.C:
			s.MaxGap = max(s.MaxGap, now.Sub(prev))
			prev = now
		}
		aa, err := bn.addrs("a")
		if err != nil {
			return err
		}
		ab, err := bn.addrs("b")
		if err != nil {
			return err
		}
		s.Samples++
		if dualHeld(pr.vips, aa, ab) {
			s.Dual++
		}
	}
	return nil
}

// dualHeld reports whether any of vips is in both address sets.
func dualHeld(vips []netip.Addr, a, b map[netip.Addr]bool) bool {
	for _, v := range vips {
		if a[v] && b[v] {
			return true
		}
	}
	return false
}

// wire reads what the observer saw in [from, to): the master's silences
// tell a master that did not send in time from a backup that did not
// listen in time.
func (s *spurSample) wire(bn *bench, n int, from, to time.Time) error {
	fs, err := bn.cap.since(from)
	if err != nil {
		return err
	}
	s.WireFrames = len(fs)
	limit := spurProto.masterDown(spurBackup)
	for vrid := 1; vrid <= n; vrid++ {
		longest, over := silences(fs, bn.a.Addr4, vrid, from, to, limit)
		s.Silence = max(s.Silence, longest)
		s.Silences += over
		s.BAdverts += countBetween(fs, bn.b.Addr4, vrid, from, to)
	}
	return nil
}
