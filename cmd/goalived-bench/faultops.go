package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// faultOp is how one fault is made and healed, how long it is held, and
// how much longer than the protocol's own timers recovery may take.
type faultOp struct {
	apply   func(ctx context.Context, s *faultSession) (measure measureFunc, err error)
	heal    func(s *faultSession) error
	hold    time.Duration
	recover time.Duration
}

// measureFunc adds what a fault measures of its own to a repetition's
// result, from the fault (t0) and heal (th) times.
type measureFunc func(t0, th time.Time, r *repResult)

// hangScript never ends by itself: a loop of short sleeps, so that a
// killed script leaves no long-lived child, and its command line names
// the run's directory (daemonState.Scripts finds it by that).
const hangScript = "#!/bin/sh\nwhile :; do sleep 1; done\n"

// stampScript appends the time it ran to notified.log next to it.
const stampScript = "#!/bin/sh\ndate +%s.%N >>\"$(dirname \"$0\")/notified.log\"\n"

// checkHangScript succeeds until the flag file "hang" next to it exists,
// then hangs.
const checkHangScript = "#!/bin/sh\n[ -e \"$(dirname \"$0\")/hang\" ] || exit 0\nwhile :; do sleep 1; done\n"

// faultSetup returns the fault's operations and both configurations: a
// master of priority 150, b backup of 100, one instance.
func (bn *bench) faultSetup(k faultKind, p protocol, plan faultPlan, dir string) (faultOp, fleetConf, fleetConf, error) {
	ca := fleetConf{State: "MASTER", Priority: prioMaster, N: 1, Proto: p, Ifaces: []string{"eth0"}}
	cb := ca
	cb.State, cb.Priority = "BACKUP", prioBackup
	op := faultOp{hold: plan.hold}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return op, ca, cb, fmt.Errorf("create %s: %w", dir, err)
	}
	switch k {
	case faultStop:
		op.apply, op.heal, op.hold = stopDaemon, contDaemon, plan.stopFor
	case faultLink:
		op.apply, op.heal = portDown, portUp
	case faultNotify:
		hang, stamp := filepath.Join(dir, "notify.sh"), filepath.Join(dir, "notify-master.sh")
		op.apply, op.heal = notifyPortDown(filepath.Join(dir, "notified.log")), portUp
		ca.Extra = fmt.Sprintf("    notify %q\n    notify_master %q", hang, stamp)
		return op, ca, cb, errors.Join(writeScript(hang, hangScript), writeScript(stamp, stampScript))
	case faultPartition:
		op.apply, op.heal = netApply(bn.partitionFault(dir)), netHeal
	case faultLoss:
		op.apply, op.heal, op.hold = netApply(bn.lossFault(dir, plan.lossPct)), netHeal, plan.lossFor
	case faultCheck:
		// interval 1, fall 2, rise 2, timeout the interval: two hung runs
		// to fail, two good ones to recover.
		script, flag := filepath.Join(dir, "check.sh"), filepath.Join(dir, "hang")
		ca.Script = script
		op.hold, op.recover = plan.hold+3*time.Second, 3*time.Second
		op.apply = func(context.Context, *faultSession) (measureFunc, error) {
			return nil, os.WriteFile(flag, nil, 0o644)
		}
		op.heal = func(*faultSession) error { return os.Remove(flag) }
		return op, ca, cb, writeScript(script, checkHangScript)
	case faultFlood:
		op.apply, op.heal, op.hold = floodApply(p, plan.floodN), func(*faultSession) error { return nil }, 0
	default:
		return op, ca, cb, fmt.Errorf("fault %q: not a fault of one pair", k)
	}
	return op, ca, cb, nil
}

func writeScript(path, text string) error {
	if err := os.WriteFile(path, []byte(text), 0o755); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return os.Chmod(path, 0o755)
}

func stopDaemon(_ context.Context, s *faultSession) (measureFunc, error) {
	var err error
	s.stopped, err = s.signalDaemon(syscall.SIGSTOP)
	return nil, err
}

func contDaemon(s *faultSession) error {
	var errs []error
	for _, p := range s.stopped {
		if err := syscall.Kill(p, syscall.SIGCONT); err != nil {
			errs = append(errs, fmt.Errorf("continue %d: %w", p, err))
		}
	}
	s.stopped = nil
	return errors.Join(errs...)
}

func portDown(_ context.Context, s *faultSession) (measureFunc, error) {
	s.portDown = true
	return nil, s.bn.lab.SetPort("a", false)
}

// notifyPortDown is portDown with a note saying when a's notify_master
// script (stampScript, writing to log) ran after a became master again
// at the heal: a hanging notify script must not hold the next ones up.
func notifyPortDown(log string) func(context.Context, *faultSession) (measureFunc, error) {
	return func(ctx context.Context, s *faultSession) (measureFunc, error) {
		_, err := portDown(ctx, s)
		return func(_, th time.Time, r *repResult) {
			r.NotifyDelay = -1
			at, ok := s.fa.firstState("MASTER", th)
			if !ok {
				r.Note = "(no MASTER line from a after the heal)"
				return
			}
			ran, ok := firstStampAfter(log, at)
			if !ok {
				r.Note = fmt.Sprintf("(a's notify_master had not run %v after its MASTER line)", msRound(time.Since(at)))
				return
			}
			r.NotifyDelay = ran.Sub(at)
			r.Note = fmt.Sprintf("(a's notify_master ran %v after its MASTER line)", msRound(r.NotifyDelay))
		}, err
	}
}

// firstStampAfter returns the first time in log (seconds since the
// epoch, one a line) at or after t.
func firstStampAfter(log string, t time.Time) (time.Time, bool) {
	b, _ := os.ReadFile(log)
	for line := range strings.SplitSeq(string(b), "\n") {
		f, err := strconv.ParseFloat(strings.TrimSpace(line), 64)
		if err != nil {
			continue
		}
		at := time.Unix(0, int64(f*1e9))
		// The script's clock reading is taken after its start: allow
		// for the FIFO line being read a little after a's transition.
		if at.After(t.Add(-100 * time.Millisecond)) {
			return at, true
		}
	}
	return time.Time{}, false
}

// portUp brings a's port up; until it has, close tries again.
func portUp(s *faultSession) error {
	if err := s.bn.lab.SetPort("a", true); err != nil {
		return err
	}
	s.portDown = false
	return nil
}

func netApply(f netFault) func(context.Context, *faultSession) (measureFunc, error) {
	return func(_ context.Context, s *faultSession) (measureFunc, error) {
		s.net = &f
		return nil, f.apply()
	}
}

// netHeal removes the network fault; until it has, close tries again.
func netHeal(s *faultSession) error {
	if err := s.net.heal(); err != nil {
		return err
	}
	s.net = nil
	return nil
}

// floodApply sends the flood; its note gives the rate, the master's
// answers and its longest silence on the wire while the flood lasted.
func floodApply(p protocol, n int) func(context.Context, *faultSession) (measureFunc, error) {
	return func(_ context.Context, s *faultSession) (measureFunc, error) {
		took, failed, err := s.bn.flood(p, 1, s.pr.vips[0], n)
		if err != nil {
			return nil, err
		}
		return func(t0, th time.Time, r *repResult) {
			fs, err := s.bn.cap.since(t0)
			if err != nil {
				r.Note = err.Error()
				return
			}
			r.Adverts = countBetween(fs, s.bn.a.Addr4, 1, t0, th.Add(time.Second))
			r.Silence, _ = silences(fs, s.bn.a.Addr4, 1, t0, th, p.AdvertInt)
			r.Note = fmt.Sprintf("(%d sent in %v, %d failed; a sent %d adverts in the flood and the second after, longest silence %v)",
				n-failed, msRound(took), failed, r.Adverts, msRound(r.Silence))
		}, nil
	}
}
