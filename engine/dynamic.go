package engine

import (
	"fmt"

	"github.com/goalived/goalived/engine/track"
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

// reopenSockets gives the sockets on ifname a conn on the interface as
// it is now (dynamic_interfaces, or a VMAC made again after it was
// deleted from outside), then moves their instances to the
// new source address and returns them for tracking to re-evaluate. It
// runs on the tracking goroutine at link and address events (and once at
// start), and takes no engine lock: a reload holds e.mu while it waits
// for this goroutine, and changes e.insts and e.cfg only while no
// tracking goroutine runs.
func (e *Engine) reopenSockets(ifname string) []track.Instance {
	if ifname == "" || !e.cfg.Global.DynamicInterfaces && !e.isVMAC(ifname) {
		return nil
	}
	if e.cfg.Global.DynamicInterfaces {
		e.ensureVMACsOn(ifname)
	}
	var moved []track.Instance
	seen := map[*socket]bool{}
	for _, in := range e.insts {
		s := in.sock
		if s.key.ifname != ifname || seen[s] {
			continue
		}
		seen[s] = true
		ok, err := s.reopen()
		if err != nil {
			e.log.Warn(fmt.Sprintf("VRRP socket on interface %s not opened: %v", ifname, err), "interface", ifname, "err", err)
		}
		if !ok {
			continue
		}
		src := s.source()
		e.detail(fmt.Sprintf("Interface %s added", ifname), "interface", ifname, "source", src)
		if share := rcvBufSums(e.insts, &e.cfg.Global, s, e.host.Links)[s]; share > 0 {
			e.setRcvBuf(s, share)
		}
		for _, m := range e.insts {
			if m.sock != s {
				continue
			}
			if err := m.vi.Reload(vrrpConfig(m.conf(), src, e.opts)); err != nil {
				e.log.Error(fmt.Sprintf("(%s) not moved to interface %s: %v", m.conf().Name, ifname, err), "instance", m.conf().Name, "err", err)
			}
			m.status.setSource(src)
			moved = append(moved, member{in: m, e: e})
		}
	}
	return moved
}
