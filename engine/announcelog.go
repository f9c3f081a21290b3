package engine

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/goalived/goalived/engine/kalog"
	"github.com/goalived/goalived/vrrp"
)

// loggedAnnouncer is an instance's Announcer output with keepalived
// 2.2.7's -D lines: "(VI_1) Sending/queueing gratuitous ARPs on eth0 for
// 192.0.2.100" for each VIP of a burst, then "Sending gratuitous ARP on
// eth0 for 192.0.2.100" for each packet (IPv6: "Unsolicited Neighbour
// Adverts", "unsolicited Neighbour Advert"). The packet lines are written
// once the burst has left (goalived's announcer paces the packets), and
// not for a burst that failed (its error is reported instead).
type loggedAnnouncer struct {
	e  *Engine
	in *instance
}

func (a loggedAnnouncer) Announce(rounds int) error {
	log := a.e.log.With("instance", a.in.conf().Name)
	if !log.Enabled(context.Background(), kalog.LevelDetail) || a.in.vi.State() != vrrp.StateMaster {
		return a.in.ann.Announce(rounds)
	}
	name := a.in.conf().Name
	var queued, sent []string
	for _, d := range byDevice(a.in.vips.current().addrs) {
		for _, ip := range d.addrs {
			kind := "gratuitous ARPs"
			if ip.Is6() {
				kind = "Unsolicited Neighbour Adverts"
			}
			queued = append(queued, fmt.Sprintf("(%s) Sending/queueing %s on %s for %v", name, kind, d.dev, ip))
		}
		for range rounds {
			for _, ip := range d.addrs {
				line := fmt.Sprintf("Sending gratuitous ARP on %s for %v", d.dev, ip)
				if ip.Is6() {
					line = fmt.Sprintf("Sending unsolicited Neighbour Advert on %s for %v", d.dev, ip)
				}
				sent = append(sent, line)
			}
		}
	}
	a.in.status.detail(log, queued)
	err := a.in.ann.Announce(rounds)
	if err == nil {
		a.in.status.detail(log, sent)
	}
	return err
}

// maxHeldLines bounds the announcement lines held for a transition not
// yet written.
const maxHeldLines = 1024

// detail writes detail lines about the instance, or holds them while the
// instance is MASTER and its transition to MASTER is not written yet:
// the first burst goes out before the engine hears of the transition,
// and keepalived writes "Entering MASTER STATE" before the burst's lines.
func (c *statusCell) detail(log *slog.Logger, lines []string) {
	c.mu.Lock()
	if c.live.State != vrrp.StateMaster {
		n := min(len(lines), maxHeldLines-len(c.held))
		c.held = append(c.held, lines[:max(n, 0)]...)
		c.heldLog = log
		c.mu.Unlock()
		return
	}
	c.mu.Unlock()
	for _, l := range lines {
		log.Log(context.Background(), kalog.LevelDetail, l)
	}
}

// releaseHeld writes the lines held until the transition to MASTER was
// written, or drops them when the instance left MASTER before.
func (c *statusCell) releaseHeld(to vrrp.State) {
	c.mu.Lock()
	held, log := c.held, c.heldLog
	c.held, c.heldLog = nil, nil
	c.mu.Unlock()
	if to != vrrp.StateMaster {
		return
	}
	for _, l := range held {
		log.Log(context.Background(), kalog.LevelDetail, l)
	}
}
