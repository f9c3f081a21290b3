package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/goalived/goalived/netif/nstest"
)

// breathHelperEnv makes the test binary TestBreathHelper's child.
const breathHelperEnv = "GOALIVED_BREATH_HELPER"

// TestIntegrationRealtimeBreathing runs a thread under SCHED_RR with
// keepalived's default RLIMIT_RTTIME (10 ms) through 200 ms of CPU
// without a pause, in a child process: the kernel kills the child unless
// the thread breathes, and breathing keeps it SCHED_RR.
func TestIntegrationRealtimeBreathing(t *testing.T) {
	nstest.RequireRoot(t)
	if runtime.GOARCH != "amd64" {
		t.Skipf("no breathing handler on %s", runtime.GOARCH)
	}
	for _, mode := range []string{"hold", "breathe"} {
		t.Run(mode, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestBreathHelper$", "-test.count=1")
			cmd.Env = append(os.Environ(), breathHelperEnv+"="+mode)
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			killed := errors.As(err, &exit) && exit.Sys().(syscall.WaitStatus).Signal() == syscall.SIGKILL
			switch {
			case mode == "hold" && !killed:
				t.Fatalf("a thread holding the CPU for 200 ms under SCHED_RR was not killed (%v):\n%s", err, out)
			case mode == "breathe" && (err != nil || !strings.Contains(string(out), "survived under SCHED_RR")):
				t.Fatalf("the breathing thread did not survive under SCHED_RR (%v):\n%s", err, out)
			}
		})
	}
}

// TestBreathHelper is TestIntegrationRealtimeBreathing's child.
func TestBreathHelper(t *testing.T) {
	mode := os.Getenv(breathHelperEnv)
	if mode == "" {
		t.Skip("the child of TestIntegrationRealtimeBreathing")
	}
	runtime.LockOSThread()
	tid := unix.Gettid()
	var pos linuxProc
	if err := pos.SetRlimitRTTime(defaultRlimitRTTime); err != nil {
		t.Fatal(err)
	}
	if mode == "breathe" {
		if _, err := pos.Breathe(tid, defaultRlimitRTTime*time.Microsecond/4); err != nil {
			t.Fatal(err)
		}
	}
	if err := pos.SetRealtime(tid, minRTPriority); err != nil {
		t.Fatal(err)
	}
	for start := time.Now(); time.Since(start) < 200*time.Millisecond; {
		// The CPU is held: time.Now reads the clock without a system call.
	}
	ths, err := readThreads(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	for _, th := range ths {
		if th.tid == tid && th.policy == 2 {
			fmt.Println("survived under SCHED_RR")
			return
		}
	}
	t.Fatalf("thread %d is no longer SCHED_RR: %+v", tid, ths)
}

// TestIntegrationRealtimeReloads reloads goalived again and again with
// its threads SCHED_RR on one CPU. Before the threads breathed, the
// process was killed for passing RLIMIT_RTTIME within a second of most
// reloads while the Go runtime ran more processors than the CPU it was
// given (GOMAXPROCS=2 here holds it there; without it, the first second
// after the start): its threads spun waiting for one another at the
// same priority. The max_auto_priority case has keepalived's default
// limit, 10 ms.
func TestIntegrationRealtimeReloads(t *testing.T) {
	nstest.RequireRoot(t)
	fixed := "global_defs {\n    vrrp_rt_priority 20\n    vrrp_rlimit_rttime 50000\n    vrrp_cpu_affinity 0\n    process_names\n}\n"
	auto := "global_defs {\n    max_auto_priority 10\n    vrrp_cpu_affinity 0\n}\n"
	cases := []struct {
		name, conf string
		env        []string
		prio       int
	}{
		{name: "rt_priority", conf: fixed, env: []string{"GOMAXPROCS=2"}, prio: 20},
		{name: "rt_priority_from_start", conf: "global_defs {\n    vrrp_rt_priority 20\n    vrrp_cpu_affinity 0\n}\n", prio: 20},
		{name: "max_auto_priority", conf: auto, env: []string{"GOMAXPROCS=2"}, prio: 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			lab := nstest.New(t, nstest.Hosts(1))
			d := nstest.StartDaemon(t, lab, 0, nstest.GoalivedKind, tc.conf+knobInstance, nstest.Env(tc.env...))
			p := d.Proc
			d.WaitReady(t, 20*time.Second)
			if tc.prio == 1 {
				makeTimersLate(t, lab, p)
			}
			for i := 1; i <= 8; i++ {
				waitRealtime(t, p, tc.prio)
				if err := p.Signal(syscall.SIGHUP); err != nil {
					t.Fatalf("reload %d: %v", i, err)
				}
				waitFor(t, 20*time.Second, func() bool { return strings.Count(p.Output(), reloadedLine) >= i || exited(p) },
					func() string { return fmt.Sprintf("reload %d to complete:\n%s", i, p.Output()) })
			}
			waitRealtime(t, p, tc.prio)
			checkBreathing(t, p.Pid())
			if err := p.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			if err := p.Wait(30 * time.Second); err != nil {
				t.Fatalf("goalived did not stop cleanly: %v\n%s", err, p.Output())
			}
		})
	}
}

// makeTimersLate stops goalived, master by then, for longer than
// min_auto_priority_delay, so that it makes itself SCHED_RR
// (max_auto_priority).
func makeTimersLate(t *testing.T, lab *nstest.Lab, p *nstest.Proc) {
	t.Helper()
	waitFor(t, 20*time.Second, func() bool {
		return strings.Contains(lab.Exec(0, "ip", "-4", "addr", "show", "dev", "eth0"), "192.0.2.61/24")
	}, func() string { return "goalived to become master:\n" + p.Output() })
	if err := p.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	for stopped := time.Now(); time.Since(stopped) < 2500*time.Millisecond; {
		time.Sleep(100 * time.Millisecond) // the stall under test
	}
	if err := p.Signal(syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
}

// waitRealtime waits until every thread of p is SCHED_RR at prio, and
// fails at once if p has exited (killed for passing RLIMIT_RTTIME).
func waitRealtime(t *testing.T, p *nstest.Proc, prio int) {
	t.Helper()
	waitFor(t, 20*time.Second, func() bool {
		if exited(p) {
			return true
		}
		ths, err := readThreads(p.Pid())
		good := err == nil && len(ths) > 0
		for _, th := range ths {
			good = good && th.policy == 2 && th.rtPrio == prio
		}
		return good
	}, func() string { return fmt.Sprintf("every thread SCHED_RR %d:\n%s", prio, p.Output()) })
	if exited(p) {
		t.Fatalf("goalived exited (%v):\n%s", p.Wait(time.Second), p.Output())
	}
}

func exited(p *nstest.Proc) bool {
	select {
	case <-p.Done():
		return true
	default:
		return false
	}
}

// checkBreathing checks in /proc/PID/timers that every SCHED_RR thread
// of pid has its breathing timer (signal 63 to the thread).
func checkBreathing(t *testing.T, pid int) {
	t.Helper()
	timers, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "timers"))
	if err != nil {
		t.Fatal(err)
	}
	breathing := map[int]bool{}
	for _, timer := range strings.Split(string(timers), "ID: ")[1:] {
		var id, sig, tid int
		if n, _ := fmt.Sscanf(timer, "%d\nsignal: %d/%x\nnotify: signal/tid.%d", &id, &sig, new(uint64), &tid); n == 4 && sig == breathSignal {
			breathing[tid] = true
		}
	}
	ths, err := readThreads(pid)
	if err != nil {
		t.Fatal(err)
	}
	for _, th := range ths {
		if th.policy == 2 && !breathing[th.tid] {
			t.Errorf("thread %d is SCHED_RR without a breathing timer:\n%s", th.tid, timers)
		}
	}
}
