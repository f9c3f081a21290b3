package track

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/netif"
)

func cmdline(args ...string) []byte {
	return []byte(strings.Join(args, "\x00") + "\x00")
}

func TestProcessMatches(t *testing.T) {
	krb := netif.Process{Comm: "krb5kdc", Cmdline: cmdline("/usr/sbin/krb5kdc", "-n", "-P", "/run/kdc.pid")}
	tests := []struct {
		name string
		tp   config.TrackProcess
		p    netif.Process
		want bool
	}{
		{"comm", config.TrackProcess{Process: "krb5kdc"}, krb, true},
		{"comm is not argv0", config.TrackProcess{Process: "/usr/sbin/krb5kdc"}, krb, false},
		{"zombie", config.TrackProcess{Process: "krb5kdc"}, netif.Process{Comm: "krb5kdc", Zombie: true}, false},
		{"comm exact only", config.TrackProcess{Process: "krb5"}, krb, false},
		{"full_command argv0", config.TrackProcess{Process: "/usr/sbin/krb5kdc", FullCommand: true}, krb, true},
		{"full_command other argv0", config.TrackProcess{Process: "krb5kdc", FullCommand: true}, krb, false},
		{"exact params", config.TrackProcess{Process: "/usr/sbin/krb5kdc", Params: []string{"-n", "-P", "/run/kdc.pid"}, ParamMatch: "exact"}, krb, true},
		{"exact params too few", config.TrackProcess{Process: "/usr/sbin/krb5kdc", Params: []string{"-n"}, ParamMatch: "exact"}, krb, false},
		{"bare param_match, no params, process has some", config.TrackProcess{Process: "/usr/sbin/krb5kdc", ParamMatch: "exact"}, krb, false},
		{"bare param_match, no params, none given", config.TrackProcess{Process: "/bin/sleep", ParamMatch: "exact"}, netif.Process{Cmdline: cmdline("/bin/sleep")}, true},
		{"partial: complete leading params", config.TrackProcess{Process: "/usr/sbin/krb5kdc", Params: []string{"-n", "-P"}, ParamMatch: "partial"}, krb, true},
		{"partial: last param must be complete", config.TrackProcess{Process: "/usr/sbin/krb5kdc", Params: []string{"-n", "-P", "/run/kdc"}, ParamMatch: "partial"}, krb, false},
		{"initial: last param may be a prefix", config.TrackProcess{Process: "/usr/sbin/krb5kdc", Params: []string{"-n", "-P", "/run/kdc"}, ParamMatch: "initial"}, krb, true},
		{"initial: earlier params complete", config.TrackProcess{Process: "/usr/sbin/krb5kdc", Params: []string{"-", "-P"}, ParamMatch: "initial"}, krb, false},
		{"params longer than cmdline", config.TrackProcess{Process: "/usr/sbin/krb5kdc", Params: []string{"-n", "-P", "/run/kdc.pid", "x"}, ParamMatch: "initial"}, krb, false},
		{"empty cmdline (kernel thread)", config.TrackProcess{Process: "kthreadd", FullCommand: true}, netif.Process{Comm: "kthreadd"}, false},
	}
	for _, tc := range tests {
		if got := processMatches(&tc.tp, tc.p); got != tc.want {
			t.Errorf("%s: processMatches = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestQuorumUp(t *testing.T) {
	tests := []struct {
		quorum, max, n int
		want           bool
	}{
		{1, -1, 0, false}, {1, -1, 1, true}, {1, -1, 100, true},
		{2, 3, 1, false}, {2, 3, 2, true}, {2, 3, 3, true}, {2, 3, 4, false},
		{1, 1, 2, false},
	}
	for _, tc := range tests {
		tp := config.TrackProcess{Quorum: tc.quorum, QuorumMax: tc.max}
		if got := quorumUp(&tp, tc.n); got != tc.want {
			t.Errorf("quorum %d..%d with %d processes: got %v, want %v", tc.quorum, tc.max, tc.n, got, tc.want)
		}
	}
}

func TestDebounce(t *testing.T) {
	t0 := time.Unix(1000, 0)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	type step struct {
		at      int
		raw     bool
		change  bool // the set of processes changed in this scan
		delay   time.Duration
		changed bool
		up      bool
	}
	tests := []struct {
		name  string
		start bool
		steps []step
	}{
		{"no delay follows at once", false, []step{
			{0, true, true, 0, true, true}, {10, true, false, 0, false, true}, {20, false, true, 0, true, false},
		}},
		{"delayed gain", false, []step{
			{0, true, true, ms(100), false, false}, {50, true, false, 0, false, false}, {100, true, false, 0, true, true},
			{110, false, true, 0, true, false},
		}},
		{"a gain reverted within its delay is never reported", false, []step{
			{0, true, true, ms(100), false, false}, {50, false, true, 0, false, false}, {120, true, true, ms(100), false, false},
			{219, true, false, 0, false, false}, {220, true, false, 0, true, true},
		}},
		{"delayed loss", true, []step{
			{0, false, true, ms(200), false, true}, {150, true, true, 0, false, true}, {300, false, true, ms(200), false, true},
			{499, false, false, 0, false, true}, {500, false, false, 0, true, false},
		}},
		{"an immediate cause ends a pending delay", true, []step{
			{0, false, true, ms(200), false, true}, {50, false, true, 0, true, false},
		}},
	}
	for _, tc := range tests {
		d := debounce{up: tc.start}
		for i, s := range tc.steps {
			changed := d.observe(s.raw, at(s.at), s.change, s.delay)
			if changed != s.changed || d.up != s.up {
				t.Errorf("%s step %d (t=%dms raw=%v): changed=%v up=%v, want %v %v", tc.name, i, s.at, s.raw, changed, d.up, s.changed, s.up)
			}
		}
	}
}

func TestChangeDelay(t *testing.T) {
	tp := &config.TrackProcess{ForkDelay: time.Second, TerminateDelay: 2 * time.Second}
	alive := func(pids ...int) map[int]bool {
		m := map[int]bool{}
		for _, p := range pids {
			m[p] = true
		}
		return m
	}
	tests := []struct {
		name      string
		prev, cur map[int]int
		alive     map[int]bool
		want      time.Duration
	}{
		{"nothing changed", map[int]int{10: 1}, map[int]int{10: 1}, alive(10), 0},
		{"fork of a tracked process", map[int]int{10: 1}, map[int]int{10: 1, 11: 10}, alive(10, 11), time.Second},
		{"fork of a fork in one scan", map[int]int{10: 1}, map[int]int{10: 1, 11: 10, 12: 11}, alive(10, 11, 12), time.Second},
		{"exec of a new program", map[int]int{}, map[int]int{20: 5}, alive(5, 20), 0},
		{"exit", map[int]int{10: 1, 11: 10}, map[int]int{10: 1}, alive(10), 2 * time.Second},
		{"exec away (pid still there, no longer matching)", map[int]int{10: 1}, map[int]int{}, alive(10), 0},
		{"fork and exit together", map[int]int{10: 1, 11: 10}, map[int]int{10: 1, 12: 10}, alive(10, 12), 0},
	}
	for _, tc := range tests {
		got, changed := changeDelay(tp, tc.prev, tc.cur, tc.alive)
		if got != tc.want || changed != (tc.name != "nothing changed") {
			t.Errorf("%s: delay %v changed %v, want %v", tc.name, got, changed, tc.want)
		}
	}
}

// procTable is a process table for procWatcher.
type procTable struct {
	mu    sync.Mutex
	procs []netif.Process
}

func (p *procTable) Scan(bool) []netif.Process {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.procs)
}

func (p *procTable) set(procs ...netif.Process) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.procs = procs
}

// TestProcWatcher: the watcher reports quorum changes, a loss after
// terminate_delay.
func TestProcWatcher(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		kdc1 := netif.Process{PID: 10, PPID: 1, Comm: "krb5kdc", Cmdline: cmdline("/usr/sbin/krb5kdc", "-n")}
		zombie := netif.Process{PID: 11, PPID: 1, Comm: "krb5kdc", Zombie: true}
		sleeper := netif.Process{PID: 12, PPID: 1, Comm: "sleep", Cmdline: cmdline("/bin/sleep", "100")}
		kdc2 := netif.Process{PID: 13, PPID: 1, Comm: "krb5kdc", Cmdline: cmdline("krb5kdc")}
		table := &procTable{}
		table.set(kdc1, zombie, sleeper)
		kdc := &config.TrackProcess{Name: "kdc", Process: "krb5kdc", Quorum: 1, QuorumMax: -1}
		two := &config.TrackProcess{Name: "two", Process: "krb5kdc", Quorum: 2, QuorumMax: -1}
		sleep := &config.TrackProcess{Name: "sleep", Process: "/bin/sleep", Params: []string{"100"}, ParamMatch: "exact", Quorum: 1, QuorumMax: -1,
			TerminateDelay: 30 * time.Millisecond}
		w := newProcWatcher(table, []*config.TrackProcess{kdc, two, sleep}, 5*time.Millisecond)
		if diff := cmp.Diff(map[string]bool{"kdc": true, "two": false, "sleep": true}, w.initial()); diff != "" {
			t.Fatalf("initial quorum (-want +got):\n%s", diff)
		}
		events := make(chan procEvent)
		go w.run(events)
		defer w.close()
		table.set(kdc1, zombie, sleeper, kdc2)
		if diff := cmp.Diff(procEvent{"two", true}, <-events); diff != "" {
			t.Errorf("second kdc (-want +got):\n%s", diff)
		}
		start := time.Now()
		table.set(kdc1, zombie, kdc2)
		if diff := cmp.Diff(procEvent{"sleep", false}, <-events); diff != "" {
			t.Errorf("sleep gone (-want +got):\n%s", diff)
		}
		if took := time.Since(start); took < 30*time.Millisecond || took > 40*time.Millisecond {
			t.Errorf("loss reported after %v, want terminate_delay 30ms and a scan", took)
		}
	})
}
