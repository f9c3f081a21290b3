package netiftest

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"

	"github.com/goalived/goalived/engine"
	"github.com/goalived/goalived/netif"
)

// vmacHost is the host as engine.VMACs: a VMAC is a link on its base's
// segment with the VMAC's MAC, whose carrier follows the base's, as a
// macvlan's does. What it does is recorded in Actions.
type vmacHost struct{ h *Host }

// fakeVMACs are the VMACs one engine made.
type fakeVMACs struct {
	h      *Host
	ours   map[string]netif.VMAC // guarded by h.mu, as is closed
	closed bool
}

func (x vmacHost) OpenVMACs() (engine.VMACLinks, error) {
	return &fakeVMACs{h: x.h, ours: map[string]netif.VMAC{}}, nil
}

// AdoptVMACs carries on with the VMACs s names (a hot upgrade's old
// process left them).
func (x vmacHost) AdoptVMACs(s netif.VMACsSaved) (engine.VMACLinks, error) {
	m := &fakeVMACs{h: x.h, ours: map[string]netif.VMAC{}}
	var names []string
	for _, v := range s.VMACs {
		m.ours[v.Name] = v
		names = append(names, v.Name)
	}
	x.h.mu.Lock()
	x.h.actLocked("vmacs adopt " + strings.Join(names, " "))
	x.h.mu.Unlock()
	return m, nil
}

func (m *fakeVMACs) Saved() netif.VMACsSaved {
	m.h.mu.Lock()
	defer m.h.mu.Unlock()
	var s netif.VMACsSaved
	for _, name := range slices.Sorted(maps.Keys(m.ours)) {
		s.VMACs = append(s.VMACs, m.ours[name])
	}
	return s
}

var errVMACsClosed = errors.New("vmacs closed")

// Ensure creates the VMAC as a link, or reuses one of its name that is a
// VMAC, and sets it up; a link of that name that is not a VMAC is an
// error, as netif.VMACs reports it.
func (m *fakeVMACs) Ensure(v netif.VMAC) (int, error) {
	h := m.h
	h.mu.Lock()
	defer h.mu.Unlock()
	if m.closed {
		return 0, fmt.Errorf("ensure vmac %s: %w", v.Name, errVMACsClosed)
	}
	base := h.linkLocked(v.Base)
	if base == nil {
		return 0, fmt.Errorf("ensure vmac %s on %s: base interface: link not found", v.Name, v.Base)
	}
	l := h.linkLocked(v.Name)
	switch {
	case l != nil && l.parent == "":
		return 0, fmt.Errorf("ensure vmac %s on %s: conflicts with an existing interface", v.Name, v.Base)
	case l != nil && l.parent == v.Base && bytes.Equal(l.mac, v.MAC):
		h.actLocked("vmac keep " + v.Name)
	default:
		if l != nil {
			h.deleteLinkLocked(l)
		}
		l = h.addLinkLocked(v.Name, base.seg, slices.Clone(v.MAC), v.Base)
		h.actLocked(fmt.Sprintf("vmac add %s link %s address %s v6=%v", v.Name, v.Base, v.MAC, v.V6))
	}
	m.ours[v.Name] = v
	if !l.up {
		l.up = true
		h.setRunningLocked(l, base.up && base.running)
	}
	if v.V6 && v.LinkLocal.IsValid() {
		h.addAddrLocked(l, netif.Addr{Prefix: netip.PrefixFrom(v.LinkLocal, 64), Dev: v.Name})
	}
	return l.index, nil
}

func (m *fakeVMACs) Remove(name string) error {
	h := m.h
	h.mu.Lock()
	defer h.mu.Unlock()
	m.removeLocked(name)
	return nil
}

func (m *fakeVMACs) removeLocked(name string) {
	h := m.h
	if _, ok := m.ours[name]; !ok {
		return
	}
	delete(m.ours, name)
	if l := h.linkLocked(name); l != nil {
		h.deleteLinkLocked(l)
	}
	h.actLocked("vmac del " + name)
}

func (m *fakeVMACs) Close() error {
	h := m.h
	h.mu.Lock()
	defer h.mu.Unlock()
	if m.closed {
		return nil
	}
	m.closed = true
	for _, name := range slices.Sorted(maps.Keys(m.ours)) {
		m.removeLocked(name)
	}
	return nil
}

// setRunningLocked sets a link's carrier and that of the VMACs on it.
func (h *Host) setRunningLocked(l *link, running bool) {
	l.running = running && l.up
	for c := range h.conns {
		if c.link == l && c.port != nil {
			c.port.SetLink(l.running)
		}
	}
	h.emitLocked(netif.Event{Kind: netif.LinkChanged, IfIndex: l.index, Ifname: l.name, Up: l.up, Running: l.running})
	for _, v := range h.links {
		if v.parent == l.name && v.up {
			h.setRunningLocked(v, l.running)
		}
	}
}

// nameOfLocked is the name of interface index idx, "?" if none.
func (h *Host) nameOfLocked(idx int) string {
	for _, l := range h.links {
		if l.index == idx {
			return l.name
		}
	}
	return "?"
}
