package tracktest

import (
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/goalived/goalived/netif"
)

// Procs is a process table in memory, scanned as netif.ProcFS scans
// /proc.
type Procs struct {
	mu    sync.Mutex // guards procs and next
	procs map[int]netif.Process
	next  int
}

// NewProcs returns a table holding only init (pid 1).
func NewProcs() *Procs {
	return &Procs{procs: map[int]netif.Process{1: {PID: 1, Comm: "init", Cmdline: []byte("/sbin/init\x00")}}, next: 100}
}

// Start adds a process with parent ppid running argv and returns its
// pid.
func (p *Procs) Start(ppid int, argv ...string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.next++
	p.procs[p.next] = exec(netif.Process{PID: p.next, PPID: ppid}, argv)
	return p.next
}

// Fork copies pid into a child and returns the child's pid.
func (p *Procs) Fork(pid int) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.next++
	c := p.procs[pid]
	c.PID, c.PPID, c.Cmdline = p.next, pid, slices.Clone(c.Cmdline)
	p.procs[p.next] = c
	return p.next
}

// Exec makes pid run argv.
func (p *Procs) Exec(pid int, argv ...string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.procs[pid] = exec(p.procs[pid], argv)
}

// exec sets what pr runs: its comm is the base name of argv[0] cut to 15
// bytes, as the kernel sets it.
func exec(pr netif.Process, argv []string) netif.Process {
	comm := argv[0][strings.LastIndexByte(argv[0], '/')+1:]
	pr.Comm = comm[:min(len(comm), 15)]
	pr.Cmdline = []byte(strings.Join(argv, "\x00") + "\x00")
	return pr
}

// Zombie marks pid as exited but not reaped.
func (p *Procs) Zombie(pid int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	pr := p.procs[pid]
	pr.Zombie, pr.Cmdline = true, nil
	p.procs[pid] = pr
}

// Exit removes pid.
func (p *Procs) Exit(pid int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.procs, pid)
}

// Scan implements track.Processes.
func (p *Procs) Scan(cmdline bool) []netif.Process {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []netif.Process
	for _, pid := range slices.Sorted(maps.Keys(p.procs)) {
		pr := p.procs[pid]
		if cmdline {
			pr.Cmdline = slices.Clone(pr.Cmdline)
		} else {
			pr.Cmdline = nil
		}
		out = append(out, pr)
	}
	return out
}
