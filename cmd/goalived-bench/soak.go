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
	States        []daemonState // the subject, once a step
	Lost, Sent    int           // client pings (to the first instance's address)
	Win           vipWindow     // addresses on neither or both hosts
	TransA        int           // FIFO state changes after start-up
	TransB        int
	Load          string
	Err           error
}

func (bn *bench) soakRun(ctx context.Context, subj, peer daemon, plan faultPlan, progress io.Writer) soakResult {
	bn.trialNum++
	res := soakResult{Subject: subj.Name, Peer: peer.Name, N: plan.soakN, For: plan.soakFor, Load: loadAvg()}
	dir := filepath.Join(bn.dir, fmt.Sprintf("%03d-faults-soak-%s", bn.trialNum, subj.Name))
	ca := fleetConf{State: "MASTER", Priority: prioMaster, N: plan.soakN, Proto: soakProto, Ifaces: []string{"eth0"}}
	cb := ca
	cb.State, cb.Priority = "BACKUP", prioBackup
	fmt.Fprintf(progress, "faults soak %s: %d instances, %v, load %s\n", subj.Name, plan.soakN, plan.soakFor, res.Load)
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
	tick := time.NewTicker(plan.soakStep)
	defer tick.Stop()
	for len(res.States) == 0 || time.Since(t0) < plan.soakFor {
		st, err := s.state()
		if err != nil {
			res.Err = err
			return res
		}
		res.States = append(res.States, st)
		select {
		case <-ctx.Done():
			res.Err = ctx.Err()
			return res
		case <-s.pr.pa.Done():
			res.Err = fmt.Errorf("the subject exited during the soak: %s", tail(s.pr.pa.Output()))
			return res
		case <-tick.C:
		}
	}
	t1 := time.Now()
	if st, err := s.state(); err == nil {
		res.States = append(res.States, st)
	}
	res.Sent, res.Lost = s.ping.LostBetween(t0, t1.Add(-200*time.Millisecond))
	res.Win = s.samp.between(t0, t1)
	res.TransA, _ = s.fa.transitions(t0, t1)
	res.TransB, _ = s.fb.transitions(t0, t1)
	logSoak(progress, res)
	return res
}

func logSoak(w io.Writer, r soakResult) {
	fmt.Fprintf(w, "faults soak %s: lost %d/%d, gap %v, both %v, transitions a %d b %d\n",
		r.Subject, r.Lost, r.Sent, msRound(r.Win.Gap), msRound(r.Win.Both), r.TransA, r.TransB)
	for i, st := range r.States {
		fmt.Fprintf(w, "    %2d: %s\n", i, st)
	}
}
