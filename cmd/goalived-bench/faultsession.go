package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"syscall"
	"time"

	"github.com/goalived/goalived/netif/nslab"
)

// faultSession is a pair under a fault run or a soak: the subject on a
// (master), the peer on b, their notify FIFOs read by the benchmark, the
// virtual addresses sampled every 10 ms and a client in obs pinging the
// first of them every 10 ms. close undoes whatever fault is still in
// place and stops everything.
type faultSession struct {
	bn         *bench
	dir        string
	subj, peer daemon
	fa, fb     *fifoReader
	pr         *pairRun
	samp       *vipSampler
	ping       *nslab.Pinger
	metrics    string // goalived's /metrics in a's namespace; "" for keepalived

	// Faults in place, undone by close if a repetition failed midway.
	stopped  []int // processes stopped by SIGSTOP
	net      *netFault
	portDown bool
}

const (
	faultSample     = 10 * time.Millisecond
	metricsEndpoint = "127.0.0.1:9650"
)

// startSession starts the pair with ca and cb (each gets its notify_fifo)
// and the client, and waits until the client's pings are answered.
func (bn *bench) startSession(ctx context.Context, subj, peer daemon, dir string, ca, cb fleetConf) (*faultSession, error) {
	s := &faultSession{bn: bn, dir: dir, subj: subj, peer: peer}
	var err error
	if s.fa, err = openFIFO(filepath.Join(dir, "a")); err != nil {
		return s, err
	}
	if s.fb, err = openFIFO(filepath.Join(dir, "b")); err != nil {
		return s, err
	}
	ca.Global += "\n    notify_fifo " + s.fa.Path()
	cb.Global += "\n    notify_fifo " + s.fb.Path()
	if subj.Name != "keepalived" {
		s.metrics = metricsEndpoint
		subj.Args = append(subj.Args[:len(subj.Args):len(subj.Args)], "--metrics-address", s.metrics)
	}
	if s.pr, err = bn.startPairOf(ctx, subj, peer, dir, ca, cb, false); err != nil {
		return s, fmt.Errorf("%w: %w", errStartup, err)
	}
	s.samp = startVIPSampler(bn, s.pr.vips, faultSample)
	obs, err := bn.lab.Host("obs")
	if err != nil {
		return s, err
	}
	if s.ping, err = nslab.StartPinger(obs.Name, s.pr.vips[:1], faultSample); err != nil {
		return s, err
	}
	return s, s.waitSteady(ctx, time.Now(), 10*time.Second)
}

// waitSteady waits until, after t, a holds every virtual address, b
// none, and the client's last 10 pings were answered.
func (s *faultSession) waitSteady(ctx context.Context, t time.Time, within time.Duration) error {
	deadline := time.Now().Add(within)
	for {
		now := time.Now()
		if s.samp.steady(t) && s.ping.Answered(now.Add(-50*time.Millisecond), 10) {
			return nil
		}
		if now.After(deadline) {
			l := s.samp.last()
			return fmt.Errorf("not steady %v after %v: a holds %d, b %d of %d virtual addresses; pings answered: %v",
				within, t.Format("15:04:05.000"), l.OnA, l.OnB, len(s.pr.vips), s.ping.Answered(now, 10))
		}
		if err := sleep(ctx, faultSample); err != nil {
			return err
		}
	}
}

// state reads the subject's processes.
func (s *faultSession) state() (daemonState, error) {
	return readDaemonState(s.pr.pa.Pid(), s.dir, s.bn.a.Name, s.metrics)
}

// signalDaemon sends sig to the subject's daemon processes (keepalived's
// parent and VRRP child, goalived's one), not to its scripts.
func (s *faultSession) signalDaemon(sig syscall.Signal) ([]int, error) {
	pids, err := procTree(s.pr.pa.Pid())
	if err != nil {
		return nil, err
	}
	var done []int
	for _, p := range pids {
		if !isDaemonPid(p) {
			continue
		}
		if err := syscall.Kill(p, sig); err != nil {
			return done, fmt.Errorf("signal %v to %d: %w", sig, p, err)
		}
		done = append(done, p)
	}
	return done, nil
}

// close undoes the faults still in place and stops everything it
// started: the client, the sampler, both daemons, the FIFO readers and
// any script process of the run still alive.
func (s *faultSession) close() error {
	var errs []error
	for _, p := range s.stopped {
		_ = syscall.Kill(p, syscall.SIGCONT)
	}
	if s.net != nil {
		errs = append(errs, s.net.heal())
	}
	if s.portDown {
		errs = append(errs, s.bn.lab.SetPort("a", true))
	}
	if s.ping != nil {
		s.ping.Close()
	}
	if s.samp != nil {
		s.samp.close()
	}
	if s.pr != nil {
		s.pr.stop()
	}
	for _, f := range []*fifoReader{s.fa, s.fb} {
		if f != nil {
			f.close()
		}
	}
	left, err := scriptProcs(s.dir)
	for _, p := range left {
		_ = syscall.Kill(p, syscall.SIGKILL)
	}
	return errors.Join(append(errs, err)...)
}
