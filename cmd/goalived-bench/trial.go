package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/goalived/goalived/netif/nslab"
)

// scenario is how the master is made to go away.
type scenario string

const (
	crash    scenario = "crash"    // its switch port is cut
	graceful scenario = "graceful" // SIGTERM: it sends priority 0 and leaves
	check    scenario = "check"    // its health check starts failing
)

// Priorities: the backup's is fixed at 100 so that the RFC bound is known.
const (
	prioMaster      = 150
	prioCheckMaster = 120 // 120-50 = 70 < 100: a failed check hands over
	prioBackup      = 100
	checkInterval   = time.Second
	checkFall       = 2
)

var benchVIP = netip.MustParseAddr("192.0.2.200")

// sample is one trial's measurements.
type sample struct {
	Advert time.Duration // reference event -> backup's first advert
	GARP   time.Duration // reference event -> backup's first gratuitous ARP
	// Lower (check): the master's first advert of a priority below the
	// backup's -> the backup's first advert.
	Lower time.Duration
}

// bench owns the lab, the capture and the work directory.
type bench struct {
	lab      *nslab.Lab
	cap      *capture   // the observer's eth0
	extra    []*capture // its eth1.., once ensureIfaces made them
	a, b     nslab.Host
	dir      string
	trialNum int
	retries  map[string]int // daemon -> trials re-run after a failed start-up
}

// errStartup marks a trial that failed before its trigger: the pair never
// reached the state the measurement starts from.
var errStartup = errors.New("start-up")

// trial runs one failover of scenario s with daemon d and protocol p. A
// trial whose start-up failed is run once more (and said so on
// progress): the measurement starts after start-up, and on a loaded
// machine a start-up can miss its deadline.
func (bn *bench) trial(ctx context.Context, d daemon, s scenario, p protocol, progress io.Writer) (sample, error) {
	res, err := bn.trialOnce(ctx, d, s, p)
	if errors.Is(err, errStartup) && ctx.Err() == nil {
		fmt.Fprintf(progress, "%s %s v%d: retrying once after a failed start-up: %v\n", d.Name, s, p.Version, err)
		if bn.retries == nil {
			bn.retries = map[string]int{}
		}
		bn.retries[d.Name]++
		res, err = bn.trialOnce(ctx, d, s, p)
	}
	return res, err
}

func (bn *bench) trialOnce(ctx context.Context, d daemon, s scenario, p protocol) (sample, error) {
	bn.trialNum++
	dir := filepath.Join(bn.dir, fmt.Sprintf("%03d-%s-%s-v%d", bn.trialNum, d.Name, s, p.Version))
	vrid := 1 + bn.trialNum%250 // a fresh VRID: no frame of an earlier trial can count
	t := &trialRun{bn: bn, d: d, s: s, p: p, dir: dir, vrid: vrid}
	defer t.stop()
	res, err := t.run(ctx)
	if err != nil {
		return res, fmt.Errorf("%s %s v%d trial %d (%s): %w", d.Name, s, p.Version, bn.trialNum, dir, err)
	}
	return res, nil
}

type trialRun struct {
	bn     *bench
	d      daemon
	s      scenario
	p      protocol
	dir    string
	vrid   int
	flag   string
	pa, pb *nslab.Proc
	cut    bool
}

func (t *trialRun) run(ctx context.Context) (sample, error) {
	if err := t.startRouters(ctx); err != nil {
		return sample{}, fmt.Errorf("%w: %w", errStartup, err)
	}
	t0, err := t.trigger()
	if err != nil {
		return sample{}, err
	}
	within := t.p.masterDown(prioBackup) + 3*time.Second
	if t.s == check {
		within += checkFall * checkInterval
	}
	var first, garp frame
	err = t.waitFrames(ctx, t0, within, "the backup's first advert and gratuitous ARP", func(fs []frame) bool {
		var ok1, ok2 bool
		first, ok1 = firstFrom(fs, kindAdvert, t.bn.b.Addr4, t.bn.b.MAC.String(), t.vrid)
		garp, ok2 = firstFrom(fs, kindGARP, benchVIP, t.bn.b.MAC.String(), 0)
		return ok1 && ok2
	})
	if err != nil {
		return sample{}, err
	}
	return t.measure(t0, first, garp)
}

// measure turns the frames into durations from the reference event: the
// master's last advert (crash, graceful) or the check's failure and the
// master's first lower-priority advert (check).
func (t *trialRun) measure(t0 time.Time, first, garp frame) (sample, error) {
	fs, err := t.bn.cap.since(t0.Add(-2 * t.p.AdvertInt))
	if err != nil {
		return sample{}, err
	}
	if t.s == check {
		low, ok := firstBelow(fs, t.bn.a.Addr4, t.vrid, prioBackup, t0, first.At)
		if !ok {
			return sample{}, fmt.Errorf("no advert of a priority below %d from the master %v before the backup's first", prioBackup, t.bn.a.Addr4)
		}
		return sample{Advert: first.At.Sub(t0), GARP: garp.At.Sub(t0), Lower: first.At.Sub(low.At)}, nil
	}
	last, ok := lastFromBefore(fs, t.bn.a.Addr4, t.vrid, first.At)
	if !ok {
		return sample{}, fmt.Errorf("no advert from the master %v in the %v before the trigger", t.bn.a.Addr4, 2*t.p.AdvertInt)
	}
	if t.s == graceful && last.Prio != 0 {
		return sample{}, fmt.Errorf("the master's last advert has priority %d, want the priority 0 of a graceful stop", last.Prio)
	}
	return sample{Advert: first.At.Sub(last.At), GARP: garp.At.Sub(last.At)}, nil
}

// startRouters starts the master and waits for its adverts, then the
// backup, and waits until the backup has surely heard the master since
// it started (it would have taken over otherwise).
func (t *trialRun) startRouters(ctx context.Context) error {
	ca, cb, err := t.confs()
	if err != nil {
		return err
	}
	start := time.Now()
	if t.pa, err = t.startRouter("a", ca); err != nil {
		return err
	}
	if err := t.waitFrames(ctx, start, t.p.masterDown(ca.Priority)+5*time.Second, "the master's first advert", func(fs []frame) bool {
		_, ok := firstFrom(fs, kindAdvert, t.bn.a.Addr4, "", t.vrid)
		return ok
	}); err != nil {
		return err
	}
	bStart := time.Now()
	if t.pb, err = t.startRouter("b", cb); err != nil {
		return err
	}
	settle := max(1500*time.Millisecond, 2*t.p.AdvertInt+500*time.Millisecond)
	if t.s == check {
		settle += checkInterval // the check's first runs
	}
	if err := sleep(ctx, settle); err != nil {
		return err
	}
	return t.checkBackupListens(bStart, settle)
}

// confs returns the master's and the backup's configuration; with the
// check scenario the master tracks a check script written for it.
func (t *trialRun) confs() (master, backup routerConf, err error) {
	if err := os.MkdirAll(t.dir, 0o755); err != nil {
		return master, backup, fmt.Errorf("create %s: %w", t.dir, err)
	}
	master = routerConf{State: "MASTER", Priority: prioMaster, VRID: t.vrid, Proto: t.p, VIP: benchVIP.String()}
	backup = routerConf{State: "BACKUP", Priority: prioBackup, VRID: t.vrid, Proto: t.p, VIP: benchVIP.String()}
	if t.s == check {
		script, flag, err := writeCheck(t.dir)
		if err != nil {
			return master, backup, err
		}
		master.Priority, master.Check, t.flag = prioCheckMaster, script, flag
	}
	return master, backup, nil
}

// checkBackupListens fails the trial when the backup took over during
// its start-up or the master fell silent in the second half of it.
func (t *trialRun) checkBackupListens(bStart time.Time, settle time.Duration) error {
	fs, err := t.bn.cap.since(bStart)
	if err != nil {
		return err
	}
	if f, ok := firstFrom(fs, kindAdvert, t.bn.b.Addr4, "", t.vrid); ok {
		n, gap := advertGaps(fs, t.bn.a.Addr4, t.vrid, f.At.Add(-time.Second), f.At)
		return fmt.Errorf("the backup advertised (priority %d) %v after its start: it did not hear the master "+
			"(the observer saw %d master adverts in the second before, longest gap %v)", f.Prio, f.At.Sub(bStart), n, gap)
	}
	// The second half of settle is longer than one advert interval: the
	// backup, up by then, has heard the master at least once.
	if n := countFrom(fs, t.bn.a.Addr4, t.vrid, bStart.Add(settle/2)); n < 1 {
		return fmt.Errorf("no advert from the master in the second half of the backup's %v start-up", settle)
	}
	return nil
}

func (t *trialRun) startRouter(role string, c routerConf) (*nslab.Proc, error) {
	text, err := c.render()
	if err != nil {
		return nil, err
	}
	return t.bn.startDaemon(t.d, filepath.Join(t.dir, role), role, text, nil)
}

// trigger makes the master go away and returns when it did so.
func (t *trialRun) trigger() (time.Time, error) {
	t0 := time.Now()
	switch t.s {
	case crash:
		t.cut = true
		return t0, t.bn.lab.SetPort("a", false)
	case graceful:
		return t0, t.pa.Signal(syscall.SIGTERM)
	case check:
		if err := os.WriteFile(t.flag, nil, 0o644); err != nil {
			return t0, fmt.Errorf("make the check fail: %w", err)
		}
		return t0, nil
	}
	return t0, fmt.Errorf("unknown scenario %q", t.s)
}

// stop ends both daemons and reconnects the master's cable.
func (t *trialRun) stop() {
	stopAll(t.pa, t.pb)
	if t.cut {
		_ = t.bn.lab.SetPort("a", true)
	}
	t.bn.cap.forget(time.Now().Add(-time.Second))
}

// waitFrames polls the capture every 5 ms until cond holds for the frames
// received since from.
func (t *trialRun) waitFrames(ctx context.Context, from time.Time, within time.Duration, what string, cond func([]frame) bool) error {
	deadline := time.Now().Add(within)
	for {
		fs, err := t.bn.cap.since(from)
		if err != nil {
			return err
		}
		if cond(fs) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("wait for %s: not seen within %v", what, within)
		}
		if err := sleep(ctx, 5*time.Millisecond); err != nil {
			return err
		}
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}
