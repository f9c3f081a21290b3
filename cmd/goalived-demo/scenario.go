package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"
)

// startMargin and moveMargin are added to the protocol's own timers when
// waiting: process start-up, the 1 s check runs, a loaded machine.
const (
	startMargin = 5 * time.Second
	moveMargin  = 3 * time.Second
)

// scenario plays the story: election, a's check fails (VIP to b while
// the client pings), a's check recovers (VIP back to a: preemption).
func (d *demo) scenario(ctx context.Context) (result, error) {
	var res result
	if err := d.elect(ctx); err != nil {
		return res, err
	}
	var err error
	res.Failover, res.FailoverLost, res.FailoverGap, err = d.move(ctx, "b", "a's check fails (flag file created: chk.sh now exits 1)",
		func() error { return os.WriteFile(d.nodes["a"].flagPath(), nil, 0o644) })
	if err != nil {
		return res, err
	}
	d.showStatus()
	if err := d.showNotify(&res); err != nil {
		return res, err
	}
	res.Return, res.ReturnLost, res.ReturnGap, err = d.move(ctx, "a", "a's check recovers (flag file removed)",
		func() error { return os.Remove(d.nodes["a"].flagPath()) })
	if err != nil {
		return res, err
	}
	if err := d.showNotify(&res); err != nil {
		return res, err
	}
	d.summary(res)
	return res, nil
}

// elect waits for a to win the first election and b to be its backup.
func (d *demo) elect(ctx context.Context) error {
	if _, err := d.w.wait(ctx, masterDown(prioA)+startMargin, "a to hold the VIP alone", soleHolder("a")); err != nil {
		return err
	}
	states := func(s snapshot) bool { return s.Status["a"].State == "MASTER" && s.Status["b"].State == "BACKUP" }
	if _, err := d.w.wait(ctx, startMargin, "a MASTER and b BACKUP in the status files", states); err != nil {
		return err
	}
	d.showStatus()
	return nil
}

// move pings the VIP, triggers a change and measures how long the VIP
// takes to be on router to alone, and what the client lost meanwhile.
func (d *demo) move(ctx context.Context, to, what string, trigger func() error) (took time.Duration, lost int, gap time.Duration, err error) {
	ping, err := d.startPing()
	if err != nil {
		return 0, 0, 0, err
	}
	if err := sleep(ctx, d.pause); err != nil {
		return 0, 0, 0, err
	}
	if err := trigger(); err != nil {
		return 0, 0, 0, fmt.Errorf("%s: %w", what, err)
	}
	t0 := time.Now()
	d.tl.add(t0, "%s", what)
	// fall (or rise) 2 runs of a 1 s check, then the backup's
	// Master_Down_Interval (it discards the lower-priority adverts).
	within := checkLag + masterDown(prioB) + moveMargin
	at, err := d.w.wait(ctx, within, "the VIP to be on "+to+" alone", soleHolder(to))
	if err != nil {
		return 0, 0, 0, err
	}
	took = at.Sub(t0)
	d.tl.add(at, "VIP on %s alone, %v after the check %s", to, took.Round(time.Millisecond), map[string]string{"b": "failed", "a": "recovered"}[to])
	// Long enough for the client to see the VIP through the new MAC.
	if err := sleep(ctx, d.pause+time.Second); err != nil {
		return 0, 0, 0, err
	}
	st, err := d.stopPing(ping)
	if err != nil {
		return 0, 0, 0, err
	}
	d.showNeighbour()
	return took, st.Lost(), st.MaxGap(), nil
}

// showNeighbour prints the client's ARP entry for the VIP (the operator's
// "arp -n | grep VIP") and whose MAC it is: the new master's gratuitous
// ARP is what moved it.
func (d *demo) showNeighbour() {
	out, err := d.lab.Run("client", "ip", "neigh", "show", demoVIP.String(), "dev", "eth0")
	if err != nil {
		d.tl.now("client's ARP entry for %v: %v", demoVIP, err)
		return
	}
	mac := lladdr(out)
	owner := "no router"
	for _, h := range d.lab.Hosts() {
		if h.MAC.String() == mac {
			owner = h.Role
		}
	}
	d.tl.now("client's ARP entry for %v: %s (%s's MAC)", demoVIP, mac, owner)
}

// lladdr extracts the MAC from one line of "ip neigh show".
func lladdr(line string) string {
	f := strings.Fields(line)
	for i := 0; i+1 < len(f); i++ {
		if f[i] == "lladdr" {
			return f[i+1]
		}
	}
	return "none"
}

func (d *demo) showStatus() {
	for _, r := range []string{"a", "b"} {
		b, err := os.ReadFile(d.nodes[r].statusPath())
		text := string(b)
		if err != nil {
			text = err.Error()
		}
		d.tl.show(fmt.Sprintf("status file of %s (%s):", r, d.nodes[r].statusPath()), text)
	}
}

// showNotify prints the notify lines not shown yet.
func (d *demo) showNotify(res *result) error {
	lines, err := d.notifyLines()
	if err != nil {
		return err
	}
	if len(lines) > len(res.Notify) {
		d.tl.show("notify.sh calls (TYPE NAME STATE PRIORITY) so far:", joinLines(lines[len(res.Notify):]))
	}
	res.Notify = lines
	return nil
}

func joinLines(ls []string) string {
	s := ""
	for _, l := range ls {
		s += l + "\n"
	}
	return s
}

func (d *demo) summary(res result) {
	fmt.Fprintf(d.opt.out, `
summary (VRRPv2, advert_int 1, check interval 1 fall 2 rise 2 weight -50):
  failover  a's check fails -> VIP on b:   %v (up to 2 s of check runs + b's Master_Down_Interval %v)
            client: %d of its 100 ms pings lost, longest gap between replies %v
  return    a's check recovers -> VIP on a: %v (up to 2 s of check runs + a's Master_Down_Interval %v)
            client: %d pings lost, longest gap between replies %v
`, res.Failover.Round(time.Millisecond), masterDown(prioB).Round(time.Millisecond),
		res.FailoverLost, res.FailoverGap.Round(time.Millisecond),
		res.Return.Round(time.Millisecond), masterDown(prioA).Round(time.Millisecond),
		res.ReturnLost, res.ReturnGap.Round(time.Millisecond))
}
