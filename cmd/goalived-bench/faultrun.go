package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"time"
)

// faultResult is one fault run: a subject, a protocol, the repetitions,
// and the subject's state before the first and after the last.
type faultResult struct {
	Fault         faultKind
	Proto         protocol
	Subject, Peer string
	Reps          []repResult
	Before, After daemonState
	Load          string // load average when the run began
	Err           error  // the run stopped early (its repetitions so far are kept)
}

// repResult is one repetition, from the fault to the end of the settle
// time after the heal.
type repResult struct {
	Lost, Sent int           // client pings
	Gap        time.Duration // longest time some virtual address was on neither host
	BothDuring time.Duration // some address on both hosts, from the fault to the heal
	BothAfter  time.Duration // the same, from the heal's end to the end
	Period     time.Duration // longest sampling interval
	TookOver   bool          // b held every address at some point before the heal
	Recovery   time.Duration // heal's end -> a holds all, b none, pings answered
	TransA     int           // state changes in the FIFOs of a and b
	TransB     int
	OtherA     int // other FIFO lines of a and b (MASTER_RX_LOWER_PRI)
	OtherB     int
	// NotifyDelay (notify-hang): a's MASTER line after the heal -> its
	// notify_master run; -1 when it had not run by the end.
	NotifyDelay time.Duration
	// Adverts and Silence (flood): a's adverts on the wire from the flood
	// to a second after it, and its longest silence during it.
	Adverts int
	Silence time.Duration
	Note    string // what else the fault reports (notify_master, the flood's rate and answers)
}

// faultRun runs one fault plan.reps times with subject subj on a.
func (bn *bench) faultRun(ctx context.Context, subj, peer daemon, k faultKind, p protocol, plan faultPlan, progress io.Writer) (res faultResult) {
	bn.trialNum++
	res = faultResult{Fault: k, Proto: p, Subject: subj.Name, Peer: peer.Name, Load: loadAvg()}
	defer func() { logState(progress, res) }()
	dir := filepath.Join(bn.dir, fmt.Sprintf("%03d-faults-%s-%s-v%d", bn.trialNum, k, subj.Name, p.Version))
	op, ca, cb, err := bn.faultSetup(k, p, plan, dir)
	if err == nil {
		err = bn.resetFaults()
	}
	if err != nil {
		res.Err = err
		return res
	}
	s, err := bn.startSession(ctx, subj, peer, dir, ca, cb)
	defer func() {
		if cerr := s.close(); cerr != nil && res.Err == nil {
			res.Err = cerr
		}
	}()
	if err != nil {
		res.Err = fmt.Errorf("%s %s v%d (%s): %w", subj.Name, k, p.Version, dir, err)
		return res
	}
	if res.Before, err = s.state(); err != nil {
		res.Err = err
		return res
	}
	for i := range plan.reps {
		r, err := s.rep(ctx, op, p)
		if err != nil {
			res.Err = fmt.Errorf("%s %s v%d repetition %d (%s): %w", subj.Name, k, p.Version, i+1, dir, err)
			break
		}
		logRep(progress, res, i, r)
		res.Reps = append(res.Reps, r)
	}
	if err = sleep(ctx, time.Second); err == nil {
		res.After, err = s.state()
	}
	res.Err = errors.Join(res.Err, err)
	return res
}

// resetFaults undoes what an earlier run may have left in place when
// its heal failed (a loaded machine can hold "ip link" and "nft" past
// their timeout): a's switch port down, the fault table in a or b.
// Without this every later run would start broken.
func (bn *bench) resetFaults() error {
	if err := bn.lab.SetPort("a", true); err != nil {
		return err
	}
	return bn.clearNetFaults()
}

// rep makes the fault, holds it, heals it, waits until the pair is
// steady again plus a settle time (late transitions), and measures.
func (s *faultSession) rep(ctx context.Context, op faultOp, p protocol) (repResult, error) {
	var r repResult
	t0 := time.Now()
	s.bn.cap.forget(t0.Add(-time.Second))
	measure, err := op.apply(ctx, s)
	if err != nil {
		return r, err
	}
	if err := sleep(ctx, op.hold); err != nil {
		return r, err
	}
	// The heal is complete, and the measures after it start, once its
	// last command returned: a partition's rules go from a, then from b,
	// two nft runs that can take a few hundred ms on a loaded machine,
	// while b still hears nothing.
	if err := op.heal(s); err != nil {
		return r, err
	}
	th := time.Now()
	within := 3*p.masterDown(prioBackup) + op.recover + 15*time.Second
	if err := s.waitSteady(ctx, th, within); err != nil {
		return r, fmt.Errorf("after the heal: %w", err)
	}
	r.Recovery = time.Since(th)
	if err := sleep(ctx, time.Second+3*p.AdvertInt); err != nil {
		return r, err
	}
	t1 := time.Now()
	all, during, after := s.samp.between(t0, t1), s.samp.between(t0, th), s.samp.between(th, t1)
	r.Gap, r.BothDuring, r.BothAfter, r.Period = all.Gap, during.Both, after.Both, all.Period
	r.TookOver = s.samp.tookOver(t0, th)
	r.Sent, r.Lost = s.ping.LostBetween(t0, t1.Add(-200*time.Millisecond))
	r.TransA, r.OtherA = s.fa.transitions(t0, t1)
	r.TransB, r.OtherB = s.fb.transitions(t0, t1)
	if measure != nil {
		measure(t0, th, &r)
	}
	return r, nil
}

func logRep(w io.Writer, res faultResult, i int, r repResult) {
	fmt.Fprintf(w, "faults %-11s %-10s v%d #%d: lost %d/%d, gap %v, both %v/%v (sampled every %v), b took over %v, steady %v after the heal, transitions a %d b %d (other FIFO lines %d, %d) %s\n",
		res.Fault, res.Subject, res.Proto.Version, i+1, r.Lost, r.Sent, msRound(r.Gap), msRound(r.BothDuring), msRound(r.BothAfter),
		msRound(r.Period), r.TookOver, msRound(r.Recovery), r.TransA, r.TransB, r.OtherA, r.OtherB, r.Note)
}

func logState(w io.Writer, res faultResult) {
	fmt.Fprintf(w, "faults %-11s %-10s v%d: before %s; after %s", res.Fault, res.Subject, res.Proto.Version, res.Before, res.After)
	if res.Err != nil {
		fmt.Fprintf(w, "; FAILED: %v", res.Err)
	}
	fmt.Fprintln(w)
}

func msRound(d time.Duration) time.Duration { return d.Round(time.Millisecond) }

// String is the state in one line, for the progress output.
func (d daemonState) String() string {
	return fmt.Sprintf("%d process(es), %d fds, %d threads, %d goroutines, RSS %s MiB, %d zombies, %d script processes",
		d.Procs, d.FDs, d.Threads, d.Goroutines, mib(d.RSSKiB), d.Zombies, len(d.Scripts))
}
