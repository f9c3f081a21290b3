package main

import (
	"bytes"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/goalived/goalived/config"
)

// fakeProc records what the tuner asks of the kernel.
type fakeProc struct {
	tids   []int
	calls  []string
	timers int
}

func (f *fakeProc) Threads() ([]int, error) { return f.tids, nil }
func (f *fakeProc) SetRealtime(tid, prio int) error {
	f.calls = append(f.calls, fmt.Sprintf("rr %d %d", tid, prio))
	return nil
}
func (f *fakeProc) SetNice(tid, nice int) error {
	f.calls = append(f.calls, fmt.Sprintf("nice %d %d", tid, nice))
	return nil
}
func (f *fakeProc) SetAffinity(tid int, cpus []int) error {
	f.calls = append(f.calls, fmt.Sprintf("cpus %d %v", tid, cpus))
	return nil
}
func (f *fakeProc) SetName(tid int, name string) error {
	f.calls = append(f.calls, fmt.Sprintf("name %d %s", tid, name))
	return nil
}
func (f *fakeProc) LockMemory() error { f.calls = append(f.calls, "mlockall"); return nil }
func (f *fakeProc) SetRlimitRTTime(us uint64) error {
	f.calls = append(f.calls, fmt.Sprintf("rttime %d", us))
	return nil
}

func (f *fakeProc) Breathe(tid int, every time.Duration) (int, error) {
	f.timers++
	f.calls = append(f.calls, fmt.Sprintf("breathe %d every %v: timer %d", tid, every, f.timers))
	return f.timers, nil
}
func (f *fakeProc) StopBreathing(timer int) error {
	f.calls = append(f.calls, fmt.Sprintf("stop timer %d", timer))
	return nil
}
func (f *fakeProc) FollowCPUMask(cpus []int) error {
	f.calls = append(f.calls, fmt.Sprintf("procs %v", cpus))
	return nil
}

func (f *fakeProc) take() []string { c := f.calls; f.calls = nil; return c }

func newTestTuner(cfg config.Process, tids ...int) (*procTuner, *fakeProc, *bytes.Buffer) {
	var logs bytes.Buffer
	f := &fakeProc{tids: tids}
	if cfg.MinAutoPriorityDelay == 0 {
		cfg.MinAutoPriorityDelay = time.Second
	}
	p := newProcTuner(cfg, f, slog.New(slog.NewTextHandler(&logs, nil)))
	return p, f, &logs
}

func TestProcTunerStart(t *testing.T) {
	cases := []struct {
		name string
		cfg  config.Process
		want []string
	}{
		{name: "nothing configured", cfg: config.Process{MaxAutoPriority: -1}},
		{name: "realtime with default limit", cfg: config.Process{MaxAutoPriority: -1, RealtimePriority: 50},
			want: []string{"rttime 10000", "breathe 10 every 2.5ms: timer 1", "rr 10 50", "breathe 11 every 2.5ms: timer 2", "rr 11 50"}},
		{name: "realtime wins over nice", cfg: config.Process{MaxAutoPriority: -1, RealtimePriority: 5, RlimitRTTime: 20000, Nice: -5},
			want: []string{"rttime 20000", "breathe 10 every 5ms: timer 1", "rr 10 5", "breathe 11 every 5ms: timer 2", "rr 11 5"}},
		{name: "nice, no swap, cpus, names", cfg: config.Process{MaxAutoPriority: -1, Nice: -10, NoSwap: true, CPUs: []int{0}, Name: "ka", VRRPName: "keepalived_vrrp"},
			want: []string{"mlockall", "nice 10 -10", "cpus 10 [0]", "name 10 keepalived_vrrp", "nice 11 -10", "cpus 11 [0]", "name 11 keepalived_vrrp", "procs [0]"}},
		{name: "process_name alone", cfg: config.Process{MaxAutoPriority: -1, Name: "lb"},
			want: []string{"name 10 lb", "name 11 lb"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, f, _ := newTestTuner(tc.cfg, 10, 11)
			if diff := cmp.Diff(tc.want, f.take()); diff != "" {
				t.Errorf("calls (-want +got):\n%s", diff)
			}
		})
	}
}

// TestProcTunerNewThreads checks that a thread the runtime starts later
// gets the settings at the next pass, and only it, and that the
// breathing timer of a thread that has exited is deleted.
func TestProcTunerNewThreads(t *testing.T) {
	p, f, _ := newTestTuner(config.Process{MaxAutoPriority: -1, RealtimePriority: 10, RlimitRTTime: 50000}, 10)
	f.take()
	f.tids = []int{10, 12}
	p.tuneThreads()
	p.tuneThreads()
	if diff := cmp.Diff([]string{"breathe 12 every 12.5ms: timer 2", "rr 12 10"}, f.take()); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
	f.tids = []int{12}
	p.tuneThreads()
	if diff := cmp.Diff([]string{"stop timer 1"}, f.take()); diff != "" {
		t.Errorf("after thread 10 exited (-want +got):\n%s", diff)
	}
}

// TestProcTunerAutoPriority follows keepalived's max_auto_priority: each
// timer more than min_auto_priority_delay late raises the SCHED_RR
// priority one step from 1, up to the maximum.
func TestProcTunerAutoPriority(t *testing.T) {
	p, f, logs := newTestTuner(config.Process{MaxAutoPriority: 2, RlimitRTTime: 30000}, 10)
	steps := []struct {
		late time.Duration
		want []string
	}{
		{late: 500 * time.Millisecond},
		{late: time.Second},
		{late: 1500 * time.Millisecond, want: []string{"rttime 30000", "breathe 10 every 7.5ms: timer 1", "rr 10 1"}},
		{late: 2 * time.Second, want: []string{"rr 10 2"}},
		{late: 3 * time.Second},
	}
	for i, st := range steps {
		p.timerLate(st.late)
		if diff := cmp.Diff(st.want, f.take()); diff != "" {
			t.Errorf("step %d (late %v): calls (-want +got):\n%s", i, st.late, diff)
		}
	}
	for _, want := range []string{"A thread timer expired 1.500000 seconds ago", "Set realtime priority 1", "Set realtime priority 2"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, logs)
		}
	}
}

func TestProcTunerAutoPriorityOff(t *testing.T) {
	for _, maxPrio := range []int{0, -1} {
		p, f, logs := newTestTuner(config.Process{MaxAutoPriority: maxPrio}, 10)
		p.timerLate(5 * time.Second)
		if calls := f.take(); len(calls) != 0 {
			t.Errorf("max_auto_priority %d: calls %v", maxPrio, calls)
		}
		logProcessNotice(slog.New(slog.NewTextHandler(logs, nil)), config.Process{MaxAutoPriority: maxPrio})
		notice := strings.Contains(logs.String(), "NOTICE: setting config option max_auto_priority should result in better keepalived performance")
		if notice != (maxPrio == 0) {
			t.Errorf("max_auto_priority %d: NOTICE logged %v:\n%s", maxPrio, notice, logs)
		}
	}
}

// TestProcTunerRelax checks that a reload runs under SCHED_OTHER and that
// the realtime policy comes back afterwards, with the new configuration
// or the old one.
func TestProcTunerRelax(t *testing.T) {
	p, f, _ := newTestTuner(config.Process{MaxAutoPriority: -1, RealtimePriority: 10}, 10, 11)
	f.take()
	p.relaxThreads()
	p.relaxThreads() // once is enough
	p.reconfigure(nil)
	want := []string{"rr 10 0", "rr 11 0", "stop timer 1", "stop timer 2",
		"breathe 10 every 2.5ms: timer 3", "rr 10 10", "breathe 11 every 2.5ms: timer 4", "rr 11 10"}
	if diff := cmp.Diff(want, sortStops(f.take())); diff != "" {
		t.Errorf("after Reconfigure(nil) (-want +got):\n%s", diff)
	}
	p.relaxThreads()
	p.reconfigure(&config.Process{MaxAutoPriority: -1, RealtimePriority: 30, CPUs: []int{1}})
	want = []string{"rr 10 0", "rr 11 0", "stop timer 3", "stop timer 4",
		"breathe 10 every 2.5ms: timer 5", "rr 10 30", "cpus 10 [1]", "breathe 11 every 2.5ms: timer 6", "rr 11 30", "cpus 11 [1]", "procs [1]"}
	if diff := cmp.Diff(want, sortStops(f.take())); diff != "" {
		t.Errorf("relax then a new priority and CPU (-want +got):\n%s", diff)
	}
}

// sortStops orders the timer deletions of one relax, which follow a map.
func sortStops(calls []string) []string {
	i := slices.IndexFunc(calls, func(c string) bool { return strings.HasPrefix(c, "stop ") })
	if i < 0 {
		return calls
	}
	j := i
	for j < len(calls) && strings.HasPrefix(calls[j], "stop ") {
		j++
	}
	slices.Sort(calls[i:j])
	return calls
}
