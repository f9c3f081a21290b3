package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"time"
)

// soakProto is the soak's protocol: VRRPv3 at advert_int 0.1.
var soakProto = protocol{Version: 3, AdvertInt: 100 * time.Millisecond}

// soakResult is one soak: the subject master of plan.soakN instances for
// plan.soakFor, read every plan.soakStep, with no fault made: its fds,
// threads, goroutines and RSS should stay flat and nothing should move.
type soakResult struct {
	Subject, Peer string
	N             int
	For           time.Duration
	States        []daemonState   // the subject, once a step
	Lost, Sent    int             // client pings (to the first instance's address)
	Win           vipWindow       // addresses on neither or both hosts
	Wire          *advertSilences // a's adverts seen by the observer
	TransA        int             // FIFO state changes after start-up
	TransB        int
	Load          string
	Err           error
}

func (bn *bench) soakRun(ctx context.Context, subj, peer daemon, plan faultPlan, progress io.Writer) (res soakResult) {
	bn.trialNum++
	res = soakResult{Subject: subj.Name, Peer: peer.Name, N: plan.soakN, For: plan.soakFor, Load: loadAvg()}
	defer func() { logSoak(progress, res) }()
	dir := filepath.Join(bn.dir, fmt.Sprintf("%03d-faults-soak-%s", bn.trialNum, subj.Name))
	ca := fleetConf{State: "MASTER", Priority: prioMaster, N: plan.soakN, Proto: soakProto, Ifaces: []string{"eth0"}}
	cb := ca
	cb.State, cb.Priority = "BACKUP", prioBackup
	fmt.Fprintf(progress, "faults soak %s: %d instances, %v, load %s\n", subj.Name, plan.soakN, plan.soakFor, res.Load)
	if res.Err = bn.resetFaults(); res.Err != nil {
		return res
	}
	s, err := bn.startSession(ctx, subj, peer, dir, ca, cb)
	defer func() {
		if cerr := s.close(); cerr != nil && res.Err == nil {
			res.Err = cerr
		}
	}()
	if err != nil {
		res.Err = fmt.Errorf("%s soak (%s): %w", subj.Name, dir, err)
		return res
	}
	t0 := time.Now()
	bn.cap.forget(t0)
	res.Wire = newAdvertSilences(bn.a.Addr4, soakProto.masterDown(prioBackup), t0, plan.soakN)
	res.States, res.Err = s.readEvery(ctx, plan.soakStep, plan.soakFor, res.Wire)
	if res.Err != nil {
		return res
	}
	t1 := time.Now()
	res.Sent, res.Lost = s.ping.LostBetween(t0, t1.Add(-200*time.Millisecond))
	res.Win = s.samp.between(t0, t1)
	res.TransA, _ = s.fa.transitions(t0, t1)
	res.TransB, _ = s.fb.transitions(t0, t1)
	return res
}

// readEvery reads the subject's state every step for dur, and once more
// at the end; each step it hands the observer's frames to wire and
// drops them.
func (s *faultSession) readEvery(ctx context.Context, step, dur time.Duration, wire *advertSilences) ([]daemonState, error) {
	var out []daemonState
	tick := time.NewTicker(step)
	defer tick.Stop()
	end := time.Now().Add(dur)
	for {
		st, err := s.state()
		if err != nil {
			return out, err
		}
		out = append(out, st)
		now := time.Now()
		fs, err := s.bn.cap.since(time.Time{})
		if err != nil {
			return out, err
		}
		if len(fs) > 0 {
			s.bn.cap.forget(fs[len(fs)-1].At.Add(time.Nanosecond))
		}
		wire.feed(fs)
		if !now.Before(end) {
			wire.end(now)
			return out, nil
		}
		select {
		case <-ctx.Done():
			return out, ctx.Err()
		case <-s.pr.pa.Done():
			return out, fmt.Errorf("the subject exited during the soak: %s", tail(s.pr.pa.Output()))
		case <-tick.C:
		}
	}
}

func logSoak(w io.Writer, r soakResult) {
	if r.Err != nil {
		fmt.Fprintf(w, "faults soak %s: FAILED after %d reading(s): %v\n", r.Subject, len(r.States), r.Err)
		return
	}
	fmt.Fprintf(w, "faults soak %s: lost %d/%d, gap %v, both %v, transitions a %d b %d; a's longest advert silence %v, %d longer than b's down interval\n",
		r.Subject, r.Lost, r.Sent, msRound(r.Win.Gap), msRound(r.Win.Both), r.TransA, r.TransB, msRound(r.Wire.Longest), r.Wire.Over)
	for i, st := range r.States {
		fmt.Fprintf(w, "    %2d: %s\n", i, st)
	}
}
