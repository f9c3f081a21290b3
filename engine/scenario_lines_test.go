package engine_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/goalived/goalived/engine"
	"github.com/goalived/goalived/vrrp"
	"github.com/goalived/goalived/vrrp/vrrptest"
)

// messages are the messages of the node's log lines, in order.
func (n *node) messages() []string {
	var out []string
	for _, line := range strings.Split(n.log.String(), "\n") {
		_, rest, ok := strings.Cut(line, ` msg="`)
		if !ok {
			_, rest, ok = strings.Cut(line, ` msg=`)
			if !ok {
				continue
			}
			rest, _, _ = strings.Cut(rest, " ")
			out = append(out, rest)
			continue
		}
		msg, _, _ := strings.Cut(rest, `"`)
		out = append(out, msg)
	}
	return out
}

// TestKeepalivedLines: a router's lines, with -D, through its start as
// backup of a lower-priority master, its preemption, and its stop as
// master (the old master, now backup, stopped first and sent nothing), as
// keepalived 2.2.7 writes them (the lines of cmd/goalived's
// TestIntegrationLogsMatchKeepalived, here without root and exactly).
func TestKeepalivedLines(t *testing.T) {
	onSegment(t, func(t *testing.T, seg *vrrptest.Segment) {
		a := newNode(t, seg, "192.0.2.1/24")
		b := newNode(t, seg, "192.0.2.2/24")
		a.start(instance("VI_1", 51, 100, "192.0.2.100/32"), engine.Options{})
		wait(5 * time.Second)
		a.wantState("VI_1", vrrp.StateMaster)
		b.start(instance("VI_1", 51, 120, "192.0.2.100/32"), engine.Options{})
		wait(5 * time.Second)
		b.wantState("VI_1", vrrp.StateMaster)
		a.eng.Close()
		wait(time.Second)
		b.eng.Close()
		arp := "Sending gratuitous ARP on eth0 for 192.0.2.100"
		want := []string{ // b's
			"Registering Kernel netlink reflector",
			"Registering Kernel netlink command channel",
			"Assigned address 192.0.2.2 for interface eth0",
			"Registering gratuitous ARP shared channel",
			"(VI_1) removing VIPs.",
			"(VI_1) Entering BACKUP STATE (init)",
			"VRRP sockpool: [ifindex(  1), family(IPv4), proto(112), fd(-1,-1) multicast, address(224.0.0.18)]",
			"(VI_1) received lower priority (100) advert from 192.0.2.1 - discarding",
			"(VI_1) received lower priority (100) advert from 192.0.2.1 - discarding",
			"(VI_1) received lower priority (100) advert from 192.0.2.1 - discarding",
			"(VI_1) Receive advertisement timeout",
			"(VI_1) Entering MASTER STATE",
			"(VI_1) setting VIPs.",
			"(VI_1) Sending/queueing gratuitous ARPs on eth0 for 192.0.2.100",
			arp, arp, arp, arp, arp,
			"(VI_1) sent 0 priority",
			"(VI_1) removing VIPs.",
		}
		if diff := cmp.Diff(want, b.messages()); diff != "" {
			t.Errorf("the preempting router's lines (-want +got):\n%s", diff)
		}
		// The old master yields: keepalived's three lines, in order.
		yield := []string{"(VI_1) Master received advert from 192.0.2.2 with higher priority 120, ours 100",
			"(VI_1) Entering BACKUP STATE", "(VI_1) removing VIPs."}
		got := a.messages()
		i := slices.Index(got, yield[0])
		if i < 0 || i+len(yield) > len(got) || !slices.Equal(got[i:i+len(yield)], yield) {
			t.Errorf("the old master's lines lack %q:\n%s", yield, strings.Join(got, "\n"))
		}
	})
}
