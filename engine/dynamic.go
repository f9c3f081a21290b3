package engine

import (
	"github.com/goalived/goalived/script"
)

// dynamic_interfaces (global_defs): an instance whose interface does
// not exist at start is not an error. Its socket waits without a conn and
// the instance stays in FAULT ("interface ... doesn't currently exist -
// will use if created") until the interface exists with an address; an
// interface deleted and created again (another index) gets a new socket.
// Observed with keepalived 2.2.7: FAULT at start, BACKUP once the
// interface is up with an address, FAULT when it is deleted, BACKUP again
// when it comes back. Without dynamic_interfaces a missing interface stops
// the start, as keepalived refuses to run.

// withSocket adds the FAULT of an instance whose socket has no conn.
func (t *tracking) withSocket(in *instance, trs []script.Tracker) []script.Tracker {
	if in.sock.isOpen() {
		return trs
	}
	return append(trs, script.Tracker{Kind: script.TrackInterface, Name: "no socket on " + in.conf().Interface, Cond: script.Down})
}

// reopenSockets gives the sockets on ifname a conn on the interface as
// it is now (dynamic_interfaces only), then moves their instances to the
// new source address and re-evaluates them. It runs on the tracking
// goroutine at link and address events (and once at start), and takes
// no engine lock: a reload holds e.mu while it waits for this goroutine.
func (t *tracking) reopenSockets(ifname string) {
	if !t.cfg.Global.DynamicInterfaces || ifname == "" {
		return
	}
	seen := map[*socket]bool{}
	for _, in := range t.insts {
		s := in.sock
		if s.key.ifname != ifname || seen[s] {
			continue
		}
		seen[s] = true
		ok, err := s.reopen()
		if err != nil {
			t.e.log.Warn("dynamic interface: socket not opened", "interface", ifname, "err", err)
		}
		if !ok {
			continue
		}
		src := s.source()
		t.e.log.Info("dynamic interface: vrrp socket opened", "interface", ifname, "source", src)
		if share := rcvBufSums(t.insts, &t.cfg.Global, s, t.e.host.Links)[s]; share > 0 {
			t.e.setRcvBuf(s, share)
		}
		for _, m := range t.insts {
			if m.sock != s {
				continue
			}
			if err := m.vi.Reload(vrrpConfig(m.conf(), src, t.e.opts.FastPreempt)); err != nil {
				t.e.log.Error("dynamic interface: instance not updated", "instance", m.conf().Name, "err", err)
			}
			m.status.setSource(src)
			t.apply(m)
		}
	}
}

// reopenMissing tries the sockets still without conn: their interface
// may have appeared before the link watch began.
func (t *tracking) reopenMissing() {
	done := map[string]bool{}
	for _, in := range t.insts {
		if name := in.sock.key.ifname; !in.sock.isOpen() && !done[name] {
			done[name] = true
			t.reopenSockets(name)
		}
	}
}
