package track_test

import (
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
)

const procConf = `vrrp_track_process kdc {
    process krb5kdc
    quorum 2
    quorum_max 3
    weight 20
}
vrrp_track_process sleeper {
    process /bin/sleep 3600
    terminate_delay 2
}
vrrp_track_process pair {
    process /bin/sleep 3600
    quorum 2
    weight -10
    fork_delay 1
}
`

// TestTrackProcess: quorum and quorum_max with a weight, a weight-0
// tracker whose loss waits terminate_delay, a fork that waits fork_delay,
// exec and zombies, over a process table in memory and synctest's clock.
func TestTrackProcess(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, procConf+instance("VI_1", 1, 100, "    track_process {\n        kdc\n        sleeper\n        pair\n    }"))
		procs := r.sys.Procs
		procs.Start(1, "/usr/sbin/krb5kdc", "-n")
		sleeper := procs.Start(1, "/bin/sleep", "3600")
		procs.Start(1, "/bin/sleep", "3601") // other parameters: no match
		r.start()
		scan := func() { time.Sleep(200 * time.Millisecond) } // one scan interval and a bit
		// kdc below quorum: +0; sleeper up; pair below quorum: -10.
		r.want("start", map[string]got{"VI_1": {90, false}})

		kdc2 := procs.Start(1, "/usr/sbin/krb5kdc")
		scan()
		r.want("second kdc", map[string]got{"VI_1": {110, false}})
		kdc3 := procs.Start(1, "/usr/sbin/krb5kdc")
		kdc4 := procs.Start(1, "/usr/sbin/krb5kdc")
		scan()
		r.want("four kdc: above quorum_max", map[string]got{"VI_1": {90, false}})
		procs.Zombie(kdc3)
		scan()
		r.want("a zombie does not count", map[string]got{"VI_1": {110, false}})
		procs.Exit(kdc3)
		procs.Exit(kdc4)
		scan()
		r.want("exits", map[string]got{"VI_1": {110, false}})
		procs.Exec(kdc2, "/usr/bin/other")
		scan()
		r.want("exec away", map[string]got{"VI_1": {90, false}})
		procs.Exec(kdc2, "/usr/sbin/krb5kdc")
		scan()
		r.want("exec back", map[string]got{"VI_1": {110, false}})

		child := procs.Fork(sleeper)
		scan()
		r.want("fork: within fork_delay", map[string]got{"VI_1": {110, false}})
		time.Sleep(time.Second)
		r.want("fork: after fork_delay", map[string]got{"VI_1": {120, false}})

		quorum, counts := r.tr.Processes()
		if diff := cmp.Diff(map[string]bool{"kdc": true, "sleeper": true, "pair": true}, quorum); diff != "" {
			t.Errorf("quorum (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(map[string]int{"kdc": 2, "sleeper": 2, "pair": 2}, counts); diff != "" {
			t.Errorf("counts (-want +got):\n%s", diff)
		}

		procs.Exit(child)
		procs.Exit(sleeper)
		scan()
		// pair has no terminate_delay; sleeper waits 2 s before FAULT.
		r.want("exit: within terminate_delay", map[string]got{"VI_1": {110, false}})
		time.Sleep(time.Second)
		r.want("exit: still within terminate_delay", map[string]got{"VI_1": {110, false}})
		time.Sleep(1300 * time.Millisecond) // the first scan at or after the deadline
		r.want("exit: after terminate_delay", map[string]got{"VI_1": {110, true}})
		again := procs.Start(1, "/bin/sleep", "3600")
		scan()
		r.want("a new program counts at once", map[string]got{"VI_1": {110, false}})

		// A loss that reverts within terminate_delay is never reported.
		procs.Exit(again)
		scan()
		time.Sleep(500 * time.Millisecond)
		procs.Start(1, "/bin/sleep", "3600")
		time.Sleep(3 * time.Second)
		r.want("reverted loss", map[string]got{"VI_1": {110, false}})
		if n := strings.Count(r.logs.String(), `msg="Quorum lost for tracked process sleeper" name=sleeper`); n != 1 {
			t.Errorf("sleeper lost quorum %d times in the log, want 1:\n%s", n, r.logs)
		}
	})
}

// TestTrackProcessStartFault: a weight-0 process that is not running
// faults the instance from the start.
func TestTrackProcessStartFault(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, procConf+instance("VI_1", 1, 100, "    track_process {\n        sleeper\n    }")).start()
		r.want("start", map[string]got{"VI_1": {100, true}})
		quorum, counts := r.tr.Processes()
		if diff := cmp.Diff(map[string]bool{"sleeper": false}, quorum); diff != "" {
			t.Errorf("quorum (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(map[string]int{"sleeper": 0}, counts); diff != "" {
			t.Errorf("counts (-want +got):\n%s", diff)
		}
	})
}

// TestTrackProcessNone: without a tracked process nothing scans.
func TestTrackProcessNone(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, procConf+instance("VI_1", 1, 100, "")).start()
		if quorum, counts := r.tr.Processes(); len(quorum) != 0 || counts != nil {
			t.Errorf("Processes() = %v, %v, want nothing", quorum, counts)
		}
	})
}
