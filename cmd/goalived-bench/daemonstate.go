package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/goalived/goalived/netif/nslab"
)

// daemonState is what a daemon holds after a fault run: the signs of a
// leak or of a script left behind. Goroutines is -1 where unknown
// (keepalived, or a /metrics that did not answer).
type daemonState struct {
	Procs      int   // the daemon's processes (keepalived -P: parent and VRRP child)
	FDs        int   // open file descriptors, summed over them
	Threads    int   // threads, summed
	RSSKiB     int64 // VmRSS, summed
	Goroutines int
	Zombies    int // exited children of the daemon not reaped
	// Scripts are processes still running one of the run's scripts,
	// wherever they were reparented (matched by the run's directory in
	// their command line).
	Scripts []int
}

// readDaemonState reads the state of the daemon rooted at pid: its
// processes are those of pid's tree running goalived or keepalived; its
// scripts those anywhere whose command line names scriptDir.
// metricsNS and metricsAddr, when set, locate goalived's /metrics.
func readDaemonState(pid int, scriptDir, metricsNS, metricsAddr string) (daemonState, error) {
	st := daemonState{Goroutines: -1}
	pids, err := procTree(pid)
	if err != nil {
		return st, err
	}
	for _, p := range pids {
		cmd, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", p))
		state, err := procState(p)
		if err != nil {
			if p == pid {
				return st, err
			}
			continue // gone meanwhile
		}
		switch {
		case state.Zombie:
			st.Zombies++
		case isDaemon(string(cmd)): // not a script or its child (counted below)
			st.Procs++
			st.Threads += state.Threads
			st.RSSKiB += state.RSSKiB
			st.FDs += countFDs(p)
		}
	}
	if st.Scripts, err = scriptProcs(scriptDir); err != nil {
		return st, err
	}
	if metricsAddr != "" {
		st.Goroutines = scrapeGoroutines(metricsNS, metricsAddr)
	}
	return st, nil
}

// isDaemon tells a daemon process (goalived, keepalived) from a script
// by its command line.
func isDaemon(cmdline string) bool {
	argv0, _, _ := strings.Cut(cmdline, "\x00")
	return strings.HasSuffix(argv0, "goalived") || strings.HasSuffix(argv0, "keepalived")
}

// isDaemonPid reads whether process pid is a daemon.
func isDaemonPid(pid int) bool {
	cmd, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	return err == nil && isDaemon(string(cmd))
}

type procStatus struct {
	Zombie  bool
	Threads int
	RSSKiB  int64
}

// procState reads /proc/PID/status: state, threads and VmRSS (none for
// a zombie).
func procState(pid int) (procStatus, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return procStatus{}, fmt.Errorf("read status of %d: %w", pid, err)
	}
	var s procStatus
	for line := range strings.SplitSeq(string(b), "\n") {
		k, v, _ := strings.Cut(line, ":")
		v = strings.TrimSpace(v)
		switch k {
		case "State":
			s.Zombie = strings.HasPrefix(v, "Z")
		case "Threads":
			s.Threads, _ = strconv.Atoi(v)
		}
	}
	if !s.Zombie {
		if s.RSSKiB, err = parseVmRSS(string(b)); err != nil {
			return s, fmt.Errorf("read status of %d: %w", pid, err)
		}
	}
	return s, nil
}

func countFDs(pid int) int {
	ents, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		return 0
	}
	return len(ents)
}

// scriptProcs lists the live processes whose command line names dir.
func scriptProcs(dir string) ([]int, error) {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil, fmt.Errorf("list processes: %w", err)
	}
	var out []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cmd, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		if err != nil || !strings.Contains(string(cmd), dir) || isDaemon(string(cmd)) {
			continue
		}
		if st, err := procState(pid); err == nil && !st.Zombie {
			out = append(out, pid)
		}
	}
	return out, nil
}

// scrapeGoroutines reads go_goroutines from /metrics at addr inside
// namespace ns; -1 when it cannot.
func scrapeGoroutines(ns, addr string) int {
	var conn net.Conn
	var err error
	if derr := nslab.DoIn(ns, func() { conn, err = net.DialTimeout("tcp", addr, 2*time.Second) }); derr != nil || err != nil {
		return -1
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(3 * time.Second))
	fmt.Fprint(conn, "GET /metrics HTTP/1.0\r\nHost: bench\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return -1
	}
	defer resp.Body.Close()
	n, err := goroutinesIn(resp.Body)
	if err != nil {
		return -1
	}
	return n
}

// goroutinesIn finds the go_goroutines sample in a Prometheus text
// exposition.
func goroutinesIn(r io.Reader) (int, error) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "go_goroutines "); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				return 0, fmt.Errorf("parse go_goroutines %q: %w", v, err)
			}
			return int(f), nil
		}
	}
	return 0, errors.Join(errors.New("no go_goroutines sample"), sc.Err())
}
