package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"path/filepath"
	"regexp"
	"sync"
	"time"

	"github.com/vishvananda/netlink"

	"github.com/goalived/goalived/netif/nslab"
)

// pairRun is one daemon on host a and one on host b, each with a fleet
// config, their output kept line by line with the time it arrived.
type pairRun struct {
	pa, pb *nslab.Proc
	la, lb *lineLog
	vips   []netip.Addr
	keys   []instKey // the instances on the wire
	// missing is how many virtual addresses a, master of every
	// instance, never added (tolerated by startPair's caller).
	missing int
}

// startPair writes both configs into dir, starts a then b, and waits
// until a holds every virtual address and b none, and still does one
// check later (b has heard a by then, or it would have taken over).
// With tolerate, a master of every instance (adverts of all VRIDs on the
// wire, b holding nothing) that failed to add some addresses is accepted
// and the shortfall kept in missing.
func (bn *bench) startPair(ctx context.Context, d daemon, dir string, ca, cb fleetConf, tolerate bool) (*pairRun, error) {
	return bn.startPairOf(ctx, d, d, dir, ca, cb, tolerate)
}

// startPairOf is startPair with daemon da on a and db on b.
func (bn *bench) startPairOf(ctx context.Context, da, db daemon, dir string, ca, cb fleetConf, tolerate bool) (*pairRun, error) {
	return bn.startPairWith(ctx, da, db, dir, ca, cb, tolerate, false)
}

// startPairStaggered is startPair with b started only once a holds every
// virtual address: a steady pair to measure, without the start-up race
// of two daemons becoming master together (keepalived's b, ready seconds
// before its a with 1000 instances, took over hundreds of them and kept
// them past the wait).
func (bn *bench) startPairStaggered(ctx context.Context, d daemon, dir string, ca, cb fleetConf, tolerate bool) (*pairRun, error) {
	return bn.startPairWith(ctx, d, d, dir, ca, cb, tolerate, true)
}

func (bn *bench) startPairWith(ctx context.Context, da, db daemon, dir string, ca, cb fleetConf, tolerate, staggered bool) (*pairRun, error) {
	insts, err := ca.instances()
	if err != nil {
		return nil, err
	}
	pr := &pairRun{la: &lineLog{}, lb: &lineLog{}}
	for _, in := range insts {
		pr.vips = append(pr.vips, in.VIP)
	}
	pr.keys = keysOf(insts)
	if err := bn.clearVIPs(pr.vips); err != nil {
		return pr, err
	}
	if pr.pa, err = bn.startFleet(da, filepath.Join(dir, "a"), "a", ca, pr.la); err != nil {
		return pr, err
	}
	startB := func() error {
		pr.pb, err = bn.startFleet(db, filepath.Join(dir, "b"), "b", cb, pr.lb)
		return err
	}
	bStart := time.Now()
	if !staggered {
		if err := startB(); err != nil {
			return pr, err
		}
	}
	// a takes over within its own Master_Down_Interval at most, once it
	// has started its instances (keepalived takes seconds for a thousand).
	within := ca.Proto.masterDown(ca.Priority) + 10*time.Second + time.Duration(ca.N)*20*time.Millisecond
	if err := bn.waitVIPs(ctx, pr, within); err != nil {
		if !tolerate || ctx.Err() != nil {
			return pr, err
		}
		if pr.missing, err = bn.masterOfAll(pr, err); err != nil {
			return pr, err
		}
	}
	if staggered {
		bStart = time.Now()
		if err := startB(); err != nil {
			return pr, err
		}
	}
	// A b that did not hear a would take over after its
	// Master_Down_Interval: past it, "none on b" means b hears a.
	if err := sleep(ctx, time.Until(bStart.Add(cb.Proto.masterDown(cb.Priority)+500*time.Millisecond))); err != nil {
		return pr, err
	}
	if na, nb, err := bn.countVIPs(pr.vips); err != nil || na != len(pr.vips)-pr.missing || nb != 0 {
		return pr, fmt.Errorf("%w: after convergence: a holds %d, b %d of the %d virtual addresses, want %d on a (%v)",
			errStartup, na, nb, len(pr.vips), len(pr.vips)-pr.missing, err)
	}
	return pr, nil
}

// masterOfAll accepts a pair whose a holds only some addresses when the
// observer saw a advertise every instance in the last two seconds and b
// holds none; it returns how many addresses a lacks, or waitErr.
func (bn *bench) masterOfAll(pr *pairRun, waitErr error) (int, error) {
	na, nb, err := bn.countVIPs(pr.vips)
	if err != nil || nb != 0 {
		return 0, waitErr
	}
	now := time.Now()
	fs, err := bn.framesSince(now.Add(-2 * time.Second))
	if err != nil {
		return 0, err
	}
	heard := map[instKey]bool{}
	for _, f := range fs {
		if f.Kind == kindAdvert && f.SrcIP == bn.a.Addr4 && f.Prio > 0 {
			heard[instKey{f.Iface, f.VRID}] = true
		}
	}
	for _, k := range pr.keys {
		if !heard[k] {
			return 0, fmt.Errorf("%w (and no advert of VRID %d on %s from a in the last 2 s)", waitErr, k.VRID, k.Iface)
		}
	}
	return len(pr.vips) - na, nil
}

func (bn *bench) startFleet(d daemon, dir, role string, c fleetConf, ll *lineLog) (*nslab.Proc, error) {
	text, err := c.render()
	if err != nil {
		return nil, err
	}
	return bn.startDaemon(d, dir, role, text, ll)
}

// waitVIPs polls every 100 ms until a holds all of the pair's addresses
// and b none.
func (bn *bench) waitVIPs(ctx context.Context, pr *pairRun, within time.Duration) error {
	deadline := time.Now().Add(within)
	for {
		na, nb, err := bn.countVIPs(pr.vips)
		if err == nil && na == len(pr.vips) && nb == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%w: wait for all %d virtual addresses on a and none on b: a has %d, b %d after %v%s",
				errStartup, len(pr.vips), na, nb, within, errSuffix(err))
		}
		if err := sleep(ctx, 100*time.Millisecond); err != nil {
			return err
		}
	}
}

// countVIPs counts how many of vips host a and host b hold.
func (bn *bench) countVIPs(vips []netip.Addr) (na, nb int, err error) {
	aa, err := bn.addrs("a")
	if err != nil {
		return 0, 0, err
	}
	ab, err := bn.addrs("b")
	if err != nil {
		return 0, 0, err
	}
	for _, v := range vips {
		if aa[v] {
			na++
		}
		if ab[v] {
			nb++
		}
	}
	return na, nb, nil
}

// addrs lists the addresses of a host through a netlink socket opened in
// its namespace once and kept: cheap enough to poll every 10 ms.
func (bn *bench) addrs(role string) (map[netip.Addr]bool, error) {
	h, err := bn.handle(role)
	if err != nil {
		return nil, err
	}
	// A dump that raced an address change (daemons adding and removing
	// VIPs) comes back marked interrupted: it is asked again.
	var list []netlink.Addr
	for try := 0; ; try++ {
		list, err = h.AddrList(nil, netlink.FAMILY_V4)
		if err == nil || !errors.Is(err, netlink.ErrDumpInterrupted) || try == 20 {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("list addresses of %s: %w", role, err)
	}
	out := make(map[netip.Addr]bool, len(list))
	for _, x := range list {
		if a, ok := netip.AddrFromSlice(x.IP); ok {
			out[a.Unmap()] = true
		}
	}
	return out, nil
}

func (bn *bench) handle(role string) (*netlink.Handle, error) { return bn.lab.Handle(role) }

// stop ends both daemons at once.
func (pr *pairRun) stop() { stopAll(pr.pa, pr.pb) }

// lineLog keeps a daemon's output as lines stamped on arrival.
type lineLog struct {
	mu    sync.Mutex
	part  []byte
	lines []stampedLine
}

type stampedLine struct {
	At   time.Time
	Text string
}

func (l *lineLog) Write(p []byte) (int, error) {
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.part = append(l.part, p...)
	for {
		i := bytes.IndexByte(l.part, '\n')
		if i < 0 {
			break
		}
		l.lines = append(l.lines, stampedLine{At: now, Text: string(l.part[:i])})
		l.part = l.part[i+1:]
	}
	return len(p), nil
}

// between returns the lines that arrived in [from, to).
func (l *lineLog) between(from, to time.Time) []stampedLine {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []stampedLine
	for _, s := range l.lines {
		if !s.At.Before(from) && s.At.Before(to) {
			out = append(out, s)
		}
	}
	return out
}

// Transition log lines: "(VI_1) Entering X STATE", keepalived's and
// goalived's (in its text and JSON formats the message).
var transitionLine = regexp.MustCompile(`Entering ([A-Z]+) STATE`)

// transitionTo reports the state a log line of either daemon says an
// instance entered.
func transitionTo(line string) (string, bool) {
	if m := transitionLine.FindStringSubmatch(line); m != nil {
		return m[1], true
	}
	return "", false
}

// countTransitions counts the transition lines among lines.
func countTransitions(lines []stampedLine) (n int, examples []string) {
	for _, l := range lines {
		if _, ok := transitionTo(l.Text); ok {
			n++
			if len(examples) < 3 {
				examples = append(examples, l.Text)
			}
		}
	}
	return n, examples
}

// clearVIPs deletes virtual addresses an earlier trial's daemon left on
// a or b (one killed before it could remove them), on whichever
// interface, so that they cannot pass for this trial's.
func (bn *bench) clearVIPs(vips []netip.Addr) error {
	want := map[netip.Addr]bool{}
	for _, v := range vips {
		want[v] = true
	}
	for _, role := range []string{"a", "b"} {
		h, err := bn.handle(role)
		if err != nil {
			return err
		}
		list, err := h.AddrList(nil, netlink.FAMILY_V4)
		if err != nil {
			return fmt.Errorf("list addresses of %s: %w", role, err)
		}
		for _, x := range list {
			a, ok := netip.AddrFromSlice(x.IP)
			if !ok || !want[a.Unmap()] {
				continue
			}
			link, err := h.LinkByIndex(x.LinkIndex)
			if err != nil {
				return fmt.Errorf("find link %d of %s: %w", x.LinkIndex, role, err)
			}
			if err := h.AddrDel(link, &netlink.Addr{IPNet: x.IPNet}); err != nil {
				return fmt.Errorf("delete leftover %v from %s: %w", a, role, err)
			}
		}
	}
	return nil
}

func netipNet(a netip.Addr) *net.IPNet {
	return &net.IPNet{IP: a.AsSlice(), Mask: net.CIDRMask(a.BitLen(), a.BitLen())}
}

// errSuffix is ": err" for a non-nil err, else "".
func errSuffix(err error) string {
	if err == nil {
		return ""
	}
	return ": " + err.Error()
}
