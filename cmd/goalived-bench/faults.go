package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/pflag"
)

// faults is the fault matrix: each fault made to a pair whose master, on
// a, is the subject (goalived, then keepalived), with keepalived 2.2.7 as
// the backup on b and a client pinging the virtual address every 10 ms.
const faults scenario = "faults"

// faultKind is one fault of the matrix.
type faultKind string

const (
	faultStop      faultKind = "sigstop"     // SIGSTOP of the master's processes, SIGCONT after 5 s
	faultLink      faultKind = "link"        // the master's switch port down, then up
	faultPartition faultKind = "partition"   // a and b drop each other's packets, then not
	faultLoss      faultKind = "loss"        // both drop a share of the VRRP packets they receive
	faultNotify    faultKind = "notify-hang" // link down/up of a master whose notify script hangs
	faultCheck     faultKind = "check-hang"  // the master's check script starts to hang, then not
	faultFlood     faultKind = "flood"       // spoofed adverts onto the segment
	faultSoak      faultKind = "soak"        // many instances at advert_int 0.1 for minutes
)

var allFaults = []faultKind{faultStop, faultLink, faultPartition, faultLoss, faultNotify, faultCheck, faultFlood, faultSoak}

// faultPlan is the matrix's part of the flags.
type faultPlan struct {
	kinds    []faultKind
	subjects []string // daemon names; nil: every daemon given
	reps     int
	stopFor  time.Duration // sigstop: how long the master stays stopped
	hold     time.Duration // link, partition, notify-hang, check-hang: time from fault to heal
	lossFor  time.Duration // loss: how long it lasts
	lossPct  int
	floodN   int
	soakFor  time.Duration
	soakN    int
	soakStep time.Duration // soak: time between two readings of the daemon
}

type faultFlags struct{ kinds *[]string }

func addFaultFlags(fs *pflag.FlagSet, c *config) faultFlags {
	names := make([]string, len(allFaults))
	for i, k := range allFaults {
		names[i] = string(k)
	}
	v := faultFlags{kinds: fs.StringSlice("faults", names, "faults: which ones ("+strings.Join(names, ", ")+")")}
	p := &c.faults
	fs.StringSliceVar(&p.subjects, "fault-subjects", nil, "faults: the daemons made the subject (default: every daemon given; keepalived is always the peer)")
	fs.IntVar(&p.reps, "fault-reps", 5, "faults: repetitions of each fault")
	fs.DurationVar(&p.hold, "fault-hold", 5*time.Second, "faults: time from fault to heal (link, partition, notify-hang; check-hang 3 s more)")
	fs.DurationVar(&p.lossFor, "loss-window", 30*time.Second, "faults: how long each loss repetition lasts")
	fs.IntVar(&p.lossPct, "loss-percent", 20, "faults: share of the VRRP packets dropped at each host")
	fs.IntVar(&p.floodN, "flood-packets", 100000, "faults: spoofed adverts per flood")
	fs.DurationVar(&p.soakFor, "soak-duration", 10*time.Minute, "faults: soak length")
	fs.IntVar(&p.soakN, "soak-instances", 50, "faults: soak instances (VRRPv3 advert_int 0.1)")
	return v
}

// finishFaultFlags applies --quick (one repetition, 10 s of loss, a 30 s
// soak) and checks the ranges.
func finishFaultFlags(fs *pflag.FlagSet, c *config, v faultFlags, quick bool) error {
	p := &c.faults
	if quick && !fs.Changed("fault-reps") {
		p.reps = 1
	}
	if quick && !fs.Changed("loss-window") {
		p.lossFor = 10 * time.Second
	}
	if quick && !fs.Changed("soak-duration") {
		p.soakFor = 30 * time.Second
	}
	p.stopFor = 5 * time.Second
	p.soakStep = max(time.Second, p.soakFor/20)
	p.kinds = nil
	for _, n := range *v.kinds {
		if !slices.Contains(allFaults, faultKind(n)) {
			return fmt.Errorf("--faults: unknown fault %q", n)
		}
		p.kinds = append(p.kinds, faultKind(n))
	}
	switch {
	case len(p.kinds) == 0:
		return errors.New("--faults: none given")
	case p.reps < 1 || p.reps > 50:
		return fmt.Errorf("--fault-reps %d: want 1..50", p.reps)
	case p.hold < time.Second || p.lossFor < time.Second || p.soakFor < 10*time.Second:
		return errors.New("--fault-hold, --loss-window: at least 1s; --soak-duration at least 10s")
	case p.lossPct < 1 || p.lossPct > 100:
		return fmt.Errorf("--loss-percent %d: want 1..100", p.lossPct)
	case p.floodN < 1 || p.floodN > 10_000_000:
		return fmt.Errorf("--flood-packets %d: want 1..10000000", p.floodN)
	case p.soakN < 1 || p.soakN > maxFleetVRID:
		return fmt.Errorf("--soak-instances %d: want 1..%d", p.soakN, maxFleetVRID)
	}
	return nil
}

// faultResults are the matrix's results.
type faultResults struct {
	runs  []faultResult
	soaks []soakResult
}

// runFaults runs every fault with each subject at each protocol version
// (the subjects alternating which goes first), then the soak.
func (bn *bench) runFaults(ctx context.Context, c config, progress io.Writer) (faultResults, error) {
	var out faultResults
	peer, subjects, err := faultDaemons(c)
	if err != nil {
		return out, err
	}
	if _, err := bn.lab.Run("obs", "ip", "route", "replace", "198.51.100.0/24", "dev", "eth0"); err != nil {
		return out, fmt.Errorf("route to the virtual addresses from the client: %w", err)
	}
	fmt.Fprintf(progress, "faults: %v, %d repetition(s), peer %s, load %s\n", c.faults.kinds, c.faults.reps, peer.Name, loadAvg())
	for _, p := range c.protos {
		for i, k := range c.faults.kinds {
			if k == faultSoak {
				continue
			}
			for j := range subjects {
				d := subjects[(i+j)%len(subjects)]
				r := bn.faultRun(ctx, d, peer, k, p, c.faults, progress)
				if ctx.Err() != nil {
					return out, ctx.Err()
				}
				out.runs = append(out.runs, r)
			}
		}
	}
	if slices.Contains(c.faults.kinds, faultSoak) {
		for _, d := range subjects {
			s := bn.soakRun(ctx, d, peer, c.faults, progress)
			if ctx.Err() != nil {
				return out, ctx.Err()
			}
			out.soaks = append(out.soaks, s)
		}
	}
	return out, nil
}

// faultDaemons picks the peer (keepalived, which must be among the
// daemons) and the subjects (every daemon that runs the matrix).
func faultDaemons(c config) (peer daemon, subjects []daemon, err error) {
	all := c.daemonsFor(faults)
	i := slices.IndexFunc(all, func(d daemon) bool { return d.Name == "keepalived" })
	if i < 0 {
		return peer, nil, errors.New("--scenarios faults: keepalived 2.2.7 is the peer of every fault: add it to --daemons")
	}
	for _, d := range all {
		if c.faults.subjects == nil || slices.Contains(c.faults.subjects, d.Name) {
			subjects = append(subjects, d)
		}
	}
	if len(subjects) == 0 {
		return peer, nil, fmt.Errorf("--fault-subjects %v: none of them is among the daemons", c.faults.subjects)
	}
	return all[i], subjects, nil
}
