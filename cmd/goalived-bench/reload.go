package main

import (
	"context"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

// reloadScenario measures a master's start-up (from exec to the first
// advert of every instance on the wire) and its SIGHUP reload with the
// file unchanged and with one instance changed.
const reloadScenario scenario = "reload"

// reloadWindow is how long after a SIGHUP the reload's effects are
// gathered by default (CPU, log lines, address changes, advert gaps).
const reloadWindow = 5 * time.Second

// reloadResult is one SIGHUP.
type reloadResult struct {
	// Wall is the time from the signal to the daemon's word that the
	// reload is done: goalived's "Reload complete" line (its sockpool
	// lines come before it), keepalived's last "VRRP sockpool" line (its
	// "Reload complete" comes before it restarts the instances and dumps
	// the socket pool); 0 if none.
	Wall time.Duration
	// CPU is the daemon's CPU time (scheduler run time, ns resolution) in
	// the window less what it spends in as long a time without a reload.
	CPU time.Duration
	// Trans counts transition log lines on a and b in the window; VIPs
	// the changes of the fleet's addresses on a and b (netlink).
	Trans, VIPs int
	// MaxGap is the longest interval between two adverts of one
	// instance of a around the reload (from one interval before it).
	MaxGap time.Duration
}

// reloadSample is one trial of the reload scenario.
type reloadSample struct {
	N                  int
	Daemon             string
	Load               string
	Startup            time.Duration // exec to the first advert of the last instance
	Unchanged, Changed reloadResult
	Err, Retried       error
}

func (bn *bench) runReload(ctx context.Context, c config, progress io.Writer) ([]reloadSample, error) {
	var out []reloadSample
	for _, n := range c.reloadN {
		ss, err := repeatTrials(ctx, c, progress, fmt.Sprintf("reload N=%d", n),
			func(d daemon) reloadSample { return bn.reloadTrial(ctx, d, n, c.reloadWin) },
			func(s *reloadSample) (error, *error) { return s.Err, &s.Retried }, logReload)
		if err != nil {
			return nil, err
		}
		out = append(out, ss...)
	}
	return out, nil
}

func logReload(w io.Writer, s reloadSample) {
	head := fmt.Sprintf("reload %-10s N=%-4d (load %s):", s.Daemon, s.N, s.Load)
	if s.Err != nil {
		fmt.Fprintf(w, "%s FAILED: %v\n", head, s.Err)
		return
	}
	fmt.Fprintf(w, "%s start-up %s; unchanged %s; one changed %s\n", head, ms(s.Startup), s.Unchanged, s.Changed)
}

func (r reloadResult) String() string {
	return fmt.Sprintf("wall %s, CPU %s, %d transition(s), %d VIP change(s), longest advert gap %s",
		ms(r.Wall), ms(r.CPU), r.Trans, r.VIPs, ms(r.MaxGap))
}

func (bn *bench) reloadTrial(ctx context.Context, d daemon, n int, win time.Duration) reloadSample {
	bn.trialNum++
	s := reloadSample{N: n, Daemon: d.Name, Load: loadAvg()}
	dir := filepath.Join(bn.dir, fmt.Sprintf("%03d-%s-reload-%d", bn.trialNum, d.Name, n))
	pr, err := bn.startReloadPair(ctx, d, dir, n, &s)
	defer pr.stop()
	if err != nil {
		s.Err = fmt.Errorf("%s reload N=%d (%s): %w", d.Name, n, dir, err)
		return s
	}
	conf := filepath.Join(dir, "a", "keepalived.conf")
	if s.Unchanged, err = bn.reloadOnce(ctx, pr, conf, nil, win); err == nil {
		s.Changed, err = bn.reloadOnce(ctx, pr, conf, changeOne, win)
	}
	if err != nil {
		s.Err = fmt.Errorf("%s reload N=%d (%s): %w", d.Name, n, dir, err)
	}
	return s
}

// changeOne lowers the priority of the first instance (VI_1), still
// above the backup's: the instance is updated, nothing should move.
func changeOne(text string) string {
	return strings.Replace(text, fmt.Sprintf("priority %d\n", prioMaster), fmt.Sprintf("priority %d\n", prioMaster-10), 1)
}

// startReloadPair starts a alone and times its start-up, then b, and
// waits until a holds every address and b none.
func (bn *bench) startReloadPair(ctx context.Context, d daemon, dir string, n int, s *reloadSample) (*pairRun, error) {
	ca, cb := resourceConfs(n, v2Proto)
	insts, err := ca.instances()
	if err != nil {
		return &pairRun{}, err
	}
	if err := bn.ensureIfaces(len(ca.Ifaces)); err != nil {
		return &pairRun{}, err
	}
	pr := &pairRun{la: &lineLog{}, lb: &lineLog{}, keys: keysOf(insts)}
	for _, in := range insts {
		pr.vips = append(pr.vips, in.VIP)
	}
	if err := bn.clearVIPs(pr.vips); err != nil {
		return pr, err
	}
	bn.forgetFrames(time.Now())
	t0 := time.Now()
	if pr.pa, err = bn.startFleet(d, filepath.Join(dir, "a"), "a", ca, pr.la); err != nil {
		return pr, err
	}
	within := ca.Proto.masterDown(ca.Priority) + 10*time.Second + time.Duration(n)*20*time.Millisecond
	if s.Startup, err = bn.waitFirstAdverts(ctx, pr.keys, t0, within); err != nil {
		return pr, err
	}
	bStart := time.Now()
	if pr.pb, err = bn.startFleet(d, filepath.Join(dir, "b"), "b", cb, pr.lb); err != nil {
		return pr, err
	}
	if err := bn.waitVIPs(ctx, pr, within); err != nil {
		return pr, err
	}
	if err := sleep(ctx, time.Until(bStart.Add(cb.Proto.masterDown(cb.Priority)+time.Second))); err != nil {
		return pr, err
	}
	if na, nb, err := bn.countVIPs(pr.vips); err != nil || na != n || nb != 0 {
		return pr, fmt.Errorf("%w: after convergence a holds %d, b %d of %d addresses (%v)", errStartup, na, nb, n, err)
	}
	return pr, nil
}

// waitFirstAdverts waits until a advertised every instance (priority
// above 0) and returns the time from t0 to the last first advert.
func (bn *bench) waitFirstAdverts(ctx context.Context, keys []instKey, t0 time.Time, within time.Duration) (time.Duration, error) {
	deadline := t0.Add(within)
	first := map[instKey]time.Time{}
	for {
		fs, err := bn.framesSince(t0)
		if err != nil {
			return 0, err
		}
		for _, f := range fs {
			k := instKey{f.Iface, f.VRID}
			if f.Kind == kindAdvert && f.SrcIP == bn.a.Addr4 && f.Prio > 0 && (first[k].IsZero() || f.At.Before(first[k])) {
				first[k] = f.At
			}
		}
		var last time.Time
		missing := 0
		for _, k := range keys {
			if first[k].IsZero() {
				missing++
			} else if first[k].After(last) {
				last = first[k]
			}
		}
		if missing == 0 {
			return last.Sub(t0), nil
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("%w: %d of %d instances never advertised within %v of the start", errStartup, missing, len(keys), within)
		}
		if err := sleep(ctx, 200*time.Millisecond); err != nil {
			return 0, err
		}
	}
}

// reloadOnce rewrites a's configuration through edit (nil: unchanged),
// sends SIGHUP and gathers the reload's effects over win.
func (bn *bench) reloadOnce(ctx context.Context, pr *pairRun, conf string, edit func(string) string, win time.Duration) (reloadResult, error) {
	var r reloadResult
	if edit != nil {
		b, err := os.ReadFile(conf)
		if err != nil {
			return r, err
		}
		if err := os.WriteFile(conf, []byte(edit(string(b))), 0o644); err != nil {
			return r, err
		}
	}
	watch, err := bn.watchAddrEvents(pr.vips)
	if err != nil {
		return r, err
	}
	defer watch.stop()
	// The rate of CPU use without a reload, over as long a time.
	base0, err := runTimeTree(pr.pa.Pid())
	if err != nil {
		return r, err
	}
	if err := sleep(ctx, win); err != nil {
		return r, err
	}
	hup := time.Now()
	run0, err := runTimeTree(pr.pa.Pid())
	if err != nil {
		return r, err
	}
	if err := pr.pa.Signal(syscall.SIGHUP); err != nil {
		return r, err
	}
	if err := sleep(ctx, win); err != nil {
		return r, err
	}
	end := time.Now()
	run1, err := runTimeTree(pr.pa.Pid())
	if err != nil {
		return r, err
	}
	r.CPU = max((run1-run0)-(run0-base0), 0)
	linesA := pr.la.between(hup, end)
	r.Wall = reloadDone(linesA, hup)
	ta, _ := countTransitions(linesA)
	tb, _ := countTransitions(pr.lb.between(hup, end))
	r.Trans, r.VIPs = ta+tb, watch.count()
	fs, err := bn.framesSince(hup.Add(-time.Second))
	if err != nil {
		return r, err
	}
	r.MaxGap = longestGap(fs, bn.a.Addr4, pr.keys)
	bn.forgetFrames(end)
	return r, nil
}

// reloadDone is the time from hup to the daemon's word that its reload
// finished (see reloadResult.Wall), 0 without one: the later of its
// first "Reload complete" and its last "VRRP sockpool" line.
func reloadDone(lines []stampedLine, hup time.Time) time.Duration {
	var done time.Time
	complete := false
	for _, l := range lines {
		switch {
		case strings.Contains(l.Text, "Reload complete") && !complete:
			complete = true
			done = l.At
		case strings.Contains(l.Text, "VRRP sockpool"):
			done = l.At
		}
	}
	if done.IsZero() {
		return 0
	}
	return done.Sub(hup)
}

// longestGap is the longest interval between consecutive adverts of one
// of the instances keys from src (priority above 0) among fs.
func longestGap(fs []frame, src netip.Addr, keys []instKey) time.Duration {
	want := map[instKey]bool{}
	for _, k := range keys {
		want[k] = true
	}
	times := map[instKey][]time.Time{}
	for _, f := range fs {
		k := instKey{f.Iface, f.VRID}
		if f.Kind == kindAdvert && f.SrcIP == src && f.Prio > 0 && want[k] {
			times[k] = append(times[k], f.At)
		}
	}
	var longest time.Duration
	for _, ts := range times {
		slices.SortFunc(ts, time.Time.Compare)
		for i := 1; i < len(ts); i++ {
			longest = max(longest, ts[i].Sub(ts[i-1]))
		}
	}
	return longest
}
