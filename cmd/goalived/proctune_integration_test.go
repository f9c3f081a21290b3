package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/goalived/goalived/netif/nstest"
)

// threadSched is what /proc says of one thread's scheduling.
type threadSched struct {
	tid            int
	comm           string
	nice, rtPrio   int
	policy         int // 0 SCHED_OTHER, 2 SCHED_RR
	cpusAllowedSet string
}

// readThreads reads every thread of pid from /proc/PID/task/*/stat and
// status.
func readThreads(pid int) ([]threadSched, error) {
	dir := fmt.Sprintf("/proc/%d/task", pid)
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []threadSched
	for _, e := range ents {
		tid, _ := strconv.Atoi(e.Name())
		stat, err := os.ReadFile(filepath.Join(dir, e.Name(), "stat"))
		if err != nil {
			continue // the thread exited
		}
		s := string(stat)
		open, closing := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		f := strings.Fields(s[closing+1:]) // f[0] is field 3 of proc(5)
		if len(f) < 39 {
			return nil, fmt.Errorf("short stat of thread %d: %q", tid, s)
		}
		num := func(field int) int { n, _ := strconv.Atoi(f[field-3]); return n }
		ts := threadSched{tid: tid, comm: s[open+1 : closing], nice: num(19), rtPrio: num(40), policy: num(41)}
		status, _ := os.ReadFile(filepath.Join(dir, e.Name(), "status"))
		ts.cpusAllowedSet = statusField(string(status), "Cpus_allowed_list")
		out = append(out, ts)
	}
	return out, nil
}

func statusField(status, key string) string {
	for _, l := range strings.Split(status, "\n") {
		if v, ok := strings.CutPrefix(l, key+":"); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// waitThreads waits until every thread of pid satisfies ok, and returns
// them.
func waitThreads(t *testing.T, pid int, what string, ok func(threadSched) bool) []threadSched {
	t.Helper()
	ths, good, err := threadsAllWithin(pid, 20*time.Second, ok)
	if !good {
		t.Fatalf("pid %d: threads never all %s: %+v (%v)", pid, what, ths, err)
	}
	return ths
}

// threadsAllWithin waits up to d until every thread of pid satisfies ok;
// it returns the threads last read.
func threadsAllWithin(pid int, d time.Duration, ok func(threadSched) bool) ([]threadSched, bool, error) {
	deadline := time.Now().Add(d)
	for {
		ths, err := readThreads(pid)
		good := err == nil && len(ths) > 0
		for _, th := range ths {
			good = good && ok(th)
		}
		if good || time.Now().After(deadline) {
			return ths, good, err
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stall stops pid for d (SIGSTOP, SIGCONT): the stall under test.
func stall(t *testing.T, pid int, d time.Duration) {
	t.Helper()
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	stopped := time.Now()
	for time.Since(stopped) < d {
		time.Sleep(100 * time.Millisecond)
	}
	if err := syscall.Kill(pid, syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
}

// vrrpPid is the pid running the protocol: goalived's own, keepalived's
// VRRP child from its -r pid file.
func vrrpPid(t *testing.T, kind string, p *nstest.Proc, dir string) int {
	t.Helper()
	if kind == goalivedKind {
		return p.Pid()
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		b, err := os.ReadFile(filepath.Join(dir, "vrrp.pid"))
		if pid, perr := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && perr == nil && pid > 0 {
			return pid
		}
		if time.Now().After(deadline) {
			t.Fatalf("keepalived wrote no VRRP pid file: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// reloadedLine is what both daemons log once a reload is done.
const reloadedLine = "Reload complete"

// forBothDaemons runs f on keepalived 2.2.7 and on goalived, each started
// with conf on a lab of its own; pid is the process running the protocol.
func forBothDaemons(t *testing.T, conf string, f func(t *testing.T, kind string, lab *nstest.Lab, p *nstest.Proc, pid int)) {
	for _, kind := range []string{keepalivedKind, goalivedKind} {
		t.Run(kind, func(t *testing.T) {
			lab := nstest.New(t, nstest.Hosts(1))
			dir := t.TempDir()
			p := startDaemon(t, lab, 0, kind, dir, conf)
			f(t, kind, lab, p, vrrpPid(t, kind, p, dir))
		})
	}
}

const knobInstance = `
vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 61
    priority 100
    advert_int 1
    virtual_ipaddress {
        192.0.2.61/24
    }
}
`

// TestIntegrationProcessKnobs starts keepalived 2.2.7 and goalived with
// the process keywords and reads back from /proc what the kernel holds
// for every thread of the process that runs the protocol: SCHED_RR at
// vrrp_rt_priority, the CPU mask, the name, locked memory, RLIMIT_RTTIME.
func TestIntegrationProcessKnobs(t *testing.T) {
	nstest.RequireRoot(t)
	conf := `global_defs {
    vrrp_rt_priority 20
    vrrp_rlimit_rttime 50000
    vrrp_no_swap
    vrrp_cpu_affinity 0
    process_names
}
` + knobInstance
	forBothDaemons(t, conf, func(t *testing.T, kind string, lab *nstest.Lab, p *nstest.Proc, pid int) {
		ths := waitThreads(t, pid, "SCHED_RR 20 on CPU 0 named keepalived_vrrp", func(th threadSched) bool {
			return th.policy == 2 && th.rtPrio == 20 && th.cpusAllowedSet == "0" && th.comm == "keepalived_vrrp"
		})
		status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
		if err != nil {
			t.Fatal(err)
		}
		if lck := statusField(string(status), "VmLck"); lck == "" || strings.HasPrefix(lck, "0 ") {
			t.Errorf("VmLck = %q, want locked memory (vrrp_no_swap)", lck)
		}
		limits, err := os.ReadFile(fmt.Sprintf("/proc/%d/limits", pid))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(limits), "Max realtime timeout      25000                50000                us") {
			t.Errorf("RLIMIT_RTTIME is not 25000/50000 us:\n%s", limits)
		}
		t.Logf("%s: %d thread(s) SCHED_RR 20 on CPU 0, %s", kind, len(ths), statusField(string(status), "VmLck"))
		if kind == keepalivedKind {
			// keepalived 2.2.7 reloads under SCHED_RR, and its VRRP
			// process is sometimes killed for passing RLIMIT_RTTIME
			// there ("exited due to signal 9 (Killed) - has
			// rlimit_rttime been exceeded?"); goalived must not be.
			return
		}
		if err := syscall.Kill(p.Pid(), syscall.SIGHUP); err != nil {
			t.Fatal(err)
		}
		waitFor(t, 20*time.Second, func() bool { return strings.Contains(p.Output(), reloadedLine) },
			func() string { return fmt.Sprintf("%s to log %q:\n%s", kind, reloadedLine, p.Output()) })
		waitThreads(t, pid, "still SCHED_RR 20 after a reload", func(th threadSched) bool { return th.policy == 2 && th.rtPrio == 20 })
	})
}

// TestIntegrationProcessNice checks vrrp_priority on every thread of both
// daemons.
func TestIntegrationProcessNice(t *testing.T) {
	nstest.RequireRoot(t)
	conf := "global_defs {\n    vrrp_priority -7\n    max_auto_priority -1\n}\n" + knobInstance
	forBothDaemons(t, conf, func(t *testing.T, kind string, lab *nstest.Lab, p *nstest.Proc, pid int) {
		waitThreads(t, pid, "nice -7 under SCHED_OTHER", func(th threadSched) bool {
			return th.nice == -7 && th.policy == 0
		})
	})
}

// TestIntegrationMaxAutoPriority stops the daemon for longer than
// min_auto_priority_delay and checks that, once it runs again and finds
// its timers overdue, it has made itself SCHED_RR at the lowest priority,
// as keepalived 2.2.7 does.
func TestIntegrationMaxAutoPriority(t *testing.T) {
	nstest.RequireRoot(t)
	conf := "global_defs {\n    max_auto_priority 10\n}\n" + knobInstance
	forBothDaemons(t, conf, func(t *testing.T, kind string, lab *nstest.Lab, p *nstest.Proc, pid int) {
		waitThreads(t, pid, "SCHED_OTHER at start", func(th threadSched) bool { return th.policy == 0 })
		// As master the instance has a timer each second to be late.
		waitFor(t, 20*time.Second, func() bool {
			return strings.Contains(lab.Exec(0, "ip", "-4", "addr", "show", "dev", "eth0"), "192.0.2.61/24")
		},
			func() string { return kind + " to become master" })
		rr := func(th threadSched) bool { return th.policy == 2 && th.rtPrio == 1 }
		// keepalived, the reference, judges a timer overdue on its own
		// clock and in two full runs under the suite's parallel load
		// did not after one stall: it gets up to three. goalived one.
		stalls := 1
		if kind == keepalivedKind {
			stalls = 3
		}
		for i := 1; ; i++ {
			stall(t, pid, 2500*time.Millisecond)
			if _, ok, _ := threadsAllWithin(pid, 10*time.Second, rr); ok || i == stalls {
				break
			}
			t.Logf("%s: threads not SCHED_RR after stall %d; stalling again", kind, i)
		}
		waitThreads(t, pid, "SCHED_RR 1 after an overdue timer", rr)
		// The line may be written after the threads changed.
		waitFor(t, 20*time.Second, func() bool { return strings.Contains(p.Output(), "A thread timer expired") },
			func() string { return fmt.Sprintf("%s to log \"A thread timer expired\":\n%s", kind, p.Output()) })
	})
}
