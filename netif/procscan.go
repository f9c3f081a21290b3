package netif

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Process is what a scan of /proc knows of one process, for
// vrrp_track_process.
type Process struct {
	PID, PPID int
	// Comm is /proc/PID/stat's command name (at most 15 bytes).
	Comm string
	// Cmdline is /proc/PID/cmdline, NUL separated; read only when the
	// scan asks for it.
	Cmdline []byte
	Zombie  bool
}

// ProcFS scans a proc file system; Root "" is /proc.
type ProcFS struct{ Root string }

// Scan reads every process. cmdline says whether to read the command
// lines too: reading one touches the process's memory, so it is only
// done when some tracker matches on it. A process that exits during the
// scan is left out.
func (p ProcFS) Scan(cmdline bool) []Process {
	root := p.Root
	if root == "" {
		root = "/proc"
	}
	ents, err := os.ReadDir(root)
	if err != nil {
		return nil
	}
	var out []Process
	for _, e := range ents {
		name := e.Name()
		pid, err := strconv.Atoi(name)
		if !e.IsDir() || err != nil || pid <= 0 {
			continue
		}
		stat, err := os.ReadFile(filepath.Join(root, name, "stat"))
		if err != nil {
			continue // exited meanwhile
		}
		pr, ok := parseStat(stat)
		if !ok {
			continue
		}
		pr.PID = pid
		if cmdline {
			pr.Cmdline, _ = os.ReadFile(filepath.Join(root, name, "cmdline"))
		}
		out = append(out, pr)
	}
	return out
}

// parseStat takes comm, the zombie state and the parent pid from
// /proc/PID/stat: "PID (COMM) S PPID ...". comm may contain ')' so the
// last one ends it.
func parseStat(b []byte) (Process, bool) {
	s := string(b)
	open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || end < open || end+2 >= len(s) {
		return Process{}, false
	}
	f := strings.Fields(s[end+1:])
	if len(f) < 2 {
		return Process{}, false
	}
	ppid, err := strconv.Atoi(f[1])
	if err != nil {
		return Process{}, false
	}
	return Process{Comm: s[open+1 : end], Zombie: f[0] == "Z", PPID: ppid}, true
}
