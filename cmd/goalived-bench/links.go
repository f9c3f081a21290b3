package main

import (
	"fmt"
	"time"

	"github.com/goalived/goalived/netif/nslab"
)

// ensureIfaces gives hosts a, b and obs the segments eth1..eth(n-1)
// besides the lab's eth0, each a bridge of its own in the switch
// namespace, and starts a capture on each of the observer's: a fleet of
// more than 250 instances needs more than one interface (255 VRIDs per
// interface). a and b carry their eth0 address (as a /32) on the extra
// interfaces, so that adverts come from the same source on every
// segment. Segments made once stay for the lab's lifetime.
func (bn *bench) ensureIfaces(n int) error {
	for k := len(bn.extra) + 1; k < n; k++ {
		if err := bn.addSegment(k); err != nil {
			return fmt.Errorf("add segment eth%d: %w", k, err)
		}
		obs, err := bn.lab.Host("obs")
		if err != nil {
			return err
		}
		c, err := startCapture(obs.Name, fmt.Sprintf("eth%d", k))
		if err != nil {
			return err
		}
		bn.extra = append(bn.extra, c)
	}
	return nil
}

func (bn *bench) addSegment(k int) error {
	sw := bn.lab.Switch()
	br := fmt.Sprintf("br%d", k)
	steps := [][]string{
		{sw, "link", "add", br, "type", "bridge", "mcast_snooping", "0"},
		{sw, "link", "set", br, "up"},
	}
	ifname := fmt.Sprintf("eth%d", k)
	for i, h := range bn.lab.Hosts() {
		port := fmt.Sprintf("s%dp%d", k, i)
		steps = append(steps,
			[]string{sw, "link", "add", port, "type", "veth", "peer", "name", ifname, "netns", h.Name},
			[]string{sw, "link", "set", port, "master", br, "up"},
			[]string{h.Name, "link", "set", ifname, "up"})
		if h.Role != "obs" {
			steps = append(steps, []string{h.Name, "addr", "add", h.Addr4.String() + "/32", "dev", ifname})
		}
	}
	for _, s := range steps {
		if _, err := nslab.Run("", "ip", append([]string{"-n", s[0]}, s[1:]...)...); err != nil {
			return err
		}
	}
	return bn.waitCarrier(ifname)
}

// waitCarrier waits until ifname of every host has carrier.
func (bn *bench) waitCarrier(ifname string) error {
	deadline := time.Now().Add(10 * time.Second)
	for _, h := range bn.lab.Hosts() {
		for {
			out, err := nslab.Run(h.Name, "cat", "/sys/class/net/"+ifname+"/carrier")
			if err == nil && len(out) > 0 && out[0] == '1' {
				break
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("wait for carrier on %s in %s: %v", ifname, h.Name, err)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	return nil
}

// framesSince returns the frames captured on every observer interface at
// or after t, and the first read error.
func (bn *bench) framesSince(t time.Time) ([]frame, error) {
	fs, err := bn.cap.since(t)
	for _, c := range bn.extra {
		more, cerr := c.since(t)
		fs = append(fs, more...)
		if err == nil {
			err = cerr
		}
	}
	return fs, err
}

// forgetFrames drops frames older than t on every capture.
func (bn *bench) forgetFrames(t time.Time) {
	bn.cap.forget(t)
	for _, c := range bn.extra {
		c.forget(t)
	}
}
