package tracktest

import (
	"errors"
	"slices"
	"strings"
	"sync"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/engine/track"
	"github.com/goalived/goalived/netif"
	"github.com/goalived/goalived/script"
)

// Host is the engine as package track sees it, recording what tracking
// asks of it: the notify FIFO lines it would write, in order.
type Host struct {
	mu           sync.Mutex // guards the fields below
	lines        []string
	removed      []netif.Event
	deletedLinks []string
	reopen       func(ifname string) []track.Instance
	badCmd       map[string]error
}

// NewHost returns a host with an empty FIFO.
func NewHost() *Host { return &Host{badCmd: map[string]error{}} }

// OnReopen sets what ReopenSockets does (by default nothing reopens).
func (h *Host) OnReopen(f func(ifname string) []track.Instance) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.reopen = f
}

// RejectCommand makes the resolution of scripts whose argv[0] is prog
// fail with err, as script security does.
func (h *Host) RejectCommand(prog string, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.badCmd[prog] = err
}

// Record appends a transition's FIFO line, for tests that interleave the
// instances' own notifies with tracking's.
func (h *Host) Record(t script.Transition) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.lines = append(h.lines, strings.TrimSuffix(t.FIFOLine(), "\n"))
}

// Lines are the FIFO lines so far, without their newlines.
func (h *Host) Lines() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.lines)
}

// Removed are the address removals tracking passed on.
func (h *Host) Removed() []netif.Event {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.removed)
}

// Command implements track.Host: the command as configured.
func (h *Host) Command(c *config.Command) (script.Command, []string, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(c.Argv) == 0 {
		return script.Command{}, nil, errors.New("empty command")
	}
	if err := h.badCmd[c.Argv[0]]; err != nil {
		return script.Command{}, []string{"script " + c.Argv[0] + " rejected"}, err
	}
	return script.Command{Argv: c.Argv}, nil, nil
}

// NotifyScripts implements track.Host; fakes run no scripts.
func (h *Host) NotifyScripts(string, *config.Notifies) script.NotifyScripts {
	return script.NotifyScripts{}
}

// Notify implements track.Host: the group's FIFO line.
func (h *Host) Notify(_ script.NotifyScripts, t script.Transition) error {
	h.Record(t)
	return nil
}

// NotifyEvent implements track.Host.
func (h *Host) NotifyEvent(instance, event string, prio int) {
	h.Record(script.Transition{Name: instance, State: event, Priority: prio})
}

// ReopenSockets implements track.Host.
func (h *Host) ReopenSockets(ifname string) []track.Instance {
	h.mu.Lock()
	f := h.reopen
	h.mu.Unlock()
	if f == nil {
		return nil
	}
	return f(ifname)
}

// LinkDeleted implements track.Host.
func (h *Host) LinkDeleted(ifname string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.deletedLinks = append(h.deletedLinks, ifname)
}

// DeletedLinks returns the interfaces LinkDeleted saw.
func (h *Host) DeletedLinks() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.deletedLinks)
}

// AddressRemoved implements track.Host.
func (h *Host) AddressRemoved(ev netif.Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.removed = append(h.removed, ev)
}
