package netiftest

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/goalived/goalived/engine"
	"github.com/goalived/goalived/netif"
	"github.com/goalived/goalived/script"
)

// ScriptFunc is a simulated program: it gets the argv and returns the
// exit status.
type ScriptFunc func(argv []string) int

// Run is one program run.
type Run struct {
	Argv []string
	At   time.Time
}

// scripts is the host as engine.Scripts: every program exists, runs as
// the test's own user and returns at once.
type scripts struct{ h *Host }

// SetScript makes the program at path (argv[0]) behave as f; a program
// without one exits 0.
func (h *Host) SetScript(path string, f ScriptFunc) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.scripts[path] = f
}

// Runs returns the runs so far, in order.
func (h *Host) Runs() []Run {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.runs)
}

// RunLines returns the runs of the programs whose path starts with
// prefix, each as its argv joined by spaces.
func (h *Host) RunLines(prefix string) []string {
	var out []string
	for _, r := range h.Runs() {
		if strings.HasPrefix(r.Argv[0], prefix) {
			out = append(out, strings.Join(r.Argv, " "))
		}
	}
	return out
}

func (x scripts) Run(ctx context.Context, c script.Command) (script.Result, error) {
	h := x.h
	if len(c.Argv) == 0 {
		return script.Result{}, fmt.Errorf("run: %w", script.ErrNoArgv)
	}
	now := h.clock.Now()
	h.mu.Lock()
	h.runs = append(h.runs, Run{Argv: slices.Clone(c.Argv), At: now})
	f := h.scripts[c.Argv[0]]
	h.mu.Unlock()
	code := 0
	if f != nil {
		code = f(c.Argv)
	}
	return script.Result{Start: now, OK: code == 0, ExitCode: code}, nil
}

func (scripts) DefaultIdentity(string, string, bool) (script.Identity, error) {
	return script.Self(), nil
}

// LookupIdentity knows root and nobody.
func (scripts) LookupIdentity(user, _ string) (script.Identity, error) {
	switch user {
	case "root":
		return script.Identity{}, nil
	case "nobody":
		return script.Identity{UID: 65534, GID: 65534}, nil
	}
	return script.Identity{}, fmt.Errorf("look up user %s: unknown user", user)
}

func (scripts) Prepare(argv []string, _ script.Identity) (script.Prepared, error) {
	return script.Prepared{Argv: slices.Clone(argv)}, nil
}

// fifos is the host as engine.FIFOs: each FIFO's lines are kept.
type fifos struct{ h *Host }

type fifo struct {
	h      *Host
	path   string
	closed bool // guarded by h.mu
}

func (x fifos) Open(cfg script.FIFOConfig) (engine.FIFO, error) {
	x.h.mu.Lock()
	defer x.h.mu.Unlock()
	if _, ok := x.h.fifoLines[cfg.Path]; !ok {
		x.h.fifoLines[cfg.Path] = nil
	}
	return &fifo{h: x.h, path: cfg.Path}, nil
}

func (f *fifo) Write(t script.Transition) error {
	f.h.mu.Lock()
	defer f.h.mu.Unlock()
	if f.closed {
		return fmt.Errorf("write notify fifo %s: closed", f.path)
	}
	f.h.fifoLines[f.path] = append(f.h.fifoLines[f.path], strings.TrimSuffix(t.FIFOLine(), "\n"))
	return nil
}

func (f *fifo) StopReader() {}

func (f *fifo) Close() error {
	f.h.mu.Lock()
	defer f.h.mu.Unlock()
	f.closed = true
	return nil
}

// FIFOLines returns the lines written to the FIFO at path so far, across
// reopenings.
func (h *Host) FIFOLines(path string) []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.fifoLines[path])
}

// sysctls is the host as engine.Sysctls.
type sysctls struct{ h *Host }

func (x sysctls) Get(name string) (string, error) {
	x.h.mu.Lock()
	defer x.h.mu.Unlock()
	v, ok := x.h.sysctls[name]
	if !ok {
		return "", fmt.Errorf("read /proc/sys/%s: no such file or directory", name)
	}
	return v, nil
}

func (x sysctls) Set(name, value string) error {
	x.h.mu.Lock()
	defer x.h.mu.Unlock()
	if _, ok := x.h.sysctls[name]; !ok {
		return fmt.Errorf("write /proc/sys/%s: no such file or directory", name)
	}
	x.h.sysctls[name] = value
	return nil
}

// Sysctl returns a kernel setting ("" if the host has none by that name).
func (h *Host) Sysctl(name string) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.sysctls[name]
}

// Announcement is one gratuitous ARP or unsolicited NA sent.
type Announcement struct {
	Ifname string
	Addr   netip.Addr
	At     time.Time
}

// announcers is the host as engine.Announcers.
type announcers struct{ h *Host }

func (x announcers) NewAnnouncer(netif.AnnouncerConfig) engine.Announcer { return announcer(x) }

// announcer records the packets a burst would send; pacing is not
// simulated.
type announcer struct{ h *Host }

func (x announcer) Announce(ifname string, addrs []netip.Addr, rounds int) error {
	h := x.h
	now := h.clock.Now()
	h.mu.Lock()
	defer h.mu.Unlock()
	l := h.linkLocked(ifname)
	for range rounds {
		for _, a := range addrs {
			st := h.announceStatLocked(ifname, a.Is6())
			if l == nil || !l.running {
				st.Failed++
				continue
			}
			st.Sent++
			h.announced = append(h.announced, Announcement{Ifname: ifname, Addr: a, At: now})
		}
	}
	if l == nil {
		return fmt.Errorf("announce on %s: no such network interface", ifname)
	}
	if !l.running {
		return fmt.Errorf("announce on %s: %w", ifname, errDown)
	}
	return nil
}

// announceStatLocked is the counter of an interface and family.
func (h *Host) announceStatLocked(ifname string, v6 bool) *netif.AnnounceStats {
	for i := range h.announceStats {
		if s := &h.announceStats[i]; s.Ifname == ifname && s.V6 == v6 {
			return s
		}
	}
	h.announceStats = append(h.announceStats, netif.AnnounceStats{Ifname: ifname, V6: v6})
	return &h.announceStats[len(h.announceStats)-1]
}

// Stats counts the announcements per interface and family: sent, or
// failed while the interface was missing or down.
func (x announcer) Stats() []netif.AnnounceStats {
	x.h.mu.Lock()
	defer x.h.mu.Unlock()
	return slices.Clone(x.h.announceStats)
}

func (announcer) Prepare(string, bool) error { return nil }
func (announcer) Close() error               { return nil }

// Announcements returns the announcements sent so far.
func (h *Host) Announcements() []Announcement {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.announced)
}
