package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/goalived/goalived/netif/nslab"
)

// The upgrade scenario: a master of upgradeN VRRPv3 instances at
// advert_int 0.1 on a, keepalived 2.2.7 as backup on b, the observer
// pinging every VIP every 10 ms. goalived's master is upgraded in place
// (its binary replaced by a copy, then SIGHUP: the hot upgrade);
// keepalived's is restarted as a package upgrade restarts it (TERM, then
// start again once it has exited). Measured over all repetitions: the
// longest time a VIP was on neither host, the pings lost, the backup's
// transitions, the master's longest silence on the wire and its
// priority-0 adverts.

const (
	upgradeN      = 20
	upgradeMaster = 150
	upgradeBackup = 100
	upgradeRest   = 500 * time.Millisecond // between two upgrades
)

var upgradeProto = protocol{Version: 3, AdvertInt: 100 * time.Millisecond}

// upgSample is one daemon's run of the scenario.
type upgSample struct {
	Daemon  string
	Op      string // "hot upgrade (binary replaced, SIGHUP)" or "restart (TERM, start)"
	Reps    int
	Pids    int // distinct pids of a's daemon over the run
	VIPs    *vipWatch
	Sent    int
	Lost    int
	TransB  int
	TransA  int
	Silence time.Duration
	// Across is the longest silence spanning a hot upgrade's freeze,
	// Other the longest elsewhere in the run (goalived only).
	Across, Other time.Duration
	ZeroPrio      int
	Load          string
	Err           error
}

func (bn *bench) runUpgrade(ctx context.Context, c config, progress io.Writer) ([]upgSample, error) {
	var backup *daemon
	for _, d := range c.daemons {
		if d.Name == "keepalived" {
			backup = &d
		}
	}
	if backup == nil {
		return nil, errors.New("upgrade: keepalived is the backup: --daemons must include it")
	}
	var out []upgSample
	for _, d := range c.daemons {
		s := bn.upgradeTrial(ctx, d, *backup, c.reps)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if s.Err != nil {
			fmt.Fprintf(progress, "upgrade  %-10s FAILED: %v\n", d.Name, s.Err)
		} else {
			fmt.Fprintf(progress, "upgrade  %-10s %d x %s (load %s): VIP absent %v at most, %d of %d pings lost, "+
				"backup transitions %d, master's longest silence %s, priority-0 adverts %d\n", d.Name, s.Reps, s.Op, s.Load,
				s.VIPs.Longest, s.Lost, s.Sent, s.TransB, silenceCell(s), s.ZeroPrio)
		}
		out = append(out, s)
	}
	return out, nil
}

func (bn *bench) upgradeTrial(ctx context.Context, d, backup daemon, reps int) (s upgSample) {
	bn.trialNum++
	s = upgSample{Daemon: d.Name, Reps: reps, Op: "restart (TERM, start)"}
	dir := filepath.Join(bn.dir, fmt.Sprintf("%03d-%s-upgrade", bn.trialNum, d.Name))
	if d.Name != "keepalived" {
		s.Op = "hot upgrade (binary replaced, SIGHUP)"
		// The master runs from its own copy, which each upgrade replaces.
		bin := filepath.Join(dir, "goalived")
		if err := copyFile(d.Bin, bin); err != nil {
			s.Err = err
			return s
		}
		d.Bin = bin
	}
	ca := fleetConf{State: "BACKUP", Priority: upgradeMaster, N: upgradeN, Proto: upgradeProto, Ifaces: []string{"eth0"}}
	cb := ca
	cb.Priority = upgradeBackup
	pr := &pairRun{la: &lineLog{}, lb: &lineLog{}}
	defer func() { bn.stopMaster(dir, pr) }()
	if err := bn.startUpgradePair(ctx, d, backup, dir, ca, cb, pr); err != nil {
		s.Err = err
		return s
	}
	obs, _ := bn.lab.Host("obs")
	// The fleet's VIPs are in 198.51.100.0/24: the observer reaches them
	// on its segment.
	if _, err := bn.lab.Run("obs", "ip", "route", "replace", "198.51.100.0/24", "dev", obs.Ifname); err != nil {
		s.Err = err
		return s
	}
	ping, err := nslab.StartPinger(obs.Name, pr.vips, 10*time.Millisecond)
	if err != nil {
		s.Err = err
		return s
	}
	defer ping.Close()
	if err := waitUntil(ctx, 10*time.Second, func() bool { return ping.Silent() == 0 }); err != nil {
		s.Err = fmt.Errorf("the observer does not reach every VIP: %w", err)
		return s
	}
	s.Load = loadAvg()
	wctx, stopWatch := context.WithCancel(ctx)
	watched := make(chan *vipWatch, 1)
	go func() { watched <- bn.watchVIPs(wctx, pr.vips) }()
	ping.Count()
	from := time.Now()
	pids := map[int]bool{nslab.ReadPid(filepath.Join(dir, "a", "daemon.pid")): true}
	for range reps {
		if err := sleep(ctx, upgradeRest); err != nil {
			s.Err = err
			break
		}
		pid, err := bn.upgradeOnce(ctx, d, dir, ca, pr)
		if err != nil {
			s.Err = err
			break
		}
		pids[pid] = true
	}
	if err := sleep(ctx, upgradeRest); err != nil && s.Err == nil {
		s.Err = err
	}
	to := time.Now()
	stopWatch()
	s.VIPs = <-watched
	s.Pids = len(pids)
	sent, lost := ping.Lost(time.Second)
	s.Sent = sent
	for _, n := range lost {
		s.Lost += n
	}
	s.TransA, _ = countTransitions(pr.la.between(from, to))
	s.TransB, _ = countTransitions(pr.lb.between(from, to))
	if err := s.wire(bn, from, to, freezesIn(pr.la.between(from, to))); err != nil && s.Err == nil {
		s.Err = err
	}
	return s
}

// startUpgradePair starts d as master on a, then the backup on b, and
// waits until a holds every VIP and b none.
func (bn *bench) startUpgradePair(ctx context.Context, d, backup daemon, dir string, ca, cb fleetConf, pr *pairRun) error {
	insts, err := ca.instances()
	if err != nil {
		return err
	}
	for _, in := range insts {
		pr.vips = append(pr.vips, in.VIP)
	}
	if err := bn.clearVIPs(pr.vips); err != nil {
		return err
	}
	if pr.pa, err = bn.startFleet(d, filepath.Join(dir, "a"), "a", ca, pr.la); err != nil {
		return err
	}
	if err := bn.waitVIPs(ctx, pr, 15*time.Second); err != nil {
		return err
	}
	if pr.pb, err = bn.startFleet(backup, filepath.Join(dir, "b"), "b", cb, pr.lb); err != nil {
		return err
	}
	// b is settled as backup once its Master_Down_Interval has passed
	// with a's VIPs still on a and none on b.
	if err := sleep(ctx, cb.Proto.masterDown(cb.Priority)+time.Second); err != nil {
		return err
	}
	return bn.waitVIPs(ctx, pr, time.Second)
}

// upgradeOnce upgrades (goalived) or restarts (keepalived) a's daemon and
// returns the pid that runs it afterwards.
func (bn *bench) upgradeOnce(ctx context.Context, d daemon, dir string, ca fleetConf, pr *pairRun) (int, error) {
	pidFile := filepath.Join(dir, "a", "daemon.pid")
	old := nslab.ReadPid(pidFile)
	if d.Name == "keepalived" {
		pr.pa.Stop() // TERM, and the wait for its exit
		p, err := bn.startFleet(d, filepath.Join(dir, "a"), "a", ca, pr.la)
		if err != nil {
			return 0, err
		}
		pr.pa = p
		if err := bn.waitVIPs(ctx, pr, 15*time.Second); err != nil {
			return 0, err
		}
		return nslab.ReadPid(pidFile), nil
	}
	if err := copyFile(d.Bin+".orig", d.Bin); err != nil {
		return 0, err
	}
	took := strings.Count(pr.pa.Output(), "took over from")
	if err := syscall.Kill(old, syscall.SIGHUP); err != nil {
		return 0, fmt.Errorf("signal goalived (pid %d): %w", old, err)
	}
	var next int
	err := waitUntil(ctx, 20*time.Second, func() bool {
		next = nslab.ReadPid(pidFile)
		return next != old && strings.Count(pr.pa.Output(), "took over from") >= took+2 && !nslab.Running(old)
	})
	if err != nil {
		return 0, fmt.Errorf("hot upgrade of pid %d: %w\n%s", old, err, tail(pr.pa.Output()))
	}
	return next, nil
}

// wire reads what the observer saw of a's adverts in [from, to).
func (s *upgSample) wire(bn *bench, from, to time.Time, freezes []time.Time) error {
	fs, err := bn.cap.since(from)
	if err != nil {
		return err
	}
	for vrid := 1; vrid <= upgradeN; vrid++ {
		longest, _ := silences(fs, bn.a.Addr4, vrid, from, to, upgradeProto.masterDown(upgradeBackup))
		s.Silence = max(s.Silence, longest)
		if len(freezes) > 0 {
			across, other := splitSilences(fs, bn.a.Addr4, vrid, from, to, freezes)
			s.Across, s.Other = max(s.Across, across), max(s.Other, other)
		}
	}
	for _, f := range fs {
		if f.Kind == kindAdvert && f.SrcIP == bn.a.Addr4 && f.Prio == 0 && !f.At.Before(from) && f.At.Before(to) {
			s.ZeroPrio++
		}
	}
	return nil
}

// stopMaster stops a's daemon (TERM to whichever process runs it now),
// then b's.
func (bn *bench) stopMaster(dir string, pr *pairRun) {
	if pid := nslab.ReadPid(filepath.Join(dir, "a", "daemon.pid")); pid > 0 && nslab.Running(pid) {
		_ = syscall.Kill(pid, syscall.SIGTERM)
		_ = waitUntil(context.Background(), nslab.StopTimeout, func() bool { return !nslab.Running(pid) })
	}
	pr.stop()
}

// copyFile writes src's contents to a new file renamed over dst, as a
// package upgrade replaces a binary; it keeps src's content at
// dst+".orig" for the next upgrade.
func copyFile(src, dst string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	if src != dst+".orig" {
		if err := os.WriteFile(dst+".orig", b, 0o755); err != nil {
			return err
		}
	}
	if err := os.WriteFile(dst+".new", b, 0o755); err != nil {
		return err
	}
	return os.Rename(dst+".new", dst)
}

// waitUntil polls cond every 10 ms for up to d.
func waitUntil(ctx context.Context, d time.Duration, cond func() bool) error {
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			return fmt.Errorf("not done after %v", d)
		}
		if err := sleep(ctx, 10*time.Millisecond); err != nil {
			return err
		}
	}
	return nil
}

func silenceCell(s upgSample) string {
	if s.Across == 0 {
		return ms(s.Silence)
	}
	return fmt.Sprintf("%s (%s / %s)", ms(s.Silence), ms(s.Across), ms(s.Other))
}

func writeUpgrade(w io.Writer, ss []upgSample) {
	fmt.Fprintf(w, "Upgrading the master: %d VRRPv3 instances at advert_int 0.1, master priority %d, keepalived 2.2.7 backup "+
		"priority %d, the observer pinging every VIP every 10 ms; VIP gap = longest time one VIP was on neither host "+
		"(addresses sampled every %v).\n\n", upgradeN, upgradeMaster, upgradeBackup, vipPeriod)
	fmt.Fprintln(w, "| master | operation | times | VIP gap | samples missing a VIP | pings lost / sent | "+
		"backup transitions | master's transitions | master's longest advert silence (across a handover / elsewhere) | "+
		"priority-0 adverts | pids | load avg |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|---|---|")
	for _, s := range ss {
		if s.Err != nil {
			fmt.Fprintf(w, "| %s | %s | %d | FAILED: %s | | | | | | | | %s |\n", s.Daemon, s.Op, s.Reps, oneLine(s.Err.Error()), s.Load)
			continue
		}
		fmt.Fprintf(w, "| %s | %s | %d | %v | %d / %d | %d / %d | %d | %d | %s | %d | %d | %s |\n", s.Daemon, s.Op, s.Reps,
			s.VIPs.Longest.Round(100*time.Microsecond), s.VIPs.Missing, s.VIPs.samples, s.Lost, s.Sent, s.TransB, s.TransA,
			silenceCell(s), s.ZeroPrio, s.Pids, s.Load)
	}
	fmt.Fprintln(w)
}
