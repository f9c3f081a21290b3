package main

import (
	"context"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"sort"
	"syscall"
	"time"

	"github.com/goalived/goalived/netif/nslab"
)

// options are the demo's settings.
type options struct {
	goalived string // path of the goalived binary
	quick    bool   // shorter pauses, for CI
	keep     bool   // keep the work directory (configs, logs)
	out      io.Writer
}

// result is what the demo measured.
type result struct {
	Failover     time.Duration // check failure -> VIP on b alone
	FailoverLost int           // pings lost during the failover phase
	FailoverGap  time.Duration // longest time between replies then
	Return       time.Duration // check restored -> VIP back on a alone
	ReturnLost   int
	ReturnGap    time.Duration
	Notify       []string // "a: INSTANCE VI_1 MASTER 100", in time order
}

// The demo's protocol settings (see conf.go): VRRPv2, advert_int 1.
const (
	advertInt = time.Second
	prioA     = 100 // node A, state MASTER
	prioB     = 80  // node B, state BACKUP
	weight    = 50  // chk_kinit's weight -50
	checkLag  = 2 * time.Second
)

var demoVIP = netip.MustParseAddr("192.0.2.100")

// masterDown is the VRRPv2 Master_Down_Interval of a backup of priority p
// (RFC 3768 6.1): 3 * Advertisement_Interval + (256 - p) / 256 s.
func masterDown(p int) time.Duration {
	return 3*advertInt + time.Duration(256-p)*time.Second/256
}

// demo is one run: the lab, the nodes and the timeline.
type demo struct {
	opt   options
	lab   *nslab.Lab
	tl    *timeline
	w     *watcher
	dir   string
	nodes map[string]nodeConf
	pause time.Duration // how long to let things settle between steps
}

// run builds the lab, plays the scenario and always cleans up, also when
// ctx is cancelled (Ctrl-C).
func run(ctx context.Context, opt options) (res result, err error) {
	d := &demo{opt: opt, tl: newTimeline(time.Now(), opt.out), pause: 2 * time.Second}
	if opt.quick {
		d.pause = 500 * time.Millisecond
	}
	defer func() {
		if cerr := d.cleanup(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	if err := d.setup(ctx); err != nil {
		return res, err
	}
	res, err = d.scenario(ctx)
	if err != nil && ctx.Err() == nil {
		d.showLogs()
	}
	return res, err
}

// showLogs prints the end of each goalived's output, to explain a failure.
func (d *demo) showLogs() {
	for _, r := range []string{"a", "b"} {
		b, err := os.ReadFile(d.nodes[r].logPath())
		if err != nil {
			continue
		}
		d.tl.show(fmt.Sprintf("last lines of goalived's output on %s:", r), lastLines(string(b), 15))
	}
}

func (d *demo) setup(ctx context.Context) error {
	lab, err := nslab.New("demo", "a", "b", "client")
	if err != nil {
		return err
	}
	d.lab = lab
	d.tl.now("lab up: namespaces gl-%s-{sw,a,b,client} on bridge br0, a=%v b=%v client=%v",
		lab.ID(), hostAddr(lab, "a"), hostAddr(lab, "b"), hostAddr(lab, "client"))
	d.dir, err = os.MkdirTemp("", "gl-demo-")
	if err != nil {
		return fmt.Errorf("create work directory: %w", err)
	}
	d.nodes = map[string]nodeConf{
		"a": {RouterID: "kdc_a", State: "MASTER", Priority: prioA, VIP: demoVIP.String(), Dir: filepath.Join(d.dir, "a")},
		"b": {RouterID: "kdc_b", State: "BACKUP", Priority: prioB, VIP: demoVIP.String(), Dir: filepath.Join(d.dir, "b")},
	}
	d.w = &watcher{tl: d.tl, vip: demoVIP, roles: []string{"a", "b"}, hasAddr: lab.HasAddr, status: map[string]string{}}
	for _, r := range []string{"a", "b"} {
		if err := d.startNode(r); err != nil {
			return err
		}
	}
	go d.w.run(ctx)
	return nil
}

func hostAddr(l *nslab.Lab, role string) netip.Addr {
	h, _ := l.Host(role)
	return h.Addr4
}

// startNode writes node r's files and starts goalived on it in the
// foreground (-n), logging to the console (-l) in detail (-D), its output
// kept in goalived.log.
func (d *demo) startNode(r string) error {
	n := d.nodes[r]
	if err := n.write(); err != nil {
		return err
	}
	log, err := os.Create(n.logPath())
	if err != nil {
		return fmt.Errorf("create %s: %w", n.logPath(), err)
	}
	p, err := d.lab.Start(r, log, d.opt.goalived, "-n", "-l", "-D", "-f", n.confPath(),
		"-p", filepath.Join(n.Dir, "goalived.pid"), "-r", filepath.Join(n.Dir, "vrrp.pid"),
		"--status-file", n.statusPath())
	if err != nil {
		log.Close()
		return err
	}
	go func() { <-p.Done(); log.Close() }()
	d.w.status[r] = n.statusPath()
	d.tl.now("goalived started on %s (pid %d): state %s, priority %d, check chk_kinit weight -%d",
		r, p.Pid(), n.State, n.Priority, weight)
	return nil
}

func (d *demo) cleanup() error {
	var err error
	if d.lab != nil {
		err = d.lab.Close()
		d.tl.now("cleaned up: goalived and ping stopped by pid, namespaces gl-%s-* deleted", d.lab.ID())
	}
	if d.dir != "" {
		if d.opt.keep {
			fmt.Fprintf(d.opt.out, "work directory kept: %s\n", d.dir)
		} else {
			os.RemoveAll(d.dir)
		}
	}
	return err
}

// startPing has the client ping the VIP every 100 ms until stopPing.
func (d *demo) startPing() (*nslab.Proc, error) {
	p, err := d.lab.Start("client", nil, "ping", "-n", "-D", "-i", "0.1", "-W", "1", demoVIP.String())
	if err != nil {
		return nil, err
	}
	d.tl.now("client pings %v every 100 ms (pid %d)", demoVIP, p.Pid())
	return p, nil
}

// stopPing interrupts ping so that it prints its summary, and parses it.
func (d *demo) stopPing(p *nslab.Proc) (pingStats, error) {
	if err := p.Signal(syscall.SIGINT); err != nil {
		return pingStats{}, err
	}
	_ = p.Wait(5 * time.Second) // ping exits 1 when replies were missing
	s, err := parsePing(p.Output())
	if err != nil {
		return s, err
	}
	d.tl.now("client ping stopped: %d sent, %d lost, longest gap between replies %v",
		s.Sent, s.Lost(), s.MaxGap().Round(time.Millisecond))
	return s, nil
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}

// notifyLines merges both nodes' notify.log lines in time order.
func (d *demo) notifyLines() ([]string, error) {
	type line struct {
		at   time.Time
		text string
	}
	var all []line
	for _, r := range []string{"a", "b"} {
		b, err := os.ReadFile(d.nodes[r].notifyLog())
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read notify log of %s: %w", r, err)
		}
		ls, err := parseNotifyLog(string(b))
		if err != nil {
			return nil, fmt.Errorf("notify log of %s: %w", r, err)
		}
		for _, l := range ls {
			all = append(all, line{l.At, fmt.Sprintf("[%7.3fs] %s: notify.sh %s", l.At.Sub(d.tl.start).Seconds(), r, l.Args)})
		}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].at.Before(all[j].at) })
	out := make([]string, len(all))
	for i, l := range all {
		out[i] = l.text
	}
	return out, nil
}
